// libFuzzer target: the rtnetlink message parsers (netlink/detail/parse.h) and
// the monitor's cache they feed. Input = the bytes of one recv() on a
// NETLINK_ROUTE socket: any number of messages of any type, walked with
// detail::for_each_message() (see parse.h for why not libmnl's
// mnl_nlmsg_ok). Whatever the bytes, parsing must not crash or read outside
// the buffer; a parsed object's addresses share one family and render; and
// the cache agrees with a fresh dump of what it was told: resyncing it with
// its own contents changes nothing.
// Not required (the kernel never sends them and nothing downstream breaks on
// them, see the seed wrong-sizes): link names longer than IFNAMSIZ - 1 and
// prefix lengths beyond the family's are taken as they come.
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "netlink/detail/parse.h"
#include "netlink/monitor_cache.h"

namespace {

using namespace earlynet;
using namespace earlynet::netlink;

void require(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "invariant violated: %s\n", what);
        std::abort();
    }
}

void check_link(const Link& l) {
    require(l.name.find('\0') == std::string::npos, "a link name has no NUL");
    require(l.name.size() < 65536, "a link name lies within its attribute");
    (void)to_string(l.operstate);
}

void check_address(const Address& a) {
    require(a.local.prefix >= 0 && a.local.prefix <= 255, "a prefix length is ifa_prefixlen");
    require(!a.peer || a.peer->is_v4() == a.local.address.is_v4(), "local and peer share one family");
    (void)a.to_string();
}

void check_route(const Route& r) {
    require(r.destination.prefix >= 0 && r.destination.prefix <= 255, "a prefix length is rtm_dst_len");
    bool v4 = r.destination.address.is_v4();
    require(!r.gateway || r.gateway->is_v4() == v4, "a route's gateway has its family");
    require(!r.preferred_source || r.preferred_source->is_v4() == v4, "a route's source has its family");
    (void)r.to_string();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 65536) return 0;
    // recv() fills an aligned buffer; so does this (nlmsghdr and nlattr are
    // read in place).
    std::vector<std::uint32_t> storage(size / 4 + 1);
    std::memcpy(storage.data(), data, size);

    MonitorCache cache;
    std::vector<MonitorEvent> events;
    std::vector<Link> links;
    std::vector<Address> addresses;
    std::vector<Route> routes;
    std::size_t messages = 0;
    detail::for_each_message(storage.data(), size, [&](const nlmsghdr& m) {
        const nlmsghdr* nlh = &m;
        require(reinterpret_cast<const std::uint8_t*>(nlh) + nlh->nlmsg_len <=
                    reinterpret_cast<const std::uint8_t*>(storage.data()) + size,
                "a message lies inside the buffer");
        require(++messages <= size / sizeof(nlmsghdr), "the walk moves forward");
        // Every parser sees every message: each must refuse the others' kinds.
        auto l = detail::parse_link(*nlh);
        auto a = detail::parse_address(*nlh);
        auto r = detail::parse_route(*nlh);
        require(int(l.has_value()) + int(a.has_value()) + int(r.has_value()) <= 1, "one message, one kind");
        if (l) {
            check_link(*l);
            if (nlh->nlmsg_type == RTM_NEWLINK) {
                cache.link_updated(*l, events);
                links.push_back(*l);
                require(cache.links().at(l->index.value) == *l, "the cache holds the link as last told");
            } else {
                cache.link_removed(*l, events);
                require(!cache.links().count(l->index.value), "a removed link is gone");
            }
        }
        if (a) {
            check_address(*a);
            if (nlh->nlmsg_type == RTM_NEWADDR) {
                cache.address_updated(*a, events);
                addresses.push_back(*a);
                require(cache.addresses().at(MonitorCache::key_of(*a)) == *a,
                        "the cache holds the address as last told");
            } else {
                cache.address_removed(*a, events);
                require(!cache.addresses().count(MonitorCache::key_of(*a)), "a removed address is gone");
            }
        }
        if (r) {
            check_route(*r);
            if (nlh->nlmsg_type == RTM_NEWROUTE) {
                cache.route_updated(*r, events);
                routes.push_back(*r);
                require(cache.routes().at(MonitorCache::key_of(*r)) == *r, "the cache holds the route as last told");
            } else {
                cache.route_removed(*r, events);
                require(!cache.routes().count(MonitorCache::key_of(*r)), "a removed route is gone");
            }
        }
    });

    // A dump that lists exactly what the cache holds is no difference.
    std::vector<Link> held_links;
    for (const auto& [index, l] : cache.links()) held_links.push_back(l);
    std::vector<Address> held_addresses;
    for (const auto& [key, a] : cache.addresses()) held_addresses.push_back(a);
    std::vector<Route> held_routes;
    for (const auto& [key, r] : cache.routes()) held_routes.push_back(r);
    std::vector<MonitorEvent> diff;
    MonitorCache copy = cache;
    copy.resync(held_links, held_addresses, held_routes, diff);
    require(diff.empty(), "resync with the cache's own contents reports nothing");

    // A dump of everything that was added: afterwards the cache holds
    // exactly the last of each key, whatever it held before.
    diff.clear();
    cache.resync(links, addresses, routes, diff);
    for (const auto& l : links) require(cache.links().count(l.index.value), "a dumped link is held");
    for (const auto& x : addresses)
        require(cache.addresses().count(MonitorCache::key_of(x)), "a dumped address is held");
    for (const auto& x : routes) require(cache.routes().count(MonitorCache::key_of(x)), "a dumped route is held");
    std::size_t distinct_links = 0;
    {
        std::vector<int> seen;
        for (const auto& l : links) seen.push_back(l.index.value);
        std::sort(seen.begin(), seen.end());
        distinct_links = static_cast<std::size_t>(std::unique(seen.begin(), seen.end()) - seen.begin());
    }
    require(cache.links().size() == distinct_links, "the cache holds only dumped links");
    return 0;
}
