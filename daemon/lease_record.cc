#include "daemon/lease_record.h"

#include <ctime>

#include "state/adoption_check.h"

namespace earlynet::daemon {

state::LeaseRecord to_lease_record(const dhcp::Lease& lease, const std::vector<std::uint8_t>& client_id) {
    state::LeaseRecord r;
    r.address = lease.address;
    r.prefix_length = lease.prefix_length;
    r.server_id = lease.server_id;
    r.next_server = lease.next_server;
    r.boot_file = lease.boot_file;
    r.client_id = client_id;
    auto secs = [](Seconds s) { return static_cast<std::uint32_t>(s.count()); };
    r.lease_time_s = secs(lease.lease_time);
    r.t1_s = secs(lease.t1);
    r.t2_s = secs(lease.t2);
    r.acquired_boottime = lease.acquired_at.since_boot;
    // The wall-clock start: now minus the time since the lease started.
    auto since = boot_time_now() - lease.acquired_at;
    r.acquired_realtime_s =
        static_cast<std::int64_t>(std::time(nullptr)) - std::chrono::duration_cast<std::chrono::seconds>(since).count();
    r.options = lease.options;
    return r;
}

Result<dhcp::Lease> from_lease_record(const state::LeaseRecord& record) {
    return from_lease_record(record, boot_time_now());
}

Result<dhcp::Lease> from_lease_record(const state::LeaseRecord& record, BootTime now) {
    // Before anything else: an ended lease is refused however well it reads.
    if (auto runs = state::check_lease_runs(record, now.since_boot); !runs)
        return unexpected(ErrorCode::Invalid, "saved lease: " + runs.error().message);
    dhcp::Message ack;
    ack.op = dhcp::BootpOp::Reply;
    ack.yiaddr = record.address;
    ack.siaddr = record.next_server;
    ack.file = record.boot_file;
    ack.options = record.options;
    auto lease = dhcp::lease_from_message(ack, BootTime{record.acquired_boottime});
    if (!lease) return unexpected(ErrorCode::Malformed, "saved lease: " + lease.error().message);
    if (lease->address != record.address || lease->server_id != record.server_id ||
        lease->lease_time.count() != record.lease_time_s)
        return unexpected(ErrorCode::Malformed, "saved lease: its fields do not match its options");
    return lease;
}

}  // namespace earlynet::daemon
