// The profiles the command line makes, keyed by basename in creation order,
// as the reference keeps them: looked up by interface name or MAC and made
// when missing, plus the lazily made catch-all "default_connection".
#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "profile/profile.h"

namespace earlynet::cmdline {

// What every profile made from the command line starts with (rd.peerdns=,
// rd.net.timeout.dhcp= x rd.net.dhcp.retry=, rd.net.dhcp.vendor-class=).
struct ProfileDefaults {
    bool ignore_auto_dns = false;
    int dhcp_timeout_s = 90;
    std::string vendor_class;
};

// A profile to make: its key, names and autoconnect rules.
struct NewProfile {
    std::string basename;
    std::string id;
    std::string interface_name;
    std::optional<HardwareAddress> mac;
    profile::ConnectionType type = profile::ConnectionType::Ethernet;
    int priority = profile::kPriorityCmdline;
    profile::MultiConnect multi_connect = profile::MultiConnect::Single;
};

enum class IfMissing { Create, ReturnNull };

class ProfileTable {
public:
    explicit ProfileTable(ProfileDefaults defaults) : defaults_(std::move(defaults)) {}

    // The profile named by `spec`, an interface name or a MAC (errors name
    // `argument` and `field` when it is neither); with an empty spec the first
    // profile of `type`, or the first that is not a port when no type is given.
    // A profile found gets `type`'s setting; one missing is made (keyed by the
    // spec, or the default profile when there is none) or, with ReturnNull, is
    // nullptr.
    Result<profile::Profile*> resolve(std::string_view argument, std::string_view field, std::string_view spec,
                                      std::optional<profile::ConnectionType> type, IfMissing if_missing);

    // Makes a profile with the defaults; one with the same basename is replaced
    // in place. References stay valid as the set grows.
    profile::Profile& create(const NewProfile& fresh);

    // The catch-all "Wired Connection", made on first use.
    profile::Profile& default_profile();

    // A firmware profile (iBFT, Open Firmware), as made: replaces the one with
    // its basename or is appended.
    void put(profile::Profile fresh);

    profile::Profile* find(std::string_view basename);

    bool empty() const { return profiles_.empty(); }
    std::deque<profile::Profile>::iterator begin() { return profiles_.begin(); }
    std::deque<profile::Profile>::iterator end() { return profiles_.end(); }

    // Every profile, in creation order; the set is left empty.
    std::vector<profile::Profile> take();

private:
    ProfileDefaults defaults_;
    std::deque<profile::Profile> profiles_;  // deque: references stay valid as it grows
    std::map<std::string, std::size_t, std::less<>> by_basename_;
};

// A profile the boot needs: its device is waited for (Ethernet only, as the
// reference does).
void mark_needed(profile::Profile& p);

}  // namespace earlynet::cmdline
