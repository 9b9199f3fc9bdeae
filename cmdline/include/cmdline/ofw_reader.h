// The network boot configuration an Open Firmware (IBM POWER, SLOF, ...) leaves in
// the device tree's chosen node, <sysfs>/firmware/devicetree/base/chosen, read
// as NetworkManager 1.42's nmi_dt_reader_parse: the bootpath property
// ("DEVICE:[speed=S,duplex=D,][bootp,]siaddr,file,ciaddr,giaddr,[mask,]
// bootp-retries,tftp-retries,[mask]") and the binary client-ip, netmask-ip,
// gateway-ip properties, into one "OpenFirmware Connection" (basename "ofw").
#pragma once

#include <optional>
#include <string>

#include "base/result.h"
#include "profile/profile.h"

namespace earlynet::cmdline {

// The raw properties the profile is made from (file contents, NULs included;
// nullopt = no such file). `base` is the devicetree/base directory, for messages.
struct OfwProperties {
    std::string base;
    std::string bootpath;
    std::optional<std::string> client_name;
    std::optional<std::string> client_ip;
    std::optional<std::string> netmask_ip;
    std::optional<std::string> gateway_ip;
    bool bootp_response = false;
    std::optional<std::string> mac_address;        // of the boot device's node
    std::optional<std::string> local_mac_address;  // of the boot device's node
};

// The profile, or an error naming the property file and its value. Where
// NetworkManager 1.42 silently drops the profile or writes nonsense (a /0
// address, a non-contiguous netmask, an invalid gateway, a MAC whose last byte
// repeats the fifth one) this is an error or the correct value; see
// test/diff/deliberate-differences.md.
Result<profile::Profile> ofw_profile(const OfwProperties& properties);

// nullopt when the firmware left no chosen/bootpath (no device tree, or no
// network boot configuration).
Result<std::optional<profile::Profile>> read_ofw(const std::string& sysfs_dir);

}  // namespace earlynet::cmdline
