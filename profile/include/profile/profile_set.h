// The profiles `earlynet run` works from, read from the profile directories,
// and the run configuration generate wrote beside them (carrier timeout,
// hostname). A profile that does not read is reported and skipped, never
// half-used.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "profile/profile.h"

namespace earlynet::profile {

struct LoadedProfile {
    Profile profile;
    std::string path;
};

struct ProfileSet {
    std::vector<LoadedProfile> profiles;  // by file name, directories in order
    std::vector<Error> unreadable;
    // NetworkManager's carrier-wait-timeout (15-carrier-timeout.conf), 10 s when absent.
    std::chrono::milliseconds carrier_timeout{10000};
    std::string hostname;  // initrd/hostname, empty when absent
};

// Where the profiles and generate's run configuration are.
struct ProfileSources {
    std::vector<std::string> profile_dirs;  // read in order, files by name
    std::string run_config_dir;             // 15-carrier-timeout.conf
    std::string initrd_data_dir;            // hostname
};

ProfileSet load_profiles(const ProfileSources& sources);

// carrier-wait-timeout=MS from a NetworkManager.conf snippet; nullopt when absent.
std::optional<std::chrono::milliseconds> parse_carrier_timeout(const std::string& conf_text);

}  // namespace earlynet::profile
