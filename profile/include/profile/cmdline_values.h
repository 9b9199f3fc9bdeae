// Parsers for the scalar values of kernel arguments, shared by the argument
// parsers. Each returns nullopt when the text is not acceptable; the caller
// reports the argument and field.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace earlynet::profile {

// NetworkManager's boolean words: 1/0, yes/no, true/false, on/off (any case).
// An empty value is `when_empty` (a bare "rd.neednet" means true).
std::optional<bool> parse_bool(std::string_view text, bool when_empty);

// Decimal integer within [min, max], nothing else around it.
std::optional<std::int64_t> parse_int(std::string_view text, std::int64_t min, std::int64_t max, int base = 10);

// The systemd/NetworkManager host name rule: labels of letters, digits and '-'
// (not at either end of a label), separated by single dots, at most 64
// characters, no trailing dot.
bool is_valid_hostname(std::string_view name);

// "<argument>: field '<field>': '<value>' <problem>"
Error argument_error(std::string_view argument, std::string_view field, std::string_view value,
                     std::string_view problem, ErrorCode code = ErrorCode::Malformed);

}  // namespace earlynet::profile
