// What the real root's systemd-networkd reads to take a device over without
// dropping its address: one .network per activated device in
// /run/systemd/network (matched by MAC for Ethernet, by name otherwise),
// KeepConfiguration=yes so the address and routes the initrd set are not
// flushed (networkd 252 then asks for that dynamic address again itself,
// INIT-REBOOT), and for DHCPv4 the same client identifier and no RELEASE
// when it stops. (ifname= names cross
// switch_root in .link files `earlynet generate --link-dir` writes.)
#pragma once

#include <string>

#include "base/ip_address.h"
#include "base/result.h"
#include "state/device_record.h"

namespace earlynet::state {

// The file's name (10-earlynet-IFACE.network) and its text.
std::string networkd_network_name(const DeviceRecord& device);
std::string networkd_network_text(const DeviceRecord& device);

// Writes the device's .network into dir, atomically. Ports and devices that
// did not come up have none.
[[nodiscard]] Result<void> export_for_networkd(const std::string& dir, const DeviceRecord& device);

}  // namespace earlynet::state
