// MonitorCache: the monitor's mirror of the kernel's links, addresses and
// routes. It turns each notification into typed events by comparing with what
// it held, and a fresh dump into the differences (after an overrun). Pure:
// no I/O, so its rules are testable without a kernel.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <tuple>
#include <vector>

#include "netlink/monitor_event.h"

namespace earlynet::netlink {

class MonitorCache {
public:
    // The kernel's identity of an address: the same key is one address.
    struct AddressKey {
        int ifindex;
        IpPrefix local;
        std::optional<IpAddress> peer;
        auto operator<=>(const AddressKey&) const = default;
    };
    // Routes that the kernel keeps apart; oif is in it because the kernel
    // installs one prefix route per link for two links on the same subnet.
    struct RouteKey {
        std::uint32_t table;
        RouteType type;
        IpPrefix destination;
        std::uint32_t metric;
        int oif;
        auto operator<=>(const RouteKey&) const = default;
    };
    static AddressKey key_of(const Address& a) { return {a.ifindex.value, a.local, a.peer}; }
    static RouteKey key_of(const Route& r) {
        return {r.table, r.type, r.destination, r.metric, r.oif ? r.oif->value : 0};
    }

    void link_updated(const Link& l, std::vector<MonitorEvent>& out);
    void link_removed(const Link& l, std::vector<MonitorEvent>& out);
    void address_updated(const Address& a, std::vector<MonitorEvent>& out);
    void address_removed(const Address& a, std::vector<MonitorEvent>& out);
    void route_updated(const Route& r, std::vector<MonitorEvent>& out);
    void route_removed(const Route& r, std::vector<MonitorEvent>& out);

    // Replaces everything with a fresh dump and appends the differences.
    // Address lifetimes count down by themselves and are not a difference.
    void resync(const std::vector<Link>& links, const std::vector<Address>& addresses, const std::vector<Route>& routes,
                std::vector<MonitorEvent>& out);

    const std::map<int, Link>& links() const { return links_; }
    const std::map<AddressKey, Address>& addresses() const { return addresses_; }
    const std::map<RouteKey, Route>& routes() const { return routes_; }

private:
    std::map<int, Link> links_;
    std::map<AddressKey, Address> addresses_;
    std::map<RouteKey, Route> routes_;
};

}  // namespace earlynet::netlink
