// Lease: what a DHCPv4 server granted, decoded from its OFFER or ACK into typed
// fields, plus every option as received (for the dracut export and status).
// Times are durations from acquired_at, the moment the REQUEST that got the
// ACK was sent (RFC 2131 section 4.4.1: the lease starts then, not at the ACK).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/ip_address.h"
#include "base/result.h"
#include "dhcp/ipv4_rules.h"
#include "dhcp/message.h"
#include "dhcp/option_table.h"

namespace earlynet::dhcp {

struct Lease {
    // 0xffffffff on the wire (RFC 2132 9.2).
    static constexpr Seconds kInfinite{0xffffffffLL};

    Ipv4Address address;                     // yiaddr
    int prefix_length = 0;                   // option 1, else the classful default (as dhclient and NetworkManager)
    Ipv4Address server_id;                   // option 54
    Seconds lease_time{0};                   // option 51
    Seconds t1{0};                           // option 58, else 0.5 * lease_time
    Seconds t2{0};                           // option 59, else 0.875 * lease_time
    std::optional<Ipv4Address> broadcast;    // option 28
    std::vector<Ipv4Address> routers;        // option 3
    std::vector<Ipv4Address> dns_servers;    // option 6
    std::vector<Ipv4Address> ntp_servers;    // option 42
    std::string hostname;                    // option 12
    std::string domain_name;                 // option 15
    std::string root_path;                   // option 17
    std::optional<std::uint16_t> mtu;        // option 26
    std::string tftp_server_name;            // option 66
    std::string bootfile_name;               // option 67
    std::vector<std::string> domain_search;  // option 119
    std::vector<ClasslessRoute> classless_routes;  // option 121
    Ipv4Address next_server;                       // BOOTP siaddr
    std::string server_host_name;                  // BOOTP sname (when not overloaded)
    std::string boot_file;                         // BOOTP file (when not overloaded)
    OptionMap options;                             // every option as received, malformed ones included
    BootTime acquired_at;
    // What lease_from_message dropped from the message and why, one line
    // each, in the order found, for the caller to log: "option 119
    // (domain-search): pointer at offset 0 to offset 2 does not point
    // backwards, ignoring", "option 3 (routers): 127.0.0.1 is a loopback
    // address, ignoring". Empty for a message that gave everything it held.
    std::vector<std::string> warnings;

    bool is_infinite() const { return lease_time == kInfinite; }
    bool operator==(const Lease&) const = default;
};

// The lease an OFFER or ACK describes (a parsed message, or one built by hand
// whose `options` may still hold malformed values). Refuses it (Malformed for
// a value that does not decode, Invalid for one that cannot be used, the
// message naming the field and the value) when what the lease depends on is
// missing or unusable: the message type (OFFER or ACK), yiaddr (not in 0/8,
// loopback, multicast, 240/4, nor the network or broadcast address of its own
// subnet), the server identifier (option 54, an address a server can have),
// the lease time (option 51, not 0) and the subnet mask (option 1, contiguous
// and not 0.0.0.0; absent = classful prefix). Anything else that is malformed
// or unusable — a router, a classless route, a name or time server, the
// broadcast address, the MTU, T1/T2, a text option — is left out of the typed
// fields with a line in `warnings`, and the rest of the lease is kept. T1 and
// T2 default to 0.5 and 0.875 of the lease (RFC 2131 4.4.5) and are repaired
// to those when the server's are not T1 < T2 < lease.
Result<Lease> lease_from_message(const Message& reply, BootTime acquired_at);

// An ACK that would give back this lease (yiaddr, siaddr, sname, file, the
// options; malformed ones in malformed_options, as parse_message leaves them);
// lease_from_message(lease_to_message(l), l.acquired_at) == l.
Message lease_to_message(const Lease& lease);

}  // namespace earlynet::dhcp
