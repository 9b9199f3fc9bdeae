// Virtual links earlynet creates from the kernel command line (bond=, bridge=,
// vlan=) and their ports. Each create_* returns the new link's index; a kernel
// without the link type gives ErrorCode::NotSupported naming the kernel option.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/ip_address.h"
#include "base/result.h"
#include "netlink/socket.h"

namespace earlynet::netlink {

// The kernel's BOND_MODE_* numbers, which are also `bond=...:mode=N`.
enum class BondMode : std::uint8_t {
    BalanceRr = 0,
    ActiveBackup = 1,
    BalanceXor = 2,
    Broadcast = 3,
    Lacp = 4,  // 802.3ad
    BalanceTlb = 5,
    BalanceAlb = 6,
};
enum class LacpRate : std::uint8_t { Slow = 0, Fast = 1 };
enum class XmitHashPolicy : std::uint8_t {
    Layer2 = 0,
    Layer34 = 1,
    Layer23 = 2,
    Encap23 = 3,
    Encap34 = 4,
    VlanSrcMac = 5,
};

// The options `bond=` can carry (dracut.cmdline(7) passes them to the bonding
// driver). Unset options keep the driver's defaults.
struct BondConfig {
    std::string name;
    BondMode mode = BondMode::BalanceRr;
    std::optional<std::chrono::milliseconds> miimon;
    std::optional<std::chrono::milliseconds> updelay;
    std::optional<std::chrono::milliseconds> downdelay;
    std::optional<std::chrono::milliseconds> arp_interval;
    std::vector<Ipv4Address> arp_ip_target;  // at most 16 (BOND_MAX_ARP_TARGETS)
    std::vector<Ipv6Address> ns_ip6_target;  // at most 16 (BOND_MAX_NS_TARGETS)
    std::optional<LacpRate> lacp_rate;
    std::optional<XmitHashPolicy> xmit_hash_policy;
    std::optional<std::uint32_t> min_links;
};

struct BridgeConfig {
    std::string name;
    std::optional<bool> stp;
    // The kernel keeps these in centiseconds (USER_HZ); they are rounded down.
    std::optional<std::chrono::milliseconds> forward_delay;
    std::optional<std::chrono::milliseconds> hello_time;
    std::optional<std::chrono::milliseconds> max_age;
    std::optional<std::uint16_t> priority;
};

enum class VlanProtocol : std::uint16_t { Dot1Q = 0x8100, Dot1AD = 0x88A8 };

struct VlanConfig {
    std::string name;
    IfIndex parent;
    std::uint16_t id = 0;  // 1..4094 (0 and 4095 are reserved by IEEE 802.1Q)
    VlanProtocol protocol = VlanProtocol::Dot1Q;
};

namespace virtual_link {

[[nodiscard]] Result<IfIndex> create_bond(Socket& sock, const BondConfig& config);
[[nodiscard]] Result<IfIndex> create_bridge(Socket& sock, const BridgeConfig& config);
// Invalid for an id outside 1..4094, without asking the kernel.
[[nodiscard]] Result<IfIndex> create_vlan(Socket& sock, const VlanConfig& config);
// Always NotSupported: a team link without the teamd daemon in userspace
// never passes traffic, so earlynet refuses instead of creating a dead link.
[[nodiscard]] Result<IfIndex> create_team(Socket& sock, const std::string& name);

// Makes port a port of controller (a bond or a bridge). A bond port is set
// down first, as the bonding driver requires on older kernels.
[[nodiscard]] Result<void> attach_port(Socket& sock, IfIndex port, IfIndex controller);
[[nodiscard]] Result<void> detach_port(Socket& sock, IfIndex port);

}  // namespace virtual_link

}  // namespace earlynet::netlink
