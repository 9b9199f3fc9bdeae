// libFuzzer target: the DHCPv6 message codec. Input = a UDP payload as a
// server would send it. Whatever it is, parsing must not crash; a message
// that parses serializes to the same bytes; every option of the table
// decodes or is refused with an error naming it, and renders as text; an
// IA_NA that decodes survives encode -> decode unchanged, a status code
// byte for byte.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>

#include "dhcp/dhcp6_message.h"

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
    std::span<const std::uint8_t> input(data, size);
    auto parsed = parse_dhcp6_message(input);
    if (!parsed) {
        require(!parsed.error().message.empty(), "an error has a message");
        require(parsed.error().code == ErrorCode::Malformed, "a rejected message is Malformed");
        return 0;
    }
    auto again = serialize_dhcp6_message(*parsed);
    require(std::equal(again.begin(), again.end(), input.begin(), input.end()), "serialize(parse(b)) == b");
    for (const auto& option : parsed->options) {
        if (const Dhcp6OptionDefinition* def = find_dhcp6_option(option.code)) {
            auto value = decode_dhcp6_option(*def, option.data);
            if (value)
                (void)dhcp6_option_value_to_text(*value);
            else
                require(value.error().message.find(std::string(def->name)) != std::string::npos,
                        "the error names the option");
        }
        if (option.code == dhcp6_option::kIaNa) {
            auto ia = decode_dhcp6_ia_na(option.data);
            if (ia) {
                auto round = decode_dhcp6_ia_na(encode_dhcp6_ia_na(*ia));
                require(round && *round == *ia, "decode(encode(ia)) == ia");
                for (const auto& a : ia->addresses)
                    require(a.preferred_s <= a.valid_s, "no address with preferred > valid");
            }
        }
        if (option.code == dhcp6_option::kStatusCode) {
            auto status = decode_dhcp6_status_code(option.data);
            if (status) require(encode_dhcp6_status_code(*status) == option.data, "a status code round-trips");
        }
    }
    return 0;
}
