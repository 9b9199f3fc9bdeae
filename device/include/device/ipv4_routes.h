// The IPv4 routes a device gets: from a DHCP lease (RFC 3442: classless
// routes replace the router option when present) and from the profile
// (ipv4.routes, the static gateway). Pure, so unit-tested.
#pragma once

#include <cstdint>
#include <vector>

#include "dhcp/lease.h"
#include "netlink/route.h"
#include "profile/profile.h"

namespace earlynet::device {

// NetworkManager's default route metric for Ethernet (and what `ip route`
// users of NM-configured initrds see).
inline constexpr std::uint32_t kDefaultRouteMetric = 100;

// Option 121's routes when the lease has any usable one, else a default route
// via the first usable router; a router or route that dhcp::unusable_router /
// unusable_classless_route refuse never becomes a route, whoever built the lease.
std::vector<netlink::Route> lease_routes(const dhcp::Lease& lease, IfIndex oif);

// ipv4.routes plus a default route via `gateway` (manual method), on `oif`.
std::vector<netlink::Route> profile_routes(const profile::IpSettings& settings, IfIndex oif, const IpPrefix* on_subnet);

}  // namespace earlynet::device
