// Internal to netlink/: rtnetlink messages to earlynet's types, shared by the
// list verbs and the monitor. nullopt for a message that is not a well-formed
// object of that kind (it is then ignored, never half-read). A parser reads up
// to nlh.nlmsg_len: hand it only messages that for_each_message() yields.
#pragma once

#include <linux/netlink.h>

#include <cstddef>
#include <cstdint>
#include <optional>

#include "netlink/address.h"
#include "netlink/link.h"
#include "netlink/route.h"

namespace earlynet::netlink::detail {

std::optional<Link> parse_link(const nlmsghdr& nlh);
// An AF_INET6 RTM_NEWLINK (RTNLGRP_IPV6_IFINFO, or a dump of that family):
// the router advertisement flags the kernel keeps for the link.
std::optional<Ipv6RouterFlags> parse_ipv6_router_flags(const nlmsghdr& nlh);
// Whether a link message is of family AF_INET6 (never a link's own state).
bool is_ipv6_link_info(const nlmsghdr& nlh);
std::optional<Address> parse_address(const nlmsghdr& nlh);
std::optional<Route> parse_route(const nlmsghdr& nlh);

// The message at `offset` of a receive buffer (aligned as recv() fills it)
// if its whole nlmsg_len lies inside the buffer, and `offset` moved past it;
// nullptr at the end or at the first message that does not fit. Not
// mnl_nlmsg_ok()/mnl_nlmsg_next(): libmnl compares (int)nlmsg_len <= len, so
// a length of 2 GiB or more passes, and mnl_nlmsg_next() then rounds
// 0xffffffff up to 0 and walks in place forever, or past the buffer for
// other lengths (found by the netlink fuzz target:
// test/fuzz/corpus/netlink/crash-nlmsg-len-4g).
inline const nlmsghdr* next_message(const void* buffer, std::size_t size, std::size_t& offset) {
    if (offset >= size || size - offset < sizeof(nlmsghdr)) return nullptr;
    std::size_t remaining = size - offset;
    const auto* nlh = reinterpret_cast<const nlmsghdr*>(static_cast<const std::uint8_t*>(buffer) + offset);
    std::size_t len = nlh->nlmsg_len;
    if (len < sizeof(nlmsghdr) || len > remaining) return nullptr;
    std::size_t step = (len + NLMSG_ALIGNTO - 1) & ~std::size_t{NLMSG_ALIGNTO - 1};
    offset = step >= remaining ? size : offset + step;
    return nlh;
}

// Calls f(const nlmsghdr&) for each message next_message() yields.
template <typename F>
void for_each_message(const void* buffer, std::size_t size, F&& f) {
    std::size_t offset = 0;
    while (const nlmsghdr* nlh = next_message(buffer, size, offset)) f(*nlh);
}

}  // namespace earlynet::netlink::detail
