#include "state/lease_options.h"

#include <algorithm>

#include "base/hex.h"
#include "dhcp/ipv4_rules.h"

namespace earlynet::state {

namespace opt = dhcp::option;

namespace {

// What the client used of an option, by the rules lease_from_message applied
// (dhcp/ipv4_rules.h): routers a host can reach, name and time servers that
// can be anyone's, option 121 routes it could install, the subnet's own
// broadcast address, an MTU IPv4 can use. nullopt when nothing is left.
std::optional<dhcp::OptionValue> usable_part(const LeaseRecord& l, std::uint8_t code, dhcp::OptionValue value) {
    auto addresses = [&](auto why) -> std::optional<dhcp::OptionValue> {
        auto list = std::get<std::vector<Ipv4Address>>(value);
        std::erase_if(list, why);
        if (list.empty()) return std::nullopt;
        return list;
    };
    switch (code) {
        case opt::kRouter:
            return addresses(
                [&](Ipv4Address a) { return dhcp::unusable_router(a, l.address, l.prefix_length).has_value(); });
        case opt::kDomainNameServer:
        case opt::kNtpServers: return addresses([](Ipv4Address a) { return dhcp::unusable_reason(a) != nullptr; });
        case opt::kClasslessStaticRoute: {
            auto routes = std::get<std::vector<dhcp::ClasslessRoute>>(value);
            std::erase_if(routes, [&](const dhcp::ClasslessRoute& r) {
                return dhcp::unusable_classless_route(r, l.address, l.prefix_length).has_value();
            });
            if (routes.empty()) return std::nullopt;
            return routes;
        }
        case opt::kBroadcastAddress:
            if (l.prefix_length > dhcp::kLongestPrefixWithBroadcast ||
                std::get<Ipv4Address>(value) != l.address.broadcast(l.prefix_length))
                return std::nullopt;
            return value;
        case opt::kInterfaceMtu:
            if (std::get<std::uint32_t>(value) < 68) return std::nullopt;  // RFC 791's minimum
            return value;
        default: return value;
    }
}

}  // namespace

std::optional<dhcp::OptionValue> lease_option(const LeaseRecord& lease, const dhcp::OptionDefinition& def) {
    switch (def.code) {
        case opt::kSubnetMask: return Ipv4Address::netmask(lease.prefix_length);
        case opt::kLeaseTime: return lease.lease_time_s;
        case opt::kServerIdentifier: return lease.server_id;
        case opt::kRenewalTime: return lease.t1_s;
        case opt::kRebindingTime: return lease.t2_s;
        default: break;
    }
    auto it = lease.options.find(def.code);
    if (it == lease.options.end()) return std::nullopt;
    auto value = dhcp::decode_option(def, it->second);
    if (!value) return std::nullopt;
    return usable_part(lease, def.code, std::move(*value));
}

std::optional<dhcp::OptionValue> lease_option(const LeaseRecord& lease, std::uint8_t code) {
    const dhcp::OptionDefinition* def = dhcp::find_option(code);
    if (def == nullptr) return std::nullopt;
    return lease_option(lease, *def);
}

std::string lease_option_text(const LeaseRecord& lease, std::uint8_t code) {
    auto value = lease_option(lease, code);
    return value ? dhcp::option_value_to_text(*value) : std::string();
}

std::vector<StaticRouteRecord> lease_classless_routes(const LeaseRecord& lease) {
    std::vector<StaticRouteRecord> out;
    auto value = lease_option(lease, opt::kClasslessStaticRoute);
    if (!value) return out;
    for (const auto& r : std::get<std::vector<dhcp::ClasslessRoute>>(*value)) {
        std::optional<IpAddress> gateway;
        if (!r.gateway.is_unspecified()) gateway = IpAddress(r.gateway);
        out.push_back({IpPrefix{IpAddress(r.destination), r.prefix_length}, gateway});
    }
    return out;
}

std::vector<RenderedOption> lease_options(const LeaseRecord& lease) {
    std::vector<RenderedOption> out;
    for (const auto& def : dhcp::option_table())
        if (auto value = lease_option(lease, def)) out.push_back({&def, std::move(*value)});
    return out;
}

std::vector<RenderedOption6> lease6_options(const Lease6Record& lease) {
    std::vector<RenderedOption6> out;
    for (const auto& o : lease.options) {
        const dhcp::Dhcp6OptionDefinition* def = dhcp::find_dhcp6_option(o.code);
        if (!def || std::any_of(out.begin(), out.end(), [&](const auto& r) { return r.definition == def; })) continue;
        if (auto value = dhcp::decode_dhcp6_option(*def, o.data)) out.push_back({def, std::move(*value)});
    }
    return out;
}

std::string lease6_option_text(const Lease6Record& lease, std::uint16_t code) {
    for (const auto& o : lease6_options(lease))
        if (o.definition->code == code) return dhcp::dhcp6_option_value_to_text(o.value);
    return {};
}

std::string lease6_iaid_text(const Lease6Record& lease) {
    std::vector<std::uint8_t> bytes;
    for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<std::uint8_t>(lease.iaid >> shift));
    return to_hex(bytes, ':');
}

std::string lease6_root_path(const Lease6Record& lease) {
    std::string url = lease6_option_text(lease, dhcp::dhcp6_option::kBootfileUrl);
    // dracut's nfs-lib.sh splits nfs://HOST:PORT/PATH at the last ':', which
    // cuts an IPv6 literal apart; its form for one is nfs:[ADDR]:/PATH:OPTIONS
    // (the last ':' is needed: without it the path is taken for the options),
    // which has no port (a URL with one is left out).
    if (url.starts_with("nfs://[")) {
        auto close = url.find(']');
        if (close == std::string::npos || url.compare(close + 1, 1, "/") != 0) return {};
        return "nfs:" + url.substr(6, close - 5) + ":" + url.substr(close + 1) + ":";
    }
    for (std::string_view scheme : {"nfs:", "nfs4:", "nbd:", "iscsi:"})
        if (url.starts_with(scheme)) return url;
    return {};
}

}  // namespace earlynet::state
