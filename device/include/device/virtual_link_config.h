// A bond, bridge or VLAN profile as the netlink/ configuration that creates
// its link. Bond options arrive as NetworkManager keeps them (kernel option
// names, normalised values); options the netlink layer cannot set are
// reported, not dropped silently.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "netlink/virtual_link.h"
#include "profile/profile.h"

namespace earlynet::device {

struct BondPlan {
    netlink::BondConfig config;
    std::vector<std::string> unsupported;  // "primary=eth1", ... (logged as warnings)
};

// Invalid when an option's value is not what the kernel takes.
Result<BondPlan> bond_config(const profile::Profile& profile);
netlink::BridgeConfig bridge_config(const profile::Profile& profile);

}  // namespace earlynet::device
