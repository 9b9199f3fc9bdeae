// Lease <-> Message. lease_from_message is the last validation layer before
// an address reaches the kernel: it decides whether an OFFER/ACK is usable at
// all, and never takes part of one.
#include "dhcp/lease.h"

#include <utility>

namespace earlynet::dhcp {
namespace {

// RFC 2131 4.4.5: T1 defaults to 0.5 and T2 to 0.875 of the lease.
constexpr std::int64_t kT1Numerator = 1, kT1Denominator = 2;
constexpr std::int64_t kT2Numerator = 7, kT2Denominator = 8;
// RFC 791: every host must accept 68-byte datagrams; a smaller MTU cannot carry IPv4.
constexpr std::uint32_t kMinimumMtu = 68;

Unexpected<Error> invalid(std::string message) {
    return unexpected(ErrorCode::Invalid, std::move(message));
}

// The decoded value of an option whose row says T; nullopt when absent.
// Callers first ran validate_options, so a present option decodes.
template <typename T>
std::optional<T> value_of(const OptionMap& options, std::uint8_t code) {
    auto it = options.find(code);
    const OptionDefinition* def = find_option(code);
    if (it == options.end() || !def) return std::nullopt;
    auto value = decode_option(*def, it->second);
    if (!value) return std::nullopt;
    if (auto* v = std::get_if<T>(&*value)) return std::move(*v);
    return std::nullopt;
}

// A hand-built Message may not have gone through parse_message: decode every
// option we have a row for, as it would have.
Result<void> validate_options(const OptionMap& options) {
    for (const auto& [code, bytes] : options) {
        if (const OptionDefinition* def = find_option(code)) EARLYNET_TRY(decode_option(*def, bytes));
    }
    return {};
}

// Why an address cannot be ours, or nullptr. RFC 1122 3.2.1.3 and RFC 5735:
// "this network" (0/8), loopback (127/8), multicast and reserved (224/4 and
// 240/4, which includes the limited broadcast).
const char* unusable_reason(Ipv4Address a) {
    std::uint32_t h = a.host_order();
    if ((h >> 24) == 0) return "is in 0.0.0.0/8 (this network)";
    if ((h >> 24) == 127) return "is a loopback address";
    if ((h >> 28) == 0xe) return "is a multicast address";
    if ((h >> 28) == 0xf) return "is a reserved or broadcast address";
    return nullptr;
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

}  // namespace

Result<Lease> lease_from_message(const Message& reply, BootTime acquired_at) {
    EARLYNET_TRY(validate_options(reply.options));
    const OptionMap& o = reply.options;
    // Only these two carry a lease (an ACK to INFORM has yiaddr 0 and fails below).
    auto type = reply.type();
    if (type != MessageType::Offer && type != MessageType::Ack) {
        return invalid(std::string("message type ") + (type ? to_string(*type) : "(none)") + " does not carry a lease");
    }
    Lease l;
    l.address = reply.yiaddr;
    if (const char* why = unusable_reason(l.address)) return invalid("yiaddr " + l.address.to_string() + " " + why);

    auto server_id = value_of<Ipv4Address>(o, option::kServerIdentifier);
    if (!server_id) return invalid("no server identifier (option 54)");
    l.server_id = *server_id;
    auto lease_time = value_of<std::uint32_t>(o, option::kLeaseTime);
    if (!lease_time) return invalid("no lease time (option 51)");
    // A zero lease expires as it is granted; taking it would renew in a loop.
    if (*lease_time == 0) return invalid("option 51 (lease-time): lease time 0");
    l.lease_time = Seconds{*lease_time};
    Times times = renewal_times(l.lease_time, value_of<std::uint32_t>(o, option::kRenewalTime),
                                value_of<std::uint32_t>(o, option::kRebindingTime));
    l.t1 = times.t1;
    l.t2 = times.t2;

    // Without option 1 the classful prefix, as dhclient and NetworkManager.
    l.prefix_length = l.address.classful_prefix();
    if (auto mask = value_of<Ipv4Address>(o, option::kSubnetMask)) {
        auto prefix = mask->netmask_prefix();
        if (!prefix) return invalid("option 1 (subnet-mask): " + mask->to_string() + " is not a contiguous mask");
        l.prefix_length = *prefix;
    }
    if (auto mtu = value_of<std::uint32_t>(o, option::kInterfaceMtu)) {
        if (*mtu < kMinimumMtu)
            return invalid("option 26 (interface-mtu): " + std::to_string(*mtu) + " is below the IPv4 minimum of 68");
        l.mtu = static_cast<std::uint16_t>(*mtu);
    }
    l.broadcast = value_of<Ipv4Address>(o, option::kBroadcastAddress);
    using Addresses = std::vector<Ipv4Address>;
    l.routers = value_of<Addresses>(o, option::kRouter).value_or(Addresses{});
    l.dns_servers = value_of<Addresses>(o, option::kDomainNameServer).value_or(Addresses{});
    l.ntp_servers = value_of<Addresses>(o, option::kNtpServers).value_or(Addresses{});
    l.hostname = value_of<std::string>(o, option::kHostName).value_or("");
    l.domain_name = value_of<std::string>(o, option::kDomainName).value_or("");
    l.root_path = value_of<std::string>(o, option::kRootPath).value_or("");
    l.tftp_server_name = value_of<std::string>(o, option::kTftpServerName).value_or("");
    l.bootfile_name = value_of<std::string>(o, option::kBootfileName).value_or("");
    l.domain_search = value_of<std::vector<std::string>>(o, option::kDomainSearch).value_or(std::vector<std::string>{});
    l.classless_routes =
        value_of<std::vector<ClasslessRoute>>(o, option::kClasslessStaticRoute).value_or(std::vector<ClasslessRoute>{});
    l.next_server = reply.siaddr;
    l.server_host_name = reply.sname;
    l.boot_file = reply.file;
    l.options = reply.options;
    l.acquired_at = acquired_at;
    return l;
}

// Options are copied verbatim, so a lease that came from lease_from_message
// comes back equal. A typed field whose option is absent (a lease built by
// hand, say in a test) is encoded into the message, so the ACK still carries
// it; the message type is Ack unless the options say otherwise.
Message lease_to_message(const Lease& l) {
    Message m;
    m.op = BootpOp::Reply;
    m.yiaddr = l.address;
    m.siaddr = l.next_server;
    m.sname = l.server_host_name;
    m.file = l.boot_file;
    m.options = l.options;
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
    for (auto [code, list] : {std::pair{option::kRouter, &l.routers}, std::pair{option::kDomainNameServer, &l.dns_servers},
                              std::pair{option::kNtpServers, &l.ntp_servers}})
        if (!list->empty()) fill(code, *list);
    for (auto [code, text] : {std::pair{option::kHostName, &l.hostname}, std::pair{option::kDomainName, &l.domain_name},
                              std::pair{option::kRootPath, &l.root_path},
                              std::pair{option::kTftpServerName, &l.tftp_server_name},
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
