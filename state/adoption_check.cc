#include "state/adoption_check.h"

#include <string>

namespace earlynet::state {

namespace {

// MACs compare as bytes: the record has NetworkManager's upper case, the
// kernel lower case.
bool same_mac(const std::string& a, const std::string& b) {
    auto x = HardwareAddress::parse(a);
    auto y = HardwareAddress::parse(b);
    return x && y && *x == *y;
}

std::string seconds(std::chrono::nanoseconds d) {
    return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + " s";
}

}  // namespace

Result<void> check_lease_runs(const LeaseRecord& lease, std::chrono::nanoseconds now) {
    const std::string field = "field 'lease.acquired_boottime_ns': ";
    // A start after now cannot be this boot's: CLOCK_BOOTTIME only grows.
    if (lease.acquired_boottime > now)
        return unexpected(ErrorCode::Invalid, field + "the lease began " + seconds(lease.acquired_boottime - now) +
                                                  " after now by CLOCK_BOOTTIME, so in another boot");
    if (lease.lease_time_s == 0xffffffffu) return {};  // infinite (RFC 2131 3.3)
    // Compared as time elapsed (never negative here), so a start near the
    // top of the range cannot overflow when the lease time is added to it.
    auto elapsed = now - lease.acquired_boottime;
    auto length = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::seconds(lease.lease_time_s));
    if (elapsed >= length)
        return unexpected(ErrorCode::Invalid, field + "the lease of " + std::to_string(lease.lease_time_s) +
                                                  " s ended " + seconds(elapsed - length) + " ago");
    return {};
}

Result<void> check_adoptable(const DeviceRecord& r, const std::string& source, const DeviceNow& now,
                             std::chrono::nanoseconds now_boottime) {
    auto refuse = [&](const std::string& why) { return unexpected(ErrorCode::Invalid, source + ": " + why); };
    if (r.interface != now.interface)
        return refuse("field 'interface': '" + r.interface + "' is not '" + now.interface + "'");
    if (r.ifindex != now.ifindex)
        return refuse("field 'ifindex': " + std::to_string(r.ifindex) + " is not " + now.interface +
                      "'s ifindex now (" + std::to_string(now.ifindex) + ")");
    if (!r.mac.empty() && !same_mac(r.mac, now.mac))
        return refuse("field 'mac': " + r.mac + " is not " + now.interface + "'s MAC now (" +
                      (now.mac.empty() ? std::string("none") : now.mac) + ")");
    if (r.profile_uuid != now.profile_uuid)
        return refuse("field 'profile_uuid': " + r.profile_uuid + " is not the profile that matches " + now.interface +
                      " now (" + now.profile_uuid + ")");
    if (r.outcome != DeviceOutcome::Activated)
        return refuse(std::string("field 'outcome': '") + to_string(r.outcome) + "', the device did not come up");
    if (r.lease) {
        if (auto runs = check_lease_runs(*r.lease, now_boottime); !runs) return refuse(runs.error().message);
    }
    return {};
}

}  // namespace earlynet::state
