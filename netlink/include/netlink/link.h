// Links (network interfaces): what the kernel reports about them, and the verbs
// that change them. Every verb returns an Error naming the operation, the
// interface and the kernel's reason (see ErrorContext).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/ip_address.h"
#include "base/result.h"
#include "netlink/socket.h"

namespace earlynet::netlink {

// RFC 2863 operational state, as IFLA_OPERSTATE carries it (IF_OPER_*).
enum class OperState : std::uint8_t {
    Unknown = 0,
    NotPresent = 1,
    Down = 2,
    LowerLayerDown = 3,
    Testing = 4,
    Dormant = 5,
    Up = 6,
};
std::string_view to_string(OperState s);

// The IFF_* flags of a link.
struct LinkFlags {
    std::uint32_t bits = 0;
    bool up() const { return bits & 0x1; }            // IFF_UP: administratively up
    bool running() const { return bits & 0x40; }      // IFF_RUNNING
    bool loopback() const { return bits & 0x8; }      // IFF_LOOPBACK
    bool lower_up() const { return bits & 0x10000; }  // IFF_LOWER_UP: carrier
    bool operator==(const LinkFlags&) const = default;
};

struct Link {
    IfIndex index;
    std::string name;
    std::string kind;  // IFLA_INFO_KIND: "veth", "bond", "bridge", "vlan"; empty for a plain NIC
    std::optional<HardwareAddress> mac;
    std::optional<HardwareAddress> permanent_mac;  // only when the driver has one (IFLA_PERM_ADDRESS)
    std::uint32_t mtu = 0;
    LinkFlags flags;
    OperState operstate = OperState::Unknown;
    bool carrier = false;
    std::optional<IfIndex> controller;  // IFLA_MASTER: the bond or bridge this link is a port of
    std::optional<IfIndex> parent;      // IFLA_LINK: a VLAN's parent, a veth's peer
    bool operator==(const Link&) const = default;
};

// What the last router advertisement on a link said about DHCPv6 (RFC 4861
// 4.2): M, addresses are managed (stateful DHCPv6); O, other configuration
// (stateless DHCPv6). The kernel keeps them (IF_RA_MANAGED, IF_RA_OTHERCONF)
// and notifies RTNLGRP_IPV6_IFINFO when they change.
struct Ipv6RouterFlags {
    IfIndex index;
    bool received = false;  // an RA arrived at all (IF_RA_RCVD)
    bool managed = false;
    bool other = false;
    bool operator==(const Ipv6RouterFlags&) const = default;
};

namespace link {

[[nodiscard]] Result<std::vector<Link>> list(Socket& sock);
// The flags of one link as the kernel has them now (an AF_INET6 dump).
[[nodiscard]] Result<Ipv6RouterFlags> ipv6_router_flags(Socket& sock, IfIndex index);
// ENODEV (System) when there is no such link.
[[nodiscard]] Result<Link> get(Socket& sock, IfIndex index);
[[nodiscard]] Result<Link> get(Socket& sock, std::string_view name);

[[nodiscard]] Result<void> set_up(Socket& sock, IfIndex index);
[[nodiscard]] Result<void> set_down(Socket& sock, IfIndex index);
[[nodiscard]] Result<void> set_mtu(Socket& sock, IfIndex index, std::uint32_t mtu);
[[nodiscard]] Result<void> set_mac(Socket& sock, IfIndex index, const HardwareAddress& mac);
// Invalid when new_name breaks the kernel's rule; most drivers refuse (EBUSY)
// to rename a link that is up.
[[nodiscard]] Result<void> rename(Socket& sock, IfIndex index, std::string_view new_name);
// Deletes a link. Meant for links earlynet created (bond, bridge, VLAN); a
// physical NIC cannot be deleted and the kernel says so (EOPNOTSUPP).
[[nodiscard]] Result<void> remove(Socket& sock, IfIndex index);

}  // namespace link

// "veth0 (ifindex 3)" for error messages, or "ifindex 3" when the kernel
// does not know the link (any more).
std::string interface_label(Socket& sock, IfIndex index);

}  // namespace earlynet::netlink
