// The records earlynet leaves under /run/earlynet: per device what it was
// configured with and how long each step took, and per DHCPv4 lease everything
// a later process needs to continue it (earlynet run --import, the real root's
// manager), and the same for a DHCPv6 lease. state/ depends on base/ and on dhcp/'s option table only (the one
// description of an option); the daemon converts from dhcp::Lease.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/ip_address.h"
#include "base/result.h"

namespace earlynet::state {

// Bumped on any incompatible change of the JSON layout; a reader refuses
// newer versions rather than guess. Version 1 also carried each option's
// decoded value beside the raw options; this reader still reads it (the
// initrd's earlynet may be older than the real root's), ignoring those.
// Version 3 added "lease6" (absent from older files: read as none).
inline constexpr int kFormatVersion = 3;
inline constexpr int kOldestFormatVersion = 1;

struct StaticRouteRecord {  // option 121 entry, or a route the daemon added
    IpPrefix destination;
    std::optional<IpAddress> gateway;
    bool operator==(const StaticRouteRecord&) const = default;
};

// A DHCPv4 lease as saved: the options as received, the BOOTP header fields,
// and the values the client derived and acted on (the prefix, with the
// classful default when option 1 was missing; T1/T2 with RFC 2131's defaults
// or repaired). Every other value (routers, root path, host name ...) is read
// from `options` through dhcp/option_table.h, by lease_options.h.
struct LeaseRecord {
    Ipv4Address address;  // yiaddr
    int prefix_length = 0;
    Ipv4Address server_id;                // option 54
    Ipv4Address next_server;              // BOOTP siaddr
    std::string boot_file;                // BOOTP file field
    std::vector<std::uint8_t> client_id;  // option 61 as sent
    std::uint32_t lease_time_s = 0;       // 0xffffffff = infinite
    std::uint32_t t1_s = 0;
    std::uint32_t t2_s = 0;
    // When the lease started (the REQUEST that got the ACK): CLOCK_BOOTTIME
    // (same boot, survives switch_root) and wall clock (for people, and for
    // NetworkManager's dhcp4.expiry).
    std::chrono::nanoseconds acquired_boottime{0};
    std::int64_t acquired_realtime_s = 0;
    // Every option as received, code -> raw bytes (hex in the file).
    std::map<std::uint8_t, std::vector<std::uint8_t>> options;
    bool operator==(const LeaseRecord&) const = default;
};

// An address of a DHCPv6 IA_NA with the lifetimes the server gave (RFC 8415
// 21.6), counted from Lease6Record::acquired_boottime; 0xffffffff = infinite.
struct Lease6AddressRecord {
    Ipv6Address address;
    std::uint32_t preferred_s = 0;
    std::uint32_t valid_s = 0;
    bool operator==(const Lease6AddressRecord&) const = default;
};

struct Dhcp6OptionRecord {  // a top-level option of the REPLY, as received
    std::uint16_t code = 0;
    std::vector<std::uint8_t> data;
    bool operator==(const Dhcp6OptionRecord&) const = default;
};

// A DHCPv6 lease as saved: who we were (DUID and IAID, kept for the real
// root so the server sees one client), who granted it, the IA_NA's addresses
// and timers as the client acts on them, and every option of the REPLY in
// wire order (a code may repeat); DNS servers, search list and boot-file URL
// are read from `options` through dhcp/dhcp6_message.h's option table.
struct Lease6Record {
    std::vector<std::uint8_t> client_duid;  // option 1 as sent
    std::uint32_t iaid = 0;
    std::vector<std::uint8_t> server_duid;  // option 2 of the REPLY
    std::vector<Lease6AddressRecord> addresses;
    std::uint32_t t1_s = 0;
    std::uint32_t t2_s = 0;
    std::chrono::nanoseconds acquired_boottime{0};  // CLOCK_BOOTTIME, as for DHCPv4
    std::int64_t acquired_realtime_s = 0;
    std::vector<Dhcp6OptionRecord> options;
    bool operator==(const Lease6Record&) const = default;
};

// Down: taken down on request (the local API), after whatever it was.
enum class DeviceOutcome { Activating, Activated, Failed, Down };
const char* to_string(DeviceOutcome o);

// Milliseconds since `earlynet run` started; absent = not reached.
struct DeviceTimings {
    std::optional<std::chrono::milliseconds> to_link;  // device seen
    std::optional<std::chrono::milliseconds> to_carrier;
    std::optional<std::chrono::milliseconds> to_address;  // first usable address
    std::optional<std::chrono::milliseconds> to_online;   // activation complete
    bool operator==(const DeviceTimings&) const = default;
};

struct DeviceRecord {
    std::string interface;  // also the file name
    int ifindex = 0;
    std::string mac;       // aa:bb:cc:dd:ee:ff, may be empty
    std::string kind;      // "ethernet", "bond", "bridge", "vlan"
    bool created = false;  // a virtual link earlynet created (NM's nm-owned)
    std::string profile_id;
    std::string profile_uuid;
    std::string profile_file;  // the .nmconnection it came from
    std::string ipv4_method;   // keyfile words: auto, manual, disabled, ...
    std::string ipv6_method;
    std::vector<IpPrefix> addresses;  // configured by earlynet (both families)
    std::vector<StaticRouteRecord> routes;
    std::optional<IpAddress> gateway;
    std::vector<IpAddress> dns;
    std::vector<std::string> dns_search;
    std::string hostname;
    unsigned mtu = 0;                    // 0 = not set by earlynet
    std::optional<IpAddress> ip_server;  // the ip= peer field (dracut's srv)
    bool static_from_cmdline = false;    // an ip= static configuration: dracut's net.$netif.override
    std::string netmask;                 // as given on ip= (dracut's mask), for the override file
    DeviceOutcome outcome = DeviceOutcome::Activating;
    std::string failure_reason;  // one line, when Failed
    DeviceTimings timings;
    std::optional<LeaseRecord> lease;
    std::optional<Lease6Record> lease6;  // DHCPv6 (stateful)
    bool operator==(const DeviceRecord&) const = default;
};

// JSON with "version": kFormatVersion. Stable key order, one file per device.
// Never throws: bytes that are not UTF-8 in a text field (JSON cannot carry
// them) are written as U+FFFD; LeaseRecord::options keeps the raw bytes.
std::string device_record_to_json(const DeviceRecord& record);

// Strict: wrong version, a missing or mistyped field, an unparsable address
// is an error (ErrorCode::Malformed) naming `source` and the field; nothing
// of a corrupt file is trusted. The message tells an empty file, a truncated
// one and one that is not JSON apart, and a version newer than this reader.
Result<DeviceRecord> device_record_from_json(std::string_view text, const std::string& source);

}  // namespace earlynet::state
