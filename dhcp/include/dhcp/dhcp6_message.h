// Dhcp6Message: one DHCPv6 client/server message (RFC 8415 section 8: type,
// 24-bit transaction id, options), the structured options a client acts on
// (IA_NA with its addresses, status codes), and the DHCPv6 option table: for
// each option a client reports, its code, name, wire type, the variable
// dhclient -6 gives dracut's scripts and NetworkManager's name, as
// option_table.h does for DHCPv4. Strict like the DHCPv4 codec: framing
// errors refuse the message, naming the offset; a value that does not fit its
// type costs that option only.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/ip_address.h"
#include "base/result.h"

namespace earlynet::dhcp {

enum class Dhcp6MessageType : std::uint8_t {
    Solicit = 1,
    Advertise = 2,
    Request = 3,
    Confirm = 4,
    Renew = 5,
    Rebind = 6,
    Reply = 7,
    Release = 8,
    Decline = 9,
    Reconfigure = 10,
    InformationRequest = 11,
};
const char* to_string(Dhcp6MessageType type);

namespace dhcp6_option {
inline constexpr std::uint16_t kClientId = 1;
inline constexpr std::uint16_t kServerId = 2;
inline constexpr std::uint16_t kIaNa = 3;
inline constexpr std::uint16_t kIaAddress = 5;
inline constexpr std::uint16_t kOptionRequest = 6;
inline constexpr std::uint16_t kPreference = 7;
inline constexpr std::uint16_t kElapsedTime = 8;
inline constexpr std::uint16_t kStatusCode = 13;
inline constexpr std::uint16_t kRapidCommit = 14;
inline constexpr std::uint16_t kDnsServers = 23;
inline constexpr std::uint16_t kDomainList = 24;
inline constexpr std::uint16_t kSntpServers = 31;
inline constexpr std::uint16_t kInformationRefreshTime = 32;
inline constexpr std::uint16_t kClientFqdn = 39;
inline constexpr std::uint16_t kNtpServer = 56;
inline constexpr std::uint16_t kBootfileUrl = 59;
inline constexpr std::uint16_t kBootfileParam = 60;
inline constexpr std::uint16_t kSolMaxRt = 82;
inline constexpr std::uint16_t kInfMaxRt = 83;
}  // namespace dhcp6_option

// RFC 8415 section 21.13.
enum class Dhcp6Status : std::uint16_t {
    Success = 0,
    UnspecFail = 1,
    NoAddrsAvail = 2,
    NoBinding = 3,
    NotOnLink = 4,
    UseMulticast = 5,
    NoPrefixAvail = 6,
};

struct Dhcp6Option {
    std::uint16_t code = 0;
    std::vector<std::uint8_t> data;
    bool operator==(const Dhcp6Option&) const = default;
};

struct Dhcp6Message {
    Dhcp6MessageType type = Dhcp6MessageType::Solicit;
    std::uint32_t transaction_id = 0;  // 24 bits
    std::vector<Dhcp6Option> options;  // in wire order; a code may repeat (several IA_NA)
    bool operator==(const Dhcp6Message&) const = default;

    // The first option of this code, or nullptr.
    const Dhcp6Option* find(std::uint16_t code) const;
};

// A message as a client receives it (ADVERTISE, REPLY, RECONFIGURE; any
// client/server type parses): at least the 4-byte header, options whose
// lengths fit exactly. Relay messages (12, 13) and unknown types are refused.
Result<Dhcp6Message> parse_dhcp6_message(std::span<const std::uint8_t> bytes);
// Options in the order given, so a client controls what it sends.
std::vector<std::uint8_t> serialize_dhcp6_message(const Dhcp6Message& message);

struct Dhcp6StatusCode {
    std::uint16_t code = 0;  // Dhcp6Status, or another a server sends
    std::string message;     // UTF-8 for a person, not NUL-terminated
    bool operator==(const Dhcp6StatusCode&) const = default;
};
Result<Dhcp6StatusCode> decode_dhcp6_status_code(std::span<const std::uint8_t> bytes);
std::vector<std::uint8_t> encode_dhcp6_status_code(const Dhcp6StatusCode& status);

struct Dhcp6IaAddress {
    Ipv6Address address;
    std::uint32_t preferred_s = 0;  // 0xffffffff = infinity
    std::uint32_t valid_s = 0;
    std::optional<Dhcp6StatusCode> status;
    bool operator==(const Dhcp6IaAddress&) const = default;
};
struct Dhcp6IaNa {
    std::uint32_t iaid = 0;
    std::uint32_t t1_s = 0;
    std::uint32_t t2_s = 0;
    std::vector<Dhcp6IaAddress> addresses;
    std::optional<Dhcp6StatusCode> status;
    bool operator==(const Dhcp6IaNa&) const = default;
};
// IA_NA (21.4) with its IA Address options (21.6) and status codes; other
// sub-options are skipped. An address whose preferred lifetime exceeds its
// valid lifetime is dropped, as 21.6 says a client must.
Result<Dhcp6IaNa> decode_dhcp6_ia_na(std::span<const std::uint8_t> bytes);
std::vector<std::uint8_t> encode_dhcp6_ia_na(const Dhcp6IaNa& ia);

// ---- the option table ----

enum class Dhcp6OptionType {
    Duid,        // 2..130 bytes (RFC 8415 11.1: a DUID is at most 128 bytes after its type)
    Ipv6List,    // a non-empty multiple of 16 bytes
    DomainList,  // RFC 1035 names, uncompressed (RFC 8415 section 10)
    Text,        // bytes without NUL (a URL)
    U8,
    U16,
    U32,
    U16List,     // the option request option
    Empty,       // rapid commit: present or not
    Structured,  // IA_NA, status code: their own decoders above
    Bytes,       // opaque
};

struct Dhcp6OptionDefinition {
    std::uint16_t code;
    std::string_view name;  // RFC name, kebab-case: "dns-servers"
    Dhcp6OptionType type;
    std::string_view shell_name;    // dhclient -6's variable stem: new_<shell_name>; empty: not exported
    std::string_view nm_name = {};  // NetworkManager's dhcp6.<nm_name>; empty: not reported
};

// Every row, sorted by code.
std::span<const Dhcp6OptionDefinition> dhcp6_option_table();
const Dhcp6OptionDefinition* find_dhcp6_option(std::uint16_t code);

// Ipv6List -> vector<Ipv6Address>, DomainList -> vector<string>, Text ->
// string, U8/U16/U32 -> uint32_t, U16List -> vector<uint16_t>, Empty ->
// monostate, Duid/Bytes/Structured -> the bytes.
using Dhcp6OptionValue = std::variant<std::monostate, std::vector<Ipv6Address>, std::vector<std::string>, std::string,
                                      std::uint32_t, std::vector<std::uint16_t>, std::vector<std::uint8_t>>;
Result<Dhcp6OptionValue> decode_dhcp6_option(const Dhcp6OptionDefinition& def, std::span<const std::uint8_t> bytes);
// One line for a person or a shell variable: lists space-separated, bytes as
// lower-case colon hex, integers in decimal.
std::string dhcp6_option_value_to_text(const Dhcp6OptionValue& value);

}  // namespace earlynet::dhcp
