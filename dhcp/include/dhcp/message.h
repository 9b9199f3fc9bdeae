// Message: one BOOTP/DHCPv4 message (RFC 951, RFC 2131 section 2), its fixed
// header and its options. parse_message() validates the framing in layers
// (header, magic cookie, options, overload, RFC 3396 concatenation) and
// returns an error naming the first problem; an option whose value does not
// decode is set aside, not fatal (the lease decides whether it needs it).
// serialize_message() writes options sorted by code, so the same message
// always gives the same bytes.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/ip_address.h"
#include "base/result.h"
#include "dhcp/option_table.h"

namespace earlynet::dhcp {

enum class BootpOp : std::uint8_t { Request = 1, Reply = 2 };

enum class MessageType : std::uint8_t {
    Discover = 1,
    Offer = 2,
    Request = 3,
    Decline = 4,
    Ack = 5,
    Nak = 6,
    Release = 7,
    Inform = 8,
};
const char* to_string(MessageType type);

// A transaction id (RFC 2131 "xid"), strong so it is never confused with a count.
struct Xid {
    std::uint32_t value = 0;
    auto operator<=>(const Xid&) const = default;
};

// Option code -> value bytes. A code that appears more than once in a message
// is one entry holding the concatenation (RFC 3396), whichever of the options,
// file and sname fields (RFC 2131 option 52 overload) it came from.
using OptionMap = std::map<std::uint8_t, std::vector<std::uint8_t>>;

struct Message {
    static constexpr std::uint16_t kBroadcastFlag = 0x8000;
    static constexpr std::size_t kFixedHeaderSize = 236;  // op .. file
    static constexpr std::uint32_t kMagicCookie = 0x63825363;
    // RFC 1542 section 3.3: some relays drop BOOTP messages under 300 bytes.
    static constexpr std::size_t kMinimumSize = 300;

    BootpOp op = BootpOp::Request;
    std::uint8_t htype = 1;  // ARPHRD_ETHER
    std::uint8_t hlen = 6;
    std::uint8_t hops = 0;
    Xid xid;
    std::uint16_t secs = 0;
    std::uint16_t flags = 0;
    Ipv4Address ciaddr, yiaddr, siaddr, giaddr;
    std::array<std::uint8_t, 16> chaddr{};
    // Up to the first NUL; empty when the field carries options (overload).
    std::string sname;  // server host name, 64 bytes on the wire
    std::string file;   // boot file name, 128 bytes on the wire
    // Every option whose value decodes (or that has no row in the table).
    OptionMap options;
    // Options with a row whose value does not decode (an empty host name, a
    // looping option 119, a 5-byte router list), as received: kept out of
    // `options` so that everything there can be trusted, and kept at all so
    // that lease_from_message can say what it dropped and the bytes survive
    // serialize_message. Never the message type (parse_message refuses that).
    OptionMap malformed_options;

    std::optional<MessageType> type() const;
    // Typed reads of `options` through the option table; nullopt when absent
    // or malformed.
    std::optional<Ipv4Address> ipv4_option(std::uint8_t code) const;
    std::optional<std::uint32_t> u32_option(std::uint8_t code) const;
    bool operator==(const Message&) const = default;
};

// Parses a UDP payload. Rejects (ErrorCode::Malformed): shorter than header +
// cookie, wrong cookie, hlen > 16, an option running past its field (the
// framing of every later option is then unknown), a missing, malformed or
// unknown message type (53), a bad overload value. A known option (the
// table's rows) whose value does not decode goes to malformed_options and the
// message is kept. sname/file are not read as text when overloaded.
Result<Message> parse_message(std::span<const std::uint8_t> payload);

// `options` split in two: those that decode or have no row in the table, and
// those with a row whose value does not decode (as parse_message splits them).
struct SplitOptions {
    OptionMap options;
    OptionMap malformed;
};
SplitOptions split_malformed_options(OptionMap options);

// Header, cookie, options and malformed_options together sorted by code (an
// entry of `options` wins over a malformed one of the same code; values
// longer than 255 bytes split into consecutive options, RFC 3396), End, zero
// padding to kMinimumSize.
std::vector<std::uint8_t> serialize_message(const Message& message);

}  // namespace earlynet::dhcp
