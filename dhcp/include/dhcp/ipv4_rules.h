// Which IPv4 addresses a DHCP lease may use, and for what (RFC 1122 3.2.1.3,
// RFC 3021, RFC 3442): the one set of rules for the lease the client acts on
// (dhcp/lease.cc) and for what the state's renderers show of a saved lease
// (state/lease_options.cc), so dracut's files never name a router the
// client refused.
#pragma once

#include <optional>
#include <string>

#include "base/ip_address.h"
#include "dhcp/option_table.h"

namespace earlynet::dhcp {

// RFC 3021: a /31 is a point-to-point link of two hosts, and a /32 is one
// host; neither has a network or a broadcast address.
inline constexpr int kLongestPrefixWithBroadcast = 30;

// Why an address cannot be anyone's ("is a loopback address"), or nullptr:
// "this network" (0/8), loopback (127/8), multicast and reserved (224/4 and
// 240/4, which includes the limited broadcast). RFC 1122 3.2.1.3, RFC 5735.
const char* unusable_reason(Ipv4Address a);

// Why `a` cannot be a host of address/prefix's subnet: it is the subnet's
// network or directed broadcast address (RFC 1122 3.2.1.3 (c)-(e), RFC 919).
std::optional<std::string> subnet_reason(Ipv4Address a, Ipv4Address address, int prefix);

// "10.0.0.0/24" for the subnet of address/prefix.
std::string subnet_text(Ipv4Address address, int prefix);

// Why `router` cannot be the next hop of a host holding address/prefix_length
// (RFC 1122 3.2.1.3 and 3.3.1): "is a loopback address", "is the offered
// address itself", "is the broadcast address of 10.0.0.0/24" ...; nullopt when
// it can. 0.0.0.0 is unusable here (it is no router).
std::optional<std::string> unusable_router(Ipv4Address router, Ipv4Address address, int prefix_length);

// Why an option 121 route cannot be installed for a host holding
// address/prefix_length: its destination lies inside 0.0.0.0/8, 127.0.0.0/8 or
// 240.0.0.0/4 ("the destination is a loopback address"), or its gateway is
// no usable router ("the gateway is the offered address itself"); nullopt when
// it can. Gateway 0.0.0.0 means on-link (RFC 3442) and is fine; so is the
// default route 0.0.0.0/0 and a wide prefix such as 0.0.0.0/1.
std::optional<std::string> unusable_classless_route(const ClasslessRoute& route, Ipv4Address address,
                                                    int prefix_length);

}  // namespace earlynet::dhcp
