#include "profile/cmdline_values.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace earlynet::profile {

namespace {
bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}
}  // namespace

std::optional<bool> parse_bool(std::string_view text, bool when_empty) {
    if (text.empty()) return when_empty;
    for (auto word : {"1", "yes", "true", "on"})
        if (iequals(text, word)) return true;
    for (auto word : {"0", "no", "false", "off"})
        if (iequals(text, word)) return false;
    return std::nullopt;
}

std::optional<std::int64_t> parse_int(std::string_view text, std::int64_t min, std::int64_t max, int base) {
    if (text.empty()) return std::nullopt;
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v, base);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    if (v < min || v > max) return std::nullopt;
    return v;
}

bool is_valid_hostname(std::string_view name) {
    // RFC 5890 LDH labels: letters, digits and '-', a label neither starting nor
    // ending with '-', no empty label, at most HOST_NAME_MAX (64) characters.
    if (name.empty() || name.size() > 64) return false;
    char previous = '.';
    for (char c : name) {
        if (c == '.') {
            if (previous == '.' || previous == '-') return false;
        } else if (c == '-') {
            if (previous == '.') return false;
        } else if (!std::isalnum(static_cast<unsigned char>(c))) {
            return false;
        }
        previous = c;
    }
    return previous != '.' && previous != '-';
}

Error argument_error(std::string_view argument, std::string_view field, std::string_view value,
                     std::string_view problem, ErrorCode code) {
    std::string m(argument);
    m += ": field '";
    m += field;
    m += "': '";
    m += value;
    m += "' ";
    m += problem;
    return Error{code, std::move(m), 0};
}

}  // namespace earlynet::profile
