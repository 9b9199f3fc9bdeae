// What the real root's NetworkManager reads to take a device over without
// touching it (nm-dracut-contract.md 3.5/3.6): the profile in
// /run/NetworkManager/system-connections, /run/NetworkManager/devices/IFINDEX
// (managed, connection-uuid, nm-owned, next-server, root-path, dhcp-bootfile,
// [dhcp4] dhcp4.* from the lease) and the internal client's lease file
// internal-UUID-IFACE.lease (ADDRESS=), so it starts in INIT-REBOOT for the
// same address.
#pragma once

#include <string>

#include "base/result.h"
#include "state/device_record.h"

namespace earlynet::state {

std::string nm_device_state_text(const DeviceRecord& device);
std::string nm_lease_file_text(const DeviceRecord& device);  // empty when no lease

struct NmPaths {
    std::string run_dir = "/run/NetworkManager";
};

// Writes devices/IFINDEX (activated devices), the lease file (DHCP devices)
// and a copy of the profile in system-connections/ (0600), atomically.
// The device's profile file copied into run_dir/system-connections (not
// when it is read from there already). With a DHCPv6 lease, the copy's
// [ipv6] section names the lease's DUID and IAID (ipv6.dhcp-duid,
// ipv6.dhcp-iaid, unless the profile sets them), so NetworkManager asks the
// server as the client it knows (systemd#9228); then it is written even
// where it is read from.
[[nodiscard]] Result<void> export_profile(const NmPaths& paths, const DeviceRecord& device);

// The profile text with the DHCPv6 identity of `lease` in its [ipv6] section.
std::string profile_with_dhcp6_identity(const std::string& profile, const Lease6Record& lease);

[[nodiscard]] Result<void> export_for_network_manager(const NmPaths& paths, const DeviceRecord& device);

}  // namespace earlynet::state
