// Which profile a link is activated with: NetworkManager's autoconnect choice,
// reduced to what initrd profiles use (interface-name, MAC, or "any Ethernet"
// for the default connection). Pure, so it is unit-tested without a kernel.
#pragma once

#include <functional>
#include <vector>

#include "netlink/link.h"
#include "profile/profile.h"
#include "profile/profile_set.h"

namespace earlynet::device {

// A link an Ethernet profile may use: a NIC (no kind) or a veth, not loopback.
bool is_ethernet_like(const netlink::Link& link);

// Whether the profile describes this link: same name, or same MAC (permanent
// or current), or no name and no MAC on an Ethernet-like link. Software
// profiles (bond, bridge, VLAN) match only the link of their name and kind.
bool profile_matches(const profile::Profile& profile, const netlink::Link& link);

// The profile for a link among those `available` says may still take a
// device (multi-connect): highest autoconnect-priority first, then one that
// names the link (by name or MAC) before a catch-all, then file order.
// nullptr when none matches.
const profile::LoadedProfile* choose_profile(const std::vector<profile::LoadedProfile>& profiles,
                                             const netlink::Link& link,
                                             const std::function<bool(const profile::LoadedProfile&)>& available);

}  // namespace earlynet::device
