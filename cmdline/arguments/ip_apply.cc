// A checked ip= applied to its profile.
#include <algorithm>
#include <string>

#include "argument_parsers.h"
#include "ip_argument.h"

namespace earlynet::cmdline {

namespace {

template <typename T>
void add_unique(std::vector<T>& v, const T& x) {
    if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
}

const char* family_name(const IpAddress& a) {
    return a.is_v4() ? "IPv4" : "IPv6";
}

// The method the autoconf field asks for; a family with a static address keeps it.
Result<void> apply_method(ReaderContext& ctx, const Argument& arg, IpKind kind, profile::Profile& p) {
    bool clear_v4_required_timeout = true;
    switch (kind) {
        case IpKind::None:
            if (p.ipv6.addresses.empty()) p.ipv6.method = profile::IpMethod::Disabled;
            if (p.ipv4.addresses.empty()) p.ipv4.method = profile::IpMethod::Disabled;
            break;
        case IpKind::Dhcp:
            p.ipv4.method = profile::IpMethod::Auto;
            p.ipv4.may_fail = false;
            if (p.ipv6.addresses.empty()) p.ipv6.method = profile::IpMethod::Auto;
            break;
        case IpKind::Dhcp6:
            p.ipv6.method = profile::IpMethod::Auto;
            p.ipv6.may_fail = false;
            if (p.ipv4.addresses.empty()) p.ipv4.method = profile::IpMethod::Disabled;
            break;
        case IpKind::Dhcp4Auto6:
            // Each family is tried for the required timeout even if the other
            // completes first.
            clear_v4_required_timeout = false;
            p.ipv6.required_timeout = profile::kIpRequiredTimeoutMs;
            break;
        case IpKind::Link6:
            if (!p.ipv6.addresses.empty())
                return unexpected(arg.error(
                    "autoconf", "link6", "contradicts the static IPv6 address " + p.ipv6.addresses.front().to_string(),
                    ErrorCode::Invalid));
            p.ipv6.method = profile::IpMethod::LinkLocal;
            p.ipv6.may_fail = false;
            if (p.ipv4.addresses.empty()) p.ipv4.method = profile::IpMethod::Disabled;
            break;
        case IpKind::Ibft: EARLYNET_TRY(merge_ibft_into(ctx, arg.text, p)); break;
        case IpKind::Auto: clear_v4_required_timeout = false; break;
    }
    if (clear_v4_required_timeout) p.ipv4.required_timeout = -1;
    return {};
}

Result<void> apply_gateway(const Argument& arg, const IpFields& fields, const IpAddress& gateway, profile::Profile& p) {
    profile::IpSettings& ip = gateway.is_v4() ? p.ipv4 : p.ipv6;
    if (ip.addresses.empty())
        return unexpected(arg.error("gateway", fields.gateway,
                                    std::string("needs a static ") + family_name(gateway) +
                                        " address on the same interface (a DHCP lease brings its own router)",
                                    ErrorCode::Invalid));
    ip.gateway = gateway;
    return {};
}

Result<void> apply_dns(const Argument& arg, const IpFields& fields, profile::Profile& p) {
    for (auto text : fields.dns) {
        auto addr = *IpAddress::parse(text);
        profile::IpSettings& family = addr.is_v4() ? p.ipv4 : p.ipv6;
        if (family.method == profile::IpMethod::Disabled)
            return unexpected(arg.error("dns", text,
                                        std::string("is an ") + family_name(addr) + " server but " + family_name(addr) +
                                            " is disabled on " + p.basename,
                                        ErrorCode::Invalid));
        add_unique(family.dns, addr);
    }
    return {};
}

// MTU and cloned MAC: a second ip= for the interface may repeat them, not change them.
Result<void> apply_link(const Argument& arg, const IpFields& fields, const IpValues& values, profile::Profile& p) {
    if (values.mtu && *values.mtu != 0) {
        profile::EthernetSettings& eth = p.ethernet_settings();
        if (eth.mtu != 0 && eth.mtu != *values.mtu)
            return unexpected(arg.error(
                "mtu", fields.mtu, "contradicts the MTU " + std::to_string(eth.mtu) + " set earlier for " + p.basename,
                ErrorCode::Invalid));
        eth.mtu = static_cast<unsigned>(*values.mtu);
    }
    if (!values.cloned_mac.empty()) {
        profile::EthernetSettings& eth = p.ethernet_settings();
        if (!eth.cloned_mac_address.empty() && eth.cloned_mac_address != values.cloned_mac)
            return unexpected(
                arg.error("macaddr", fields.mac,
                          "contradicts the MAC " + eth.cloned_mac_address + " set earlier for " + p.basename,
                          ErrorCode::Invalid));
        eth.cloned_mac_address = values.cloned_mac;
    }
    return {};
}

}  // namespace

Result<void> apply_ip(ReaderContext& ctx, const Argument& arg, const IpFields& fields, const IpValues& values,
                      profile::Profile& p) {
    if (values.address) {
        // Several devices must not come up with the same static address.
        p.multi_connect = profile::MultiConnect::Single;
        profile::IpSettings& ip = values.address->address.is_v4() ? p.ipv4 : p.ipv6;
        ip.method = profile::IpMethod::Manual;
        ip.may_fail = false;
        add_unique(ip.addresses, *values.address);
    }
    EARLYNET_TRY(apply_method(ctx, arg, fields.kind, p));
    if (values.gateway) EARLYNET_TRY(apply_gateway(arg, fields, *values.gateway, p));
    if (!fields.hostname.empty()) {
        p.ipv4.dhcp_hostname = std::string(fields.hostname);
        p.ipv6.dhcp_hostname = std::string(fields.hostname);
    }
    EARLYNET_TRY(apply_dns(arg, fields, p));
    return apply_link(arg, fields, values, p);
}

}  // namespace earlynet::cmdline
