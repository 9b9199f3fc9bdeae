// dhcp::Lease <-> state::LeaseRecord: the lease as the state file keeps it
// (state/ knows nothing of dhcp/), with the wall-clock time it started.
#pragma once

#include <cstdint>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "dhcp/lease.h"
#include "state/device_record.h"

namespace earlynet::daemon {

state::LeaseRecord to_lease_record(const dhcp::Lease& lease, const std::vector<std::uint8_t>& client_id);

// The lease back from a state file (`run --import`): rebuilt from the options
// as received, through the same parser as a server's ACK, so a record that
// was tampered with is refused rather than half used. A lease that has ended
// by `now` (CLOCK_BOOTTIME), or that began after it (another boot's), is
// refused too: it must not be continued, not even until its first timer.
[[nodiscard]] Result<dhcp::Lease> from_lease_record(const state::LeaseRecord& record, BootTime now);
// The same, now.
[[nodiscard]] Result<dhcp::Lease> from_lease_record(const state::LeaseRecord& record);

}  // namespace earlynet::daemon
