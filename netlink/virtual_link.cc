#include "netlink/virtual_link.h"

#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include <functional>

#include "netlink/detail/message.h"
#include "netlink/link.h"

namespace earlynet::netlink {

namespace {

constexpr std::size_t kMaxBondTargets = 16;  // BOND_MAX_ARP_TARGETS, BOND_MAX_NS_TARGETS

// The kernel option a missing link type comes from, for the NotSupported message.
std::string_view kernel_option(std::string_view kind) {
    if (kind == "bond") return "CONFIG_BONDING";
    if (kind == "bridge") return "CONFIG_BRIDGE";
    if (kind == "vlan") return "CONFIG_VLAN_8021Q";
    return "the driver";
}

// RTM_NEWLINK with NLM_F_CREATE|NLM_F_EXCL: an existing link of that name is
// an error (EEXIST), never silently reused with other settings.
Result<IfIndex> create(Socket& sock, const std::string& name, const std::string& kind, IfIndex parent,
                       const std::function<void(detail::Message&)>& put_data) {
    ErrorContext ctx{"create " + kind, name, {}, {}};
    if (!is_valid_interface_name(name))
        return unexpected(ErrorCode::Invalid, ctx.operation + " '" + name + "': not a valid interface name");
    detail::Message msg(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
    msg.put_header<ifinfomsg>()->ifi_family = AF_UNSPEC;
    msg.put_str(IFLA_IFNAME, name);
    if (parent.value) msg.put_u32(IFLA_LINK, static_cast<std::uint32_t>(parent.value));
    nlattr* info = msg.nest_start(IFLA_LINKINFO);
    msg.put_str(IFLA_INFO_KIND, kind);
    nlattr* data = msg.nest_start(IFLA_INFO_DATA);
    put_data(msg);
    msg.nest_end(data);
    msg.nest_end(info);
    auto r = sock.transact(msg.header(), ctx);
    if (!r) {
        // rtnl_newlink answers "Unknown device type" with EOPNOTSUPP when no
        // driver registered the kind (module absent, or not built).
        if (r.error().sys_errno == EOPNOTSUPP) {
            r.error().code = ErrorCode::NotSupported;
            r.error().message += "; this kernel has no '" + kind + "' links (" + std::string(kernel_option(kind)) + ")";
        }
        return unexpected(std::move(r.error()));
    }
    auto l = link::get(sock, name);
    if (!l) return unexpected(std::move(l.error()));
    return l->index;
}

std::uint32_t centiseconds(std::chrono::milliseconds d) {
    return static_cast<std::uint32_t>(d.count() / 10);
}

}  // namespace

namespace virtual_link {

Result<IfIndex> create_bond(Socket& sock, const BondConfig& c) {
    if (c.arp_ip_target.size() > kMaxBondTargets || c.ns_ip6_target.size() > kMaxBondTargets)
        return unexpected(ErrorCode::Invalid, "create bond " + c.name + ": more than 16 ARP or NS targets");
    return create(sock, c.name, "bond", {}, [&](detail::Message& m) {
        m.put_u8(IFLA_BOND_MODE, static_cast<std::uint8_t>(c.mode));
        if (c.miimon) m.put_u32(IFLA_BOND_MIIMON, static_cast<std::uint32_t>(c.miimon->count()));
        if (c.updelay) m.put_u32(IFLA_BOND_UPDELAY, static_cast<std::uint32_t>(c.updelay->count()));
        if (c.downdelay) m.put_u32(IFLA_BOND_DOWNDELAY, static_cast<std::uint32_t>(c.downdelay->count()));
        if (c.arp_interval) m.put_u32(IFLA_BOND_ARP_INTERVAL, static_cast<std::uint32_t>(c.arp_interval->count()));
        if (!c.arp_ip_target.empty()) {
            // The kernel reads the nest's members by position, not by type.
            nlattr* nest = m.nest_start(IFLA_BOND_ARP_IP_TARGET);
            for (std::size_t i = 0; i < c.arp_ip_target.size(); ++i)
                m.put_address(static_cast<std::uint16_t>(i), c.arp_ip_target[i]);
            m.nest_end(nest);
        }
        if (!c.ns_ip6_target.empty()) {
            nlattr* nest = m.nest_start(IFLA_BOND_NS_IP6_TARGET);
            for (std::size_t i = 0; i < c.ns_ip6_target.size(); ++i)
                m.put_address(static_cast<std::uint16_t>(i), c.ns_ip6_target[i]);
            m.nest_end(nest);
        }
        if (c.lacp_rate) m.put_u8(IFLA_BOND_AD_LACP_RATE, static_cast<std::uint8_t>(*c.lacp_rate));
        if (c.xmit_hash_policy) m.put_u8(IFLA_BOND_XMIT_HASH_POLICY, static_cast<std::uint8_t>(*c.xmit_hash_policy));
        if (c.min_links) m.put_u32(IFLA_BOND_MIN_LINKS, *c.min_links);
    });
}

Result<IfIndex> create_bridge(Socket& sock, const BridgeConfig& c) {
    return create(sock, c.name, "bridge", {}, [&](detail::Message& m) {
        if (c.stp) m.put_u32(IFLA_BR_STP_STATE, *c.stp ? 1 : 0);
        if (c.forward_delay) m.put_u32(IFLA_BR_FORWARD_DELAY, centiseconds(*c.forward_delay));
        if (c.hello_time) m.put_u32(IFLA_BR_HELLO_TIME, centiseconds(*c.hello_time));
        if (c.max_age) m.put_u32(IFLA_BR_MAX_AGE, centiseconds(*c.max_age));
        if (c.priority) m.put_u16(IFLA_BR_PRIORITY, *c.priority);
    });
}

Result<IfIndex> create_vlan(Socket& sock, const VlanConfig& c) {
    if (c.id < 1 || c.id > 4094)
        return unexpected(ErrorCode::Invalid,
                          "create vlan " + c.name + ": id " + std::to_string(c.id) + " is outside 1..4094");
    if (c.parent.value <= 0) return unexpected(ErrorCode::Invalid, "create vlan " + c.name + ": no parent link");
    return create(sock, c.name, "vlan", c.parent, [&](detail::Message& m) {
        m.put_u16(IFLA_VLAN_ID, c.id);
        // IFLA_VLAN_PROTOCOL is in network byte order (__be16).
        m.put_u16(IFLA_VLAN_PROTOCOL, htons(static_cast<std::uint16_t>(c.protocol)));
    });
}

Result<IfIndex> create_team(Socket&, const std::string& name) {
    return unexpected(ErrorCode::NotSupported,
                      "create team " + name +
                          ": a team link needs the teamd daemon in userspace to pass traffic, and earlynet does not "
                          "run teamd; use a bond instead");
}

Result<void> attach_port(Socket& sock, IfIndex port, IfIndex controller) {
    auto c = link::get(sock, controller);
    if (!c) return unexpected(std::move(c.error()));
    if (c->kind == "bond") EARLYNET_TRY(link::set_down(sock, port));
    detail::Message msg(RTM_NEWLINK, 0);
    msg.put_header<ifinfomsg>()->ifi_index = port.value;
    msg.put_u32(IFLA_MASTER, static_cast<std::uint32_t>(controller.value));
    return sock.transact(msg.header(), ErrorContext{"attach port", {}, "to " + c->name, port});
}

Result<void> detach_port(Socket& sock, IfIndex port) {
    detail::Message msg(RTM_NEWLINK, 0);
    msg.put_header<ifinfomsg>()->ifi_index = port.value;
    msg.put_u32(IFLA_MASTER, 0);
    return sock.transact(msg.header(), ErrorContext{"detach port", {}, {}, port});
}

}  // namespace virtual_link

}  // namespace earlynet::netlink
