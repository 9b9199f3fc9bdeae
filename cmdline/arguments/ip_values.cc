// The values of an ip= that are checked before any profile is touched.
#include <string>

#include "base/log.h"
#include "ip_argument.h"
#include "profile/cmdline_values.h"

namespace earlynet::cmdline {

namespace {

// The netmask field: a dotted mask (IPv4) or a prefix length. -1: none given.
Result<int> netmask_prefix(const Argument& arg, std::string_view netmask, const IpAddress& client) {
    if (netmask.empty()) return -1;
    if (client.is_v4() && netmask.find('.') != std::string_view::npos) {
        auto m = Ipv4Address::parse(netmask);
        if (!m) return unexpected(arg.error("netmask", netmask, "is not a netmask"));
        auto p = m->netmask_prefix();
        if (!p) return unexpected(arg.error("netmask", netmask, "is not a contiguous mask"));
        return *p;
    }
    auto n = profile::parse_int(netmask, 0, client.max_prefix());
    if (!n)
        return unexpected(arg.error(
            "netmask", netmask,
            client.is_v4() ? "is not a netmask or prefix length (0..32)" : "is not a prefix length (0..128)"));
    return static_cast<int>(*n);
}

// The client address with its prefix: /prefix and netmask must agree; with
// neither, IPv4's class or /64.
Result<std::optional<IpPrefix>> client_prefix(const Argument& arg, const IpFields& fields) {
    if (!fields.client_address) {
        if (!fields.netmask.empty())
            return unexpected(arg.error("netmask", fields.netmask, "is given without a client IP"));
        return std::optional<IpPrefix>();
    }
    const auto& [address, written_prefix] = *fields.client_address;
    auto mask_prefix = netmask_prefix(arg, fields.netmask, address);
    EARLYNET_TRY(mask_prefix);
    int prefix = written_prefix;
    if (*mask_prefix != -1) {
        if (prefix != -1 && prefix != *mask_prefix)
            return unexpected(arg.error(
                "netmask", fields.netmask,
                "contradicts the prefix length /" + std::to_string(prefix) + " of the client IP", ErrorCode::Invalid));
        prefix = *mask_prefix;
    }
    if (prefix == -1) prefix = address.is_v4() ? address.v4().classful_prefix() : 64;
    return std::optional<IpPrefix>(IpPrefix{address, prefix});
}

Result<std::optional<long>> mtu_of(const Argument& arg, std::string_view text) {
    if (text.empty()) return std::optional<long>();
    // 0 leaves the MTU as it is; otherwise at least IPv4's minimum of 68.
    auto n = profile::parse_int(text, 0, 65535);
    if (!n || (*n != 0 && *n < 68))
        return unexpected(arg.error("mtu", text, "is not an MTU (68..65535, or 0 for unchanged)"));
    return std::optional<long>(*n);
}

Result<std::string> cloned_mac_of(const Argument& arg, std::string_view text) {
    if (text.empty()) return std::string();
    if (text == "random" || text == "stable" || text == "preserve" || text == "permanent") return std::string(text);
    auto hw = HardwareAddress::parse_ethernet(text);
    if (!hw) return unexpected(arg.error("macaddr", text, "is not a MAC address"));
    return hw->to_string();
}

}  // namespace

Result<IpValues> check_ip_values(const Argument& arg, const IpFields& fields) {
    IpValues values;
    auto address = client_prefix(arg, fields);
    EARLYNET_TRY(address);
    values.address = *address;
    if (!fields.peer.empty()) {
        if (!parse_address_with_prefix(fields.peer))
            return unexpected(arg.error("peer", fields.peer, "is not an IP address"));
        spdlog::warn("{}: field 'peer': '{}' is ignored (point-to-point peers are not supported)", arg.text,
                     fields.peer);
    }
    if (!fields.gateway.empty()) {
        values.gateway = IpAddress::parse(fields.gateway);
        if (!values.gateway) return unexpected(arg.error("gateway", fields.gateway, "is not an IP address"));
    }
    auto mtu = mtu_of(arg, fields.mtu);
    EARLYNET_TRY(mtu);
    values.mtu = *mtu;
    auto mac = cloned_mac_of(arg, fields.mac);
    EARLYNET_TRY(mac);
    values.cloned_mac = *mac;
    return values;
}

}  // namespace earlynet::cmdline
