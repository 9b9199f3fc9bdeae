// Whether a record read back from the state directory may be continued as it
// is (`earlynet run --import` in the real root): the same boot, the same
// device, the same profile, a device that came up, and a lease that still
// runs. Anything else is "not trusted": the device is activated anew.
#pragma once

#include <chrono>
#include <string>

#include "base/result.h"
#include "state/device_record.h"

namespace earlynet::state {

// The device a record is about to be adopted for, as the kernel and the
// profiles have it now.
struct DeviceNow {
    std::string interface;
    int ifindex = 0;
    std::string mac;           // any case, ':' or '-'; empty = the link has none
    std::string profile_uuid;  // of the profile that matches the device now
};

// The lease against CLOCK_BOOTTIME `now`: fine while it runs (an infinite
// lease always does); ErrorCode::Invalid when it has ended or began after
// `now` (another boot's record: /run normally does not survive a reboot).
// The message names the field, without a file ("field 'lease...': ...").
[[nodiscard]] Result<void> check_lease_runs(const LeaseRecord& lease, std::chrono::nanoseconds now_boottime);

// Every check above, in the order a person would look: ifindex, MAC,
// profile, outcome, lease. ErrorCode::Invalid with a message naming `source`
// (the file), the field, what it says and what the device has now, e.g.
// "/run/earlynet/state/eth0.json: field 'ifindex': 7 is not eth0's ifindex now (9)".
// A record without a MAC (a virtual link recorded before it had one) is not
// held against a MAC; a record with one must match.
[[nodiscard]] Result<void> check_adoptable(const DeviceRecord& record, const std::string& source, const DeviceNow& now,
                                           std::chrono::nanoseconds now_boottime);

}  // namespace earlynet::state
