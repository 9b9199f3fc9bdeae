#include "state/lease_options.h"

namespace earlynet::state {

namespace opt = dhcp::option;

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
    return std::move(*value);
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

}  // namespace earlynet::state
