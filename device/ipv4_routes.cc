#include "device/ipv4_routes.h"

namespace earlynet::device {

namespace {

bool in_subnet(Ipv4Address a, Ipv4Address network, int prefix) {
    if (prefix <= 0) return true;
    std::uint32_t mask = Ipv4Address::netmask(prefix).host_order();
    return (a.host_order() & mask) == (network.host_order() & mask);
}

netlink::Route via(IpPrefix destination, std::optional<Ipv4Address> gateway, IfIndex oif, bool gateway_on_subnet,
                   std::uint32_t metric, std::uint8_t protocol) {
    netlink::Route r;
    r.destination = destination;
    r.oif = oif;
    r.metric = metric;
    r.protocol = protocol;
    if (gateway && !gateway->is_unspecified()) {
        r.gateway = IpAddress(*gateway);
        // A router outside the leased subnet is still on this link (RFC 3442
        // allows it; some clouds hand out /32s): say so rather than fail with
        // ENETUNREACH, as NetworkManager does with its on-link host route.
        r.on_link = !gateway_on_subnet;
    }
    return r;
}

}  // namespace

std::vector<netlink::Route> lease_routes(const dhcp::Lease& lease, IfIndex oif) {
    std::vector<netlink::Route> routes;
    auto on_subnet = [&](Ipv4Address gw) { return in_subnet(gw, lease.address, lease.prefix_length); };
    // lease_from_message already left out what no route may use (RFC 1122
    // 3.2.1.3, 3.3.1); a lease that did not come through it (built by hand, or
    // read back from a state file of an older version) is checked here by the
    // same rules, so nothing unusable ever becomes a kernel route.
    std::vector<dhcp::ClasslessRoute> classless;
    for (const auto& cr : lease.classless_routes)
        if (!dhcp::unusable_classless_route(cr, lease.address, lease.prefix_length)) classless.push_back(cr);
    if (!classless.empty()) {
        // RFC 3442 section 1: with option 121 the client MUST ignore option 3.
        // A 121 of which nothing is usable counts as absent, as in lease_from_message.
        for (const auto& cr : classless) {
            auto r = via(IpPrefix{IpAddress(cr.destination), cr.prefix_length}, cr.gateway, oif, on_subnet(cr.gateway),
                         kDefaultRouteMetric, netlink::route_protocol::kDhcp);
            r.preferred_source = IpAddress(lease.address);
            routes.push_back(r);
        }
        return routes;
    }
    // The first usable router is the default route, as dhclient-script and NetworkManager do.
    for (Ipv4Address router : lease.routers) {
        if (dhcp::unusable_router(router, lease.address, lease.prefix_length)) continue;
        auto r = via(IpPrefix{IpAddress(Ipv4Address()), 0}, router, oif, on_subnet(router), kDefaultRouteMetric,
                     netlink::route_protocol::kDhcp);
        r.preferred_source = IpAddress(lease.address);
        routes.push_back(r);
        break;
    }
    return routes;
}

std::vector<netlink::Route> profile_routes(const profile::IpSettings& s, IfIndex oif, const IpPrefix* subnet) {
    std::vector<netlink::Route> routes;
    auto on_subnet = [&](const IpAddress& gw) {
        if (!subnet || !gw.is_v4() || !subnet->address.is_v4()) return true;
        return in_subnet(gw.v4(), subnet->address.v4(), subnet->prefix);
    };
    for (const auto& pr : s.routes) {
        netlink::Route r;
        r.destination = pr.destination;
        r.oif = oif;
        r.metric = pr.metric >= 0 ? static_cast<std::uint32_t>(pr.metric) : kDefaultRouteMetric;
        if (pr.next_hop) {
            r.gateway = pr.next_hop;
            r.on_link = !on_subnet(*pr.next_hop);
        }
        routes.push_back(r);
    }
    if (s.gateway) {
        netlink::Route r;
        r.destination = IpPrefix{s.gateway->is_v4() ? IpAddress(Ipv4Address()) : IpAddress(Ipv6Address()), 0};
        r.gateway = s.gateway;
        r.oif = oif;
        r.metric = kDefaultRouteMetric;
        r.on_link = !on_subnet(*s.gateway);
        routes.push_back(r);
    }
    return routes;
}

}  // namespace earlynet::device
