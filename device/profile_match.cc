#include "device/profile_match.h"

namespace earlynet::device {

namespace {

bool names_link(const profile::Profile& p) {
    return !p.interface_name.empty() || (p.ethernet && p.ethernet->mac_address) ||
           (p.infiniband && p.infiniband->mac_address);
}

const char* kind_of(profile::ConnectionType t) {
    switch (t) {
        case profile::ConnectionType::Bond: return "bond";
        case profile::ConnectionType::Bridge: return "bridge";
        case profile::ConnectionType::Vlan: return "vlan";
        case profile::ConnectionType::Team: return "team";
        case profile::ConnectionType::Ethernet:
        case profile::ConnectionType::Infiniband: return "";
    }
    return "";
}

}  // namespace

bool is_ethernet_like(const netlink::Link& link) {
    if (link.flags.loopback() || link.name == "lo") return false;
    if (!link.mac || link.mac->size() != HardwareAddress::kEthernetLength) return false;
    return link.kind.empty() || link.kind == "veth";
}

bool profile_matches(const profile::Profile& p, const netlink::Link& link) {
    switch (p.type) {
        case profile::ConnectionType::Bond:
        case profile::ConnectionType::Bridge:
        case profile::ConnectionType::Vlan:
        case profile::ConnectionType::Team:
            return !p.interface_name.empty() && p.interface_name == link.name && link.kind == kind_of(p.type);
        case profile::ConnectionType::Infiniband:
            if (!p.interface_name.empty()) return p.interface_name == link.name;
            return p.infiniband && p.infiniband->mac_address &&
                   (link.mac == p.infiniband->mac_address || link.permanent_mac == p.infiniband->mac_address);
        case profile::ConnectionType::Ethernet: break;
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

const profile::LoadedProfile* choose_profile(const std::vector<profile::LoadedProfile>& profiles,
                                             const netlink::Link& link,
                                             const std::function<bool(const profile::LoadedProfile&)>& available) {
    const profile::LoadedProfile* best = nullptr;
    for (const auto& lp : profiles) {
        if (!profile_matches(lp.profile, link) || !available(lp)) continue;
        if (!best) {
            best = &lp;
            continue;
        }
        const profile::Profile& a = lp.profile;
        const profile::Profile& b = best->profile;
        if (a.autoconnect_priority != b.autoconnect_priority) {
            if (a.autoconnect_priority > b.autoconnect_priority) best = &lp;
        } else if (names_link(a) && !names_link(b)) {
            best = &lp;
        }
    }
    return best;
}

}  // namespace earlynet::device
