#include "device/lease_record.h"

#include <ctime>

#include "state/adoption_check.h"

namespace earlynet::device {

namespace {

// The wall-clock time of a CLOCK_BOOTTIME instant in the past.
std::int64_t realtime_of(BootTime at) {
    auto since = boot_time_now() - at;
    return static_cast<std::int64_t>(std::time(nullptr)) -
           std::chrono::duration_cast<std::chrono::seconds>(since).count();
}

}  // namespace

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
    r.acquired_realtime_s = realtime_of(lease.acquired_at);
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

state::Lease6Record to_lease6_record(const dhcp::Dhcp6Lease& lease, const std::vector<std::uint8_t>& client_duid,
                                     std::uint32_t iaid) {
    state::Lease6Record r;
    r.client_duid = client_duid;
    r.iaid = iaid;
    r.server_duid = lease.server_duid;
    for (const auto& a : lease.ia.addresses) r.addresses.push_back({a.address, a.preferred_s, a.valid_s});
    r.t1_s = static_cast<std::uint32_t>(lease.t1.count());
    r.t2_s = static_cast<std::uint32_t>(lease.t2.count());
    r.acquired_boottime = lease.acquired_at.since_boot;
    r.acquired_realtime_s = realtime_of(lease.acquired_at);
    for (const auto& o : lease.options) r.options.push_back({o.code, o.data});
    return r;
}

Result<dhcp::Dhcp6Lease> from_lease6_record(const state::Lease6Record& record, BootTime now) {
    if (record.addresses.empty()) return unexpected(ErrorCode::Malformed, "saved DHCPv6 lease: no address");
    if (record.server_duid.empty()) return unexpected(ErrorCode::Malformed, "saved DHCPv6 lease: no server DUID");
    BootTime acquired{record.acquired_boottime};
    if (acquired > now)
        return unexpected(ErrorCode::Invalid, "saved DHCPv6 lease: it began after now (another boot's record)");
    dhcp::Dhcp6Lease lease;
    lease.server_duid = record.server_duid;
    lease.ia.iaid = record.iaid;
    lease.ia.t1_s = record.t1_s;
    lease.ia.t2_s = record.t2_s;
    // Addresses whose valid lifetime is over by now are gone (the kernel
    // removed them); the lease goes on with the others, if any.
    for (const auto& a : record.addresses)
        if (dhcp::dhcp6_remaining({a.address, a.preferred_s, a.valid_s, {}}, acquired, now))
            lease.ia.addresses.push_back({a.address, a.preferred_s, a.valid_s, {}});
    if (lease.ia.addresses.empty())
        return unexpected(ErrorCode::Invalid, "saved DHCPv6 lease: every address's valid lifetime has ended");
    for (const auto& o : record.options) lease.options.push_back({o.code, o.data});
    lease.acquired_at = acquired;
    lease.t1 = Seconds(record.t1_s);
    lease.t2 = Seconds(record.t2_s);
    return lease;
}

}  // namespace earlynet::device
