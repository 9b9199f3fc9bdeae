// The DHCPv4 option table (RFC 2132 and friends): one row per option we know,
// {code, name, wire type, dhclient/dracut variable, NetworkManager key}. It is
// the one description of an option: the codec, the lease, the state file's
// renderers (dracut's dhcpopts, NetworkManager's device state, `status`) and
// debug dumps all read these rows, so option 17 is `root_path` everywhere and
// exporting one more option is one more row. Decoding is strict: a value that does not fit its
// wire type is an error. That costs the option, not the message: parse_message
// sets it aside and lease_from_message refuses the lease only when it is one
// the lease depends on.
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

enum class OptionType {
    Ipv4,             // exactly 4 bytes
    Ipv4List,         // a non-empty multiple of 4 bytes
    U8,               // 1 byte
    U16,              // 2 bytes, network order
    U32,              // 4 bytes, network order
    Text,             // printable-or-not bytes without an interior NUL; trailing NULs dropped
    DomainList,       // RFC 1035 names, with compression pointers (option 119, RFC 3397)
    ClasslessRoutes,  // RFC 3442 (option 121)
    U8List,           // one or more bytes, each a code (option 55)
    Bytes,            // opaque (43, 61)
};

// RFC 3442: destination/prefix via gateway; gateway 0.0.0.0 means on-link.
struct ClasslessRoute {
    Ipv4Address destination;
    int prefix_length = 0;
    Ipv4Address gateway;
    bool operator==(const ClasslessRoute&) const = default;
};

// The decoded value of an option, by wire type: Ipv4 -> Ipv4Address,
// Ipv4List -> vector<Ipv4Address>, U8/U16/U32 -> the integer (as uint32_t),
// Text -> string, DomainList -> vector<string>, ClasslessRoutes ->
// vector<ClasslessRoute>, U8List/Bytes -> vector<uint8_t>.
using OptionValue = std::variant<Ipv4Address, std::vector<Ipv4Address>, std::uint32_t, std::string,
                                 std::vector<std::string>, std::vector<ClasslessRoute>, std::vector<std::uint8_t>>;

// Whether a domain list may use RFC 1035 4.1.4 compression pointers (DHCPv4
// option 119 may; DHCPv6 names are uncompressed).
enum class NameCompression { Allowed, Refused };

struct OptionDefinition {
    std::uint8_t code;
    std::string_view name;  // RFC name, kebab-case: "root-path"
    OptionType type;
    // dhclient's variable stem as dracut's dhclient-script reads it:
    // new_<shell_name> in dhcpopts, "root_path".
    std::string_view shell_name;
    // NetworkManager's option name (nm-dhcp-options.c): dhcp4.<nm_name> in
    // its device state; empty for an option NetworkManager does not report.
    std::string_view nm_name = {};
};

// Option codes the client logic refers to by name.
namespace option {
inline constexpr std::uint8_t kPad = 0;
inline constexpr std::uint8_t kSubnetMask = 1;
inline constexpr std::uint8_t kRouter = 3;
inline constexpr std::uint8_t kDomainNameServer = 6;
inline constexpr std::uint8_t kHostName = 12;
inline constexpr std::uint8_t kDomainName = 15;
inline constexpr std::uint8_t kRootPath = 17;
inline constexpr std::uint8_t kInterfaceMtu = 26;
inline constexpr std::uint8_t kBroadcastAddress = 28;
inline constexpr std::uint8_t kNtpServers = 42;
inline constexpr std::uint8_t kVendorSpecific = 43;
inline constexpr std::uint8_t kRequestedAddress = 50;
inline constexpr std::uint8_t kLeaseTime = 51;
inline constexpr std::uint8_t kOverload = 52;
inline constexpr std::uint8_t kMessageType = 53;
inline constexpr std::uint8_t kServerIdentifier = 54;
inline constexpr std::uint8_t kParameterRequestList = 55;
inline constexpr std::uint8_t kMessage = 56;
inline constexpr std::uint8_t kMaxMessageSize = 57;
inline constexpr std::uint8_t kRenewalTime = 58;
inline constexpr std::uint8_t kRebindingTime = 59;
inline constexpr std::uint8_t kVendorClass = 60;
inline constexpr std::uint8_t kClientIdentifier = 61;
inline constexpr std::uint8_t kTftpServerName = 66;
inline constexpr std::uint8_t kBootfileName = 67;
inline constexpr std::uint8_t kDomainSearch = 119;
inline constexpr std::uint8_t kClasslessStaticRoute = 121;
inline constexpr std::uint8_t kEnd = 255;
}  // namespace option

// Every row, sorted by code.
std::span<const OptionDefinition> option_table();
// The row for code, or nullptr for an option we do not interpret.
const OptionDefinition* find_option(std::uint8_t code);

// Strict decoding of an option's bytes (after RFC 3396 concatenation) by its
// row's wire type; the error (Malformed) names the option and what is wrong.
Result<OptionValue> decode_option(const OptionDefinition& def, std::span<const std::uint8_t> bytes);
// The wire bytes of a value; the value's alternative must match def.type.
// DomainList is written without compression.
std::vector<std::uint8_t> encode_option(const OptionDefinition& def, const OptionValue& value);

// One line of text for a person or a shell variable (before quoting):
// addresses space-separated, integers in decimal, text as is, domain lists
// space-separated, classless routes as "10.0.0.0/8 10.77.0.1 0.0.0.0/0 10.77.0.1",
// bytes as lower-case colon hex.
std::string option_value_to_text(const OptionValue& value);

// RFC 1035 section 4.1.4 names as in option 119: labels, compression pointers
// that point strictly backwards (so no loop), names of at most 255 bytes.
std::optional<std::vector<std::string>> decode_domain_list(std::span<const std::uint8_t> bytes);
// The same names without compression, as DHCPv6 carries them (RFC 8415
// section 10): a pointer is an error, the labels follow the same rules.
Result<std::vector<std::string>> decode_uncompressed_domain_list(std::span<const std::uint8_t> bytes);
// Names as labels, each ended by a zero byte, without compression (both families).
std::vector<std::uint8_t> encode_domain_list(const std::vector<std::string>& names);
// RFC 3442: width byte, significant destination octets, 4 gateway octets;
// bits beyond the prefix length must be zero.
std::optional<std::vector<ClasslessRoute>> decode_classless_routes(std::span<const std::uint8_t> bytes);

}  // namespace earlynet::dhcp
