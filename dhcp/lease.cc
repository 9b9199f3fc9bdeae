// Lease <-> Message. lease_from_message is the last validation layer before
// an address reaches the kernel: it decides whether an OFFER/ACK is usable at
// all, and which of its options are. What the lease depends on refuses the
// message; what it can do without is dropped with a warning and the rest
// kept, as systemd's and dhcpcd's lease parsers do ("..., ignoring"): one bad
// option from a sloppy or hostile server must not leave a network root
// without an address.
#include "dhcp/lease.h"

#include <map>
#include <utility>

namespace earlynet::dhcp {
namespace {

// RFC 2131 4.4.5: T1 defaults to 0.5 and T2 to 0.875 of the lease.
constexpr std::int64_t kT1Numerator = 1, kT1Denominator = 2;
constexpr std::int64_t kT2Numerator = 7, kT2Denominator = 8;
// RFC 791: every host must accept 68-byte datagrams; a smaller MTU cannot carry IPv4.
constexpr std::uint32_t kMinimumMtu = 68;

// The options a lease cannot work without, so that a malformed one refuses
// the message instead of being dropped:
//  - 54, server identifier: the server we REQUEST from and renew with by
//    unicast (RFC 2131 4.3.1, 4.4.5); without it no REQUEST can name the
//    offer, and no renewal can reach the server that granted it;
//  - 51, lease time: how long the address is ours, so when to renew and
//    when the kernel must drop it; guessing one would outlive the lease;
//  - 1, subnet mask: the prefix the address is configured with. Dropping it
//    would fall back to the classful prefix, a subnet other than the one the
//    server meant: wrong on-link routes, a wrong broadcast address.
// The message type (53) is needed as well; parse_message refuses a malformed
// one and a hand-built message without a valid one carries no lease below.
// Everything else the address works without: the routers and routes (a lease
// without them still reaches its own subnet), names and name servers, the
// MTU (the link's stays), T1/T2 (RFC 2131 4.4.5 defaults), boot data.
constexpr std::uint8_t kRequiredOptions[] = {option::kServerIdentifier, option::kLeaseTime, option::kSubnetMask};

Unexpected<Error> invalid(std::string message) {
    return unexpected(ErrorCode::Invalid, std::move(message));
}

std::string label(std::uint8_t code) {
    const OptionDefinition* def = find_option(code);
    return "option " + std::to_string(code) + (def ? " (" + std::string(def->name) + ")" : "");
}

std::string ignoring(std::string why) {
    return std::move(why) + ", ignoring";
}

// Every option of the message as received (a parsed message keeps the
// malformed ones apart; a hand-built one may hold them in `options`, which
// win), split into decoded values and decoding errors, in code order.
struct DecodedOptions {
    OptionMap received;
    std::map<std::uint8_t, OptionValue> values;
    std::map<std::uint8_t, Error> malformed;

