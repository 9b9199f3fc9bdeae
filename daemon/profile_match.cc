#include "daemon/profile_match.h"

namespace earlynet::daemon {

namespace {

bool names_link(const Profile& p) {
    return !p.interface_name.empty() || (p.ethernet && p.ethernet->mac_address) ||
           (p.infiniband && p.infiniband->mac_address);
}

const char* kind_of(ConnectionType t) {
    switch (t) {
    case ConnectionType::Bond:
        return "bond";
    case ConnectionType::Bridge:
        return "bridge";
    case ConnectionType::Vlan:
        return "vlan";
    case ConnectionType::Team:
        return "team";
    case ConnectionType::Ethernet:
    case ConnectionType::Infiniband:
        return "";
    }
    return "";
}

}  // namespace

bool is_ethernet_like(const netlink::Link& link) {
    if (link.flags.loopback() || link.name == "lo") return false;
    if (!link.mac || link.mac->size() != HardwareAddress::kEthernetLength) return false;
    return link.kind.empty() || link.kind == "veth";
}

bool profile_matches(const Profile& p, const netlink::Link& link) {
    switch (p.type) {
    case ConnectionType::Bond:
    case ConnectionType::Bridge:
    case ConnectionType::Vlan:
    case ConnectionType::Team:
        return !p.interface_name.empty() && p.interface_name == link.name && link.kind == kind_of(p.type);
    case ConnectionType::Infiniband:
        if (!p.interface_name.empty()) return p.interface_name == link.name;
        return p.infiniband && p.infiniband->mac_address &&
               (link.mac == p.infiniband->mac_address || link.permanent_mac == p.infiniband->mac_address);
    case ConnectionType::Ethernet:
        break;
    }
    if (!is_ethernet_like(link)) return false;
    // A port of someone else's bond or bridge is not free for a catch-all.
    if (link.controller && !p.is_port() && !names_link(p)) return false;
    if (!p.interface_name.empty() && p.interface_name != link.name) return false;
    if (p.ethernet && p.ethernet->mac_address) {
        const auto& want = *p.ethernet->mac_address;
        if (link.mac != want && link.permanent_mac != want) return false;
    }
    return true;
}

const LoadedProfile* choose_profile(const std::vector<LoadedProfile>& profiles, const netlink::Link& link,
                                    const std::function<bool(const LoadedProfile&)>& available) {
    const LoadedProfile* best = nullptr;
    for (const auto& lp : profiles) {
        if (!profile_matches(lp.profile, link) || !available(lp)) continue;
        if (!best) {
            best = &lp;
            continue;
        }
        const Profile& a = lp.profile;
        const Profile& b = best->profile;
        if (a.autoconnect_priority != b.autoconnect_priority) {
            if (a.autoconnect_priority > b.autoconnect_priority) best = &lp;
        } else if (names_link(a) && !names_link(b)) {
            best = &lp;
        }
    }
    return best;
}

}  // namespace earlynet::daemon
