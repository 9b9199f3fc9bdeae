#include "netlink/monitor_cache.h"

namespace earlynet::netlink {

namespace {

bool same_ignoring_lifetimes(Address a, Address b) {
    a.valid_lifetime = b.valid_lifetime = std::nullopt;
    a.preferred_lifetime = b.preferred_lifetime = std::nullopt;
    return a == b;
}

bool usable(const Address& a) {
    return !a.flags.has(AddressFlag::Tentative) && !a.flags.has(AddressFlag::DadFailed);
}

}  // namespace

void MonitorCache::link_updated(const Link& l, std::vector<MonitorEvent>& out) {
    auto it = links_.find(l.index.value);
    if (it == links_.end()) {
        links_.emplace(l.index.value, l);
        out.emplace_back(LinkAdded{l});
        return;
    }
    Link previous = it->second;
    it->second = l;
    // One kernel message may carry several changes; each gets its own event,
    // carrier first because that is what activation waits for.
    if (previous.carrier != l.carrier) out.emplace_back(CarrierChanged{l});
    if (previous.operstate != l.operstate) out.emplace_back(OperStateChanged{l, previous.operstate});
    Link rest = previous;
    rest.carrier = l.carrier;
    rest.operstate = l.operstate;
    // IFF_RUNNING and IFF_LOWER_UP follow carrier and operstate; they are not
    // a change of their own.
    constexpr std::uint32_t kDerived = 0x40 | 0x10000 | 0x20000;  // RUNNING, LOWER_UP, DORMANT
    rest.flags.bits = (rest.flags.bits & ~kDerived) | (l.flags.bits & kDerived);
    if (!(rest == l)) out.emplace_back(LinkChanged{l, previous});
}

void MonitorCache::link_removed(const Link& l, std::vector<MonitorEvent>& out) {
    auto it = links_.find(l.index.value);
    if (it == links_.end()) return;  // never seen (created and removed during an overrun)
    links_.erase(it);
    out.emplace_back(LinkRemoved{l});
}

void MonitorCache::address_updated(const Address& a, std::vector<MonitorEvent>& out) {
    auto key = key_of(a);
    auto it = addresses_.find(key);
    if (it == addresses_.end()) {
        addresses_.emplace(key, a);
        out.emplace_back(AddressAdded{a});
        if (a.flags.has(AddressFlag::DadFailed)) out.emplace_back(AddressDadFailed{a});
        return;
    }
    Address previous = it->second;
    it->second = a;
    if (a.flags.has(AddressFlag::DadFailed) && !previous.flags.has(AddressFlag::DadFailed)) {
        out.emplace_back(AddressDadFailed{a});
    } else if (usable(a) && !usable(previous)) {
        out.emplace_back(AddressUsable{a});
    } else if (!(a == previous)) {
        out.emplace_back(AddressChanged{a});
    }
}

void MonitorCache::address_removed(const Address& a, std::vector<MonitorEvent>& out) {
    auto it = addresses_.find(key_of(a));
    if (it == addresses_.end()) return;
    // A non-permanent IPv6 address that fails DAD is deleted by the kernel with
    // IFA_F_DADFAILED set (addrconf_dad_stop): report why before it goes.
    if (a.flags.has(AddressFlag::DadFailed) && !it->second.flags.has(AddressFlag::DadFailed))
        out.emplace_back(AddressDadFailed{a});
    addresses_.erase(it);
    out.emplace_back(AddressRemoved{a});
}

void MonitorCache::route_updated(const Route& r, std::vector<MonitorEvent>& out) {
    auto key = key_of(r);
    auto it = routes_.find(key);
    if (it == routes_.end()) {
        routes_.emplace(key, r);
        out.emplace_back(RouteAdded{r});
        return;
    }
    Route previous = it->second;
    it->second = r;
    if (!(previous == r)) out.emplace_back(RouteChanged{r, previous});
}

void MonitorCache::route_removed(const Route& r, std::vector<MonitorEvent>& out) {
    auto it = routes_.find(key_of(r));
    if (it == routes_.end()) return;
    out.emplace_back(RouteRemoved{it->second});
    routes_.erase(it);
}

void MonitorCache::resync(const std::vector<Link>& links, const std::vector<Address>& addresses,
                          const std::vector<Route>& routes, std::vector<MonitorEvent>& out) {
    // Removals first, so a link that vanished and came back under the same
    // index (rare) reads as removed then added.
    std::map<int, const Link*> fresh_links;
    for (const auto& l : links) fresh_links[l.index.value] = &l;
    for (auto it = links_.begin(); it != links_.end();) {
        if (!fresh_links.count(it->first)) {
            out.emplace_back(LinkRemoved{it->second});
            it = links_.erase(it);
        } else {
            ++it;
        }
    }
    std::map<AddressKey, const Address*> fresh_addresses;
    for (const auto& a : addresses) fresh_addresses[key_of(a)] = &a;
    for (auto it = addresses_.begin(); it != addresses_.end();) {
        if (!fresh_addresses.count(it->first)) {
            out.emplace_back(AddressRemoved{it->second});
            it = addresses_.erase(it);
        } else {
            ++it;
        }
    }
    std::map<RouteKey, const Route*> fresh_routes;
    for (const auto& r : routes) fresh_routes[key_of(r)] = &r;
    for (auto it = routes_.begin(); it != routes_.end();) {
        if (!fresh_routes.count(it->first)) {
            out.emplace_back(RouteRemoved{it->second});
            it = routes_.erase(it);
        } else {
            ++it;
        }
    }

    for (const auto& l : links) link_updated(l, out);
    for (const auto& a : addresses) {
        auto it = addresses_.find(key_of(a));
        if (it != addresses_.end() && same_ignoring_lifetimes(it->second, a)) {
            it->second = a;
            continue;
        }
        address_updated(a, out);
    }
    for (const auto& r : routes) route_updated(r, out);
}

}  // namespace earlynet::netlink
