// libFuzzer target: the DHCPv4 message codec and the lease built from it.
// Input = a UDP payload as a server would send it. Whatever it is, parsing
// must not crash; when it parses, serializing and parsing again gives the same
// Message (RFC 3396 splitting and overload included), every known option
// decodes and renders as one line, and a lease built from it survives
// lease -> message -> lease unchanged (systemd's lease fuzzer does the same).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>

#include "dhcp/lease.h"
#include "dhcp/message.h"
#include "dhcp/option_table.h"

namespace {

using namespace earlynet;
using namespace earlynet::dhcp;

void require(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "invariant violated: %s\n", what);
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 65536) return 0;
    auto parsed = parse_message(std::span(data, size));
    if (!parsed) {
        require(!parsed.error().message.empty(), "an error has a message");
        require(parsed.error().code == ErrorCode::Malformed, "a rejected message is Malformed");
        return 0;
    }
    const Message& m = *parsed;
    require(m.type().has_value(), "a parsed message has a known type");
    require(!m.options.contains(option::kPad) && !m.options.contains(option::kEnd) &&
                !m.options.contains(option::kOverload),
            "framing codes are not options");

    auto bytes = serialize_message(m);
    require(bytes.size() >= Message::kMinimumSize, "serialized messages are padded to the minimum size");
    auto again = parse_message(bytes);
    require(again.has_value(), "a serialized message parses");
    require(*again == m, "serialize -> parse gives the same message");
    require(serialize_message(*again) == bytes, "serialization is deterministic");

    for (const auto& [code, value] : m.options) {
        const OptionDefinition* def = find_option(code);
        if (!def) continue;
        auto decoded = decode_option(*def, value);
        require(decoded.has_value(), "a parsed message's known options decode");
        std::string text = option_value_to_text(*decoded);
        if (def->type != OptionType::Text)
            require(text.find('\n') == std::string::npos, "only text values can span lines");
        if (def->type == OptionType::DomainList) {
            // Our own uncompressed encoding reads back to the same names.
            auto reencoded = decode_option(*def, encode_option(*def, *decoded));
            require(reencoded.has_value() && *reencoded == *decoded, "a domain list re-encodes to the same names");
        }
        if (def->type == OptionType::ClasslessRoutes)
            require(encode_option(*def, *decoded) == value, "classless routes re-encode to the same bytes");
    }

    const BootTime acquired{Seconds{1000}};
    auto lease = lease_from_message(m, acquired);
    if (!lease) {
        require(!lease.error().message.empty(), "a lease error has a message");
        return 0;
    }
    require(lease->t1 <= lease->t2 && (lease->is_infinite() || lease->t2 <= lease->lease_time), "T1 <= T2 <= lease");
    require(lease->prefix_length >= 0 && lease->prefix_length <= 32, "prefix length within 0..32");
    auto back = lease_from_message(lease_to_message(*lease), acquired);
    require(back.has_value(), "a lease's message gives a lease");
    require(*back == *lease, "lease -> message -> lease gives the same lease");
    auto wire = parse_message(serialize_message(lease_to_message(*lease)));
    require(wire.has_value(), "a lease's message survives the wire");
    auto from_wire = lease_from_message(*wire, acquired);
    require(from_wire.has_value() && *from_wire == *lease, "lease -> wire -> lease gives the same lease");
    return 0;
}