    // The decoded value of an option whose row says T; nullopt when absent or malformed.
    template <typename T>
    std::optional<T> get(std::uint8_t code) const {
        auto it = values.find(code);
        if (it == values.end()) return std::nullopt;
        if (auto* v = std::get_if<T>(&it->second)) return *v;
        return std::nullopt;
    }
};

DecodedOptions decode_options(const Message& m) {
    DecodedOptions d;
    d.received = m.options;
    d.received.insert(m.malformed_options.begin(), m.malformed_options.end());
    for (const auto& [code, bytes] : d.received) {
        const OptionDefinition* def = find_option(code);
        if (!def) continue;
        auto value = decode_option(*def, bytes);
        if (value)
            d.values.emplace(code, std::move(*value));
        else
            d.malformed.emplace(code, std::move(value.error()));
    }
    return d;
}

struct Times {
    Seconds t1, t2;
    bool operator==(const Times&) const = default;
};

// T1/T2 from the lease and the server's options 58/59 (either may be absent).
// Absent ones default to 0.5/0.875 of the lease; an infinite lease keeps them
// infinite. When the result is not 0 < T1 < T2 < lease (T2 unbounded for an
// infinite lease), both are repaired to the defaults, as systemd and dhcpcd do
// rather than dropping the lease. T1 = 0 would renew in a loop.
Times renewal_times(Seconds lease, std::optional<std::uint32_t> t1, std::optional<std::uint32_t> t2) {
    bool infinite = lease == Lease::kInfinite;
    Times defaults = infinite ? Times{Lease::kInfinite, Lease::kInfinite}
                              : Times{lease * kT1Numerator / kT1Denominator, lease * kT2Numerator / kT2Denominator};
    Times times{t1 ? Seconds{*t1} : defaults.t1, t2 ? Seconds{*t2} : defaults.t2};
    if (!t1 && !t2) return defaults;
    bool ok = times.t1 > Seconds{0} && times.t1 < times.t2 && (infinite || times.t2 < lease);
    return ok ? times : defaults;
}

std::vector<std::uint8_t> encode(std::uint8_t code, const OptionValue& value) {
    return encode_option(*find_option(code), value);
}

// The addresses of a list option that a host can use, each other one
// reported; `why` says what is wrong with one, or nothing.
template <typename Why>
std::vector<Ipv4Address> usable_addresses(const DecodedOptions& o, std::uint8_t code,
                                          std::vector<std::string>& warnings, Why why) {
    std::vector<Ipv4Address> kept;
    for (Ipv4Address a : o.get<std::vector<Ipv4Address>>(code).value_or(std::vector<Ipv4Address>{})) {
        if (std::optional<std::string> reason = why(a))
            warnings.push_back(ignoring(label(code) + ": " + a.to_string() + " " + *reason));
        else
            kept.push_back(a);
    }
    return kept;
}

}  // namespace

Result<Lease> lease_from_message(const Message& reply, BootTime acquired_at) {
    // Only these two carry a lease (an ACK to INFORM has yiaddr 0 and fails below).
    auto type = reply.type();
    if (type != MessageType::Offer && type != MessageType::Ack) {
        return invalid(std::string("message type ") + (type ? to_string(*type) : "(none)") + " does not carry a lease");
    }
    const DecodedOptions o = decode_options(reply);
    for (std::uint8_t code : kRequiredOptions) {
        if (auto it = o.malformed.find(code); it != o.malformed.end()) return unexpected(it->second);
    }
    Lease l;
    for (const auto& entry : o.malformed) l.warnings.push_back(ignoring(entry.second.message));

    l.address = reply.yiaddr;
    if (const char* why = unusable_reason(l.address)) return invalid("yiaddr " + l.address.to_string() + " " + why);

    auto server_id = o.get<Ipv4Address>(option::kServerIdentifier);
    if (!server_id) return invalid("no server identifier (option 54)");
    // Where the REQUEST and every renewal go: it has to be a unicast address.
    if (const char* why = unusable_reason(*server_id))
        return invalid(label(option::kServerIdentifier) + ": " + server_id->to_string() + " " + why);
    l.server_id = *server_id;
    auto lease_time = o.get<std::uint32_t>(option::kLeaseTime);
    if (!lease_time) return invalid("no lease time (option 51)");
    // A zero lease expires as it is granted; taking it would renew in a loop.
    if (*lease_time == 0) return invalid("option 51 (lease-time): lease time 0");
    l.lease_time = Seconds{*lease_time};
    Times times = renewal_times(l.lease_time, o.get<std::uint32_t>(option::kRenewalTime),
                                o.get<std::uint32_t>(option::kRebindingTime));
    l.t1 = times.t1;
    l.t2 = times.t2;

    // Without option 1 the classful prefix, as dhclient and NetworkManager.
    l.prefix_length = l.address.classful_prefix();
    if (auto mask = o.get<Ipv4Address>(option::kSubnetMask)) {
        auto prefix = mask->netmask_prefix();
        if (!prefix)
            return invalid(label(option::kSubnetMask) + ": " + mask->to_string() + " is not a contiguous mask");
        // A /0 makes every address on-link: ARP for the whole internet
        // (RFC 1122 3.3.1.1 needs a subnet to decide local or not).
        if (*prefix == 0) return invalid(label(option::kSubnetMask) + ": 0.0.0.0 would put every address on this link");
        l.prefix_length = *prefix;
    }
    // RFC 1122 3.2.1.3: the subnet's all-zeros and all-ones host numbers are
    // no host's address; configuring one would take the subnet's broadcast.
    if (auto why = subnet_reason(l.address, l.address, l.prefix_length))
        return invalid("yiaddr " + l.address.to_string() + " " + *why);

    if (auto mtu = o.get<std::uint32_t>(option::kInterfaceMtu)) {
        if (*mtu < kMinimumMtu)
            l.warnings.push_back(ignoring(label(option::kInterfaceMtu) + ": " + std::to_string(*mtu) +
                                          " is below the IPv4 minimum of 68"));
        else
            l.mtu = static_cast<std::uint16_t>(*mtu);
    }
    // The kernel takes the broadcast address as given: only the subnet's own
    // one (RFC 919, RFC 1122 3.3.6); anything else is left to be computed.
    if (auto broadcast = o.get<Ipv4Address>(option::kBroadcastAddress)) {
        if (l.prefix_length <= kLongestPrefixWithBroadcast && *broadcast == l.address.broadcast(l.prefix_length))
            l.broadcast = broadcast;
        else
            l.warnings.push_back(ignoring(label(option::kBroadcastAddress) + ": " + broadcast->to_string() +
                                          " is not the broadcast address of " +
                                          subnet_text(l.address, l.prefix_length)));
    }
    // RFC 1122 3.3.1: a first-hop router is on our network and is not us.
    // One that no host can be is left out, the others kept (a router off the
    // subnet is reachable on-link: RFC 3442, clouds' /32s).
    l.routers = usable_addresses(o, option::kRouter, l.warnings,
                                 [&l](Ipv4Address a) { return unusable_router(a, l.address, l.prefix_length); });
    auto any_host = [](Ipv4Address a) -> std::optional<std::string> {
        if (const char* why = unusable_reason(a)) return why;
        return std::nullopt;
    };
    l.dns_servers = usable_addresses(o, option::kDomainNameServer, l.warnings, any_host);
    l.ntp_servers = usable_addresses(o, option::kNtpServers, l.warnings, any_host);
    l.hostname = o.get<std::string>(option::kHostName).value_or("");
    l.domain_name = o.get<std::string>(option::kDomainName).value_or("");
    l.root_path = o.get<std::string>(option::kRootPath).value_or("");
    l.tftp_server_name = o.get<std::string>(option::kTftpServerName).value_or("");
    l.bootfile_name = o.get<std::string>(option::kBootfileName).value_or("");
    l.domain_search = o.get<std::vector<std::string>>(option::kDomainSearch).value_or(std::vector<std::string>{});
    // A dropped route is as if never sent. When none is left, the lease has
    // no classless routes and option 3 applies again (lease_routes), as for a
    // malformed option 121: what systemd-networkd and dhcpcd do too.
    for (const auto& route :
         o.get<std::vector<ClasslessRoute>>(option::kClasslessStaticRoute).value_or(std::vector<ClasslessRoute>{})) {
        if (auto why = unusable_classless_route(route, l.address, l.prefix_length)) {
            l.warnings.push_back(ignoring(label(option::kClasslessStaticRoute) + ": " + route.destination.to_string() +
                                          "/" + std::to_string(route.prefix_length) + " via " +
                                          route.gateway.to_string() + ": " + *why));
        } else {
            l.classless_routes.push_back(route);
        }
    }
    l.next_server = reply.siaddr;
    l.server_host_name = reply.sname;
    l.boot_file = reply.file;
    l.options = o.received;
    l.acquired_at = acquired_at;
    return l;
}

// Options are copied verbatim, so a lease that came from lease_from_message
// comes back equal, warnings included (the same bytes give the same
// warnings). A typed field whose option is absent (a lease built by hand, say
// in a test) is encoded into the message, so the ACK still carries it; the
// message type is Ack unless the options say otherwise.
Message lease_to_message(const Lease& l) {
    Message m;
    m.op = BootpOp::Reply;
    m.yiaddr = l.address;
    m.siaddr = l.next_server;
    m.sname = l.server_host_name;
    m.file = l.boot_file;
    auto split = split_malformed_options(l.options);
    m.options = std::move(split.options);
    m.malformed_options = std::move(split.malformed);
    auto fill = [&m](std::uint8_t code, const OptionValue& value) { m.options.try_emplace(code, encode(code, value)); };
    auto seconds = [](Seconds s) { return static_cast<std::uint32_t>(s.count()); };

    m.options.try_emplace(option::kMessageType, std::vector<std::uint8_t>{static_cast<std::uint8_t>(MessageType::Ack)});
    fill(option::kServerIdentifier, l.server_id);
    fill(option::kLeaseTime, seconds(l.lease_time));
    if (l.prefix_length != l.address.classful_prefix() && l.prefix_length >= 0 && l.prefix_length <= 32) {
        std::uint32_t mask = l.prefix_length == 0 ? 0 : ~std::uint32_t{0} << (32 - l.prefix_length);
        fill(option::kSubnetMask, Ipv4Address::from_host(mask));
    }
    if (l.broadcast) fill(option::kBroadcastAddress, *l.broadcast);
    if (l.mtu) fill(option::kInterfaceMtu, std::uint32_t{*l.mtu});
    for (auto [code, list] :
         {std::pair{option::kRouter, &l.routers}, std::pair{option::kDomainNameServer, &l.dns_servers},
          std::pair{option::kNtpServers, &l.ntp_servers}})
        if (!list->empty()) fill(code, *list);
    for (auto [code, text] :
         {std::pair{option::kHostName, &l.hostname}, std::pair{option::kDomainName, &l.domain_name},
          std::pair{option::kRootPath, &l.root_path}, std::pair{option::kTftpServerName, &l.tftp_server_name},
          std::pair{option::kBootfileName, &l.bootfile_name}})
        if (!text->empty()) fill(code, *text);
    if (!l.domain_search.empty()) fill(option::kDomainSearch, l.domain_search);
    if (!l.classless_routes.empty()) fill(option::kClasslessStaticRoute, l.classless_routes);

    // T1/T2 are written only when what the options already say would not give them back.
    auto t1 = m.u32_option(option::kRenewalTime), t2 = m.u32_option(option::kRebindingTime);
    if (renewal_times(l.lease_time, t1, t2) != Times{l.t1, l.t2}) {
        fill(option::kRenewalTime, seconds(l.t1));
        fill(option::kRebindingTime, seconds(l.t2));
    }
    return m;
}

}  // namespace earlynet::dhcp
