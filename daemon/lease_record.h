// dhcp::Lease <-> state::LeaseRecord: the lease as the state file keeps it
// (state/ knows nothing of dhcp/), with the wall-clock time it started.
#pragma once

#include <cstdint>
#include <vector>

#include "dhcp/lease.h"
#include "state/device_record.h"

namespace earlynet::daemon {

state::LeaseRecord to_lease_record(const dhcp::Lease& lease, const std::vector<std::uint8_t>& client_id);

}  // namespace earlynet::daemon
