// dhcp::Lease <-> state::LeaseRecord: the lease as the state file keeps it
// (state/ knows nothing of dhcp/), with the wall-clock time it started.
#pragma once

#include <cstdint>
#include <vector>

#include "base/result.h"
#include "dhcp/lease.h"
#include "state/device_record.h"

namespace earlynet::daemon {

state::LeaseRecord to_lease_record(const dhcp::Lease& lease, const std::vector<std::uint8_t>& client_id);

// The lease back from a state file (`run --import`): rebuilt from the options
// as received, through the same parser as a server's ACK, so a record that
// was tampered with is refused rather than half used.
[[nodiscard]] Result<dhcp::Lease> from_lease_record(const state::LeaseRecord& record);

}  // namespace earlynet::daemon
