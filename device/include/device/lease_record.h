// dhcp::Lease <-> state::LeaseRecord (and the DHCPv6 pair): the lease as the state file keeps it
// (state/ knows nothing of dhcp/), with the wall-clock time it started.
#pragma once

#include <cstdint>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "dhcp/dhcp6_engine.h"
#include "dhcp/lease.h"
#include "state/device_record.h"

namespace earlynet::device {

state::LeaseRecord to_lease_record(const dhcp::Lease& lease, const std::vector<std::uint8_t>& client_id);

// The lease back from a state file (`run --import`): rebuilt from the options
// as received, through the same parser as a server's ACK, so a record that
// was tampered with is refused rather than half used. A lease that has ended
// by `now` (CLOCK_BOOTTIME), or that began after it (another boot's), is
// refused too: it must not be continued, not even until its first timer.
[[nodiscard]] Result<dhcp::Lease> from_lease_record(const state::LeaseRecord& record, BootTime now);
// The same, now.
[[nodiscard]] Result<dhcp::Lease> from_lease_record(const state::LeaseRecord& record);

// A DHCPv6 lease with the DUID and IAID it was bound to.
state::Lease6Record to_lease6_record(const dhcp::Dhcp6Lease& lease, const std::vector<std::uint8_t>& client_duid,
                                     std::uint32_t iaid);
// Back for `run --import`, without the addresses whose valid lifetime has
// ended by `now`: refused (ErrorCode::Invalid) when that leaves none or the
// lease began after `now`, and (ErrorCode::Malformed) when it has no
// address or no server.
[[nodiscard]] Result<dhcp::Dhcp6Lease> from_lease6_record(const state::Lease6Record& record, BootTime now);

}  // namespace earlynet::device
