// IPv4 and IPv6 unicast routes: what the kernel reports, and add, replace,
// remove. Default routes are destination 0.0.0.0/0 or ::/0, host routes /32
// or /128.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/ip_address.h"
#include "base/result.h"
#include "netlink/socket.h"

namespace earlynet::netlink {

enum class RouteScope : std::uint8_t { Universe = 0, Site = 200, Link = 253, Host = 254, Nowhere = 255 };

// RTN_* route types; earlynet installs Unicast, Blackhole, Unreachable and
// Prohibit, and reports the others as the kernel has them.
enum class RouteType : std::uint8_t {
    Unspecified = 0,
    Unicast = 1,
    Local = 2,
    Broadcast = 3,
    Anycast = 4,
    Multicast = 5,
    Blackhole = 6,
    Unreachable = 7,
    Prohibit = 8,
    Throw = 9,
};

// RTPROT_* values: who installed a route. networkd and NetworkManager mark
// theirs the same way, so `ip route` shows "proto dhcp" / "proto static".
namespace route_protocol {
inline constexpr std::uint8_t kKernel = 2;
inline constexpr std::uint8_t kBoot = 3;
inline constexpr std::uint8_t kStatic = 4;
inline constexpr std::uint8_t kRa = 9;
inline constexpr std::uint8_t kDhcp = 16;
}  // namespace route_protocol

inline constexpr std::uint32_t kMainTable = 254;   // RT_TABLE_MAIN
inline constexpr std::uint32_t kLocalTable = 255;  // RT_TABLE_LOCAL

struct Route {
    IpPrefix destination{Ipv4Address(), 0};
    std::optional<IpAddress> gateway;
    std::optional<IfIndex> oif;
    bool on_link = false;  // RTNH_F_ONLINK: the gateway is reachable on oif without a covering prefix
    std::uint32_t metric = 0;
    std::uint32_t table = kMainTable;
    // nullopt chooses as `ip route` does: Link for a unicast route without a
    // gateway, Host for a local one, else Universe.
    std::optional<RouteScope> scope;
    RouteType type = RouteType::Unicast;
    std::uint8_t protocol = route_protocol::kStatic;
    std::optional<IpAddress> preferred_source;
    std::optional<std::uint32_t> mtu;  // RTAX_MTU

    bool operator==(const Route&) const = default;
    // "10.1.0.0/16 via 10.0.0.1 dev-index 3 metric 100 table 254"
    std::string to_string() const;
};

struct RouteFilter {
    std::optional<AddressFamily> family;
    std::optional<std::uint32_t> table;  // nullopt: every table
};

namespace route {

// Lists routes; cached clones (RTM_F_CLONED) are left out.
[[nodiscard]] Result<std::vector<Route>> list(Socket& sock, const RouteFilter& filter = {});
// EEXIST when a route with the same key (destination, table, metric; tos for
// IPv4) exists; ENETUNREACH when the gateway is not reachable and on_link is off.
[[nodiscard]] Result<void> add(Socket& sock, const Route& r);
// Adds the route or replaces the one with the same key.
[[nodiscard]] Result<void> replace(Socket& sock, const Route& r);
// ESRCH when there is no such route.
[[nodiscard]] Result<void> remove(Socket& sock, const Route& r);

}  // namespace route

}  // namespace earlynet::netlink
