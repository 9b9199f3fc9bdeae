// The kernel command line -> connection profiles, setting for setting as
// NetworkManager 1.42's nm-initrd-generator, but strict: a malformed network
// argument is an error naming the argument, the field and the value, and no
// profile is produced at all.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "profile/profile.h"

namespace earlynet::cmdline {

struct CmdlineReaderOptions {
    // sysfs root, for iBFT (firmware/ibft) and interface MACs (class/net/IF/address).
    std::string sysfs_dir = "/sys";
    // rd.neednet makes a catch-all profile only when this directory does not exist
    // (persistent profiles of the real root take over); empty = never consulted.
    std::string persistent_dir;
};

// udev-style rename request from ifname=<name>:<mac>.
struct InterfaceRename {
    std::string name;
    HardwareAddress mac;
};

struct GeneratedConfig {
    std::vector<profile::Profile> profiles;  // in creation order
    std::optional<std::string> hostname;
    long carrier_timeout_s = 0;  // 0 = not given on the command line (default 10 s)
    std::vector<InterfaceRename> renames;
    bool network_root = false;  // root=/netroot= names a network root
};

// Parses the whole command line (one word per element). Unknown arguments are
// ignored, as the kernel ignores them.
Result<GeneratedConfig> read_kernel_cmdline(const std::vector<std::string>& args, const CmdlineReaderOptions& options);

}  // namespace earlynet::cmdline
