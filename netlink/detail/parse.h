// Internal to netlink/: rtnetlink messages to earlynet's types, shared by the
// list verbs and the monitor. nullopt for a message that is not a well-formed
// object of that kind (it is then ignored, never half-read).
#pragma once

#include <linux/netlink.h>

#include <optional>

#include "netlink/address.h"
#include "netlink/link.h"
#include "netlink/route.h"

namespace earlynet::netlink::detail {

std::optional<Link> parse_link(const nlmsghdr& nlh);
std::optional<Address> parse_address(const nlmsghdr& nlh);
std::optional<Route> parse_route(const nlmsghdr& nlh);

}  // namespace earlynet::netlink::detail
