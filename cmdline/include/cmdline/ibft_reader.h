// iSCSI Boot Firmware Table, as the kernel's iscsi_ibft module shows it under
// <sysfs>/firmware/ibft/ethernet*/ (one file per field).
#pragma once

#include <map>
#include <string>

#include "base/result.h"
#include "profile/profile.h"

namespace earlynet::cmdline {

// One NIC: file name -> content without the trailing newline.
using IbftNic = std::map<std::string, std::string>;

// Every ethernet* entry, keyed by upper-case MAC. A missing table is an empty
// map (earlynet never loads iscsi_ibft itself: that is the initramfs's job).
Result<std::map<std::string, IbftNic>> read_ibft(const std::string& sysfs_dir);

// Applies a NIC's settings to a profile (type, MAC, addresses, DNS, id/uuid),
// as NetworkManager's nmi_ibft_update_connection_from_nic.
Result<void> apply_ibft_nic(const IbftNic& nic, profile::Profile& profile);

}  // namespace earlynet::cmdline
