// One word of the kernel command line, split at its first '=', as every
// argument parser receives it.
#pragma once

#include <string_view>

#include "base/result.h"
#include "profile/cmdline_values.h"

namespace earlynet::cmdline {

struct Argument {
    std::string_view text;   // the whole word, "ip=eth0:dhcp": what errors name
    std::string_view name;   // "ip"
    std::string_view value;  // "eth0:dhcp"; "" when there is no '=' or nothing after it

    // "<text>: field '<field>': '<value>' <problem>" (profile::argument_error).
    Error error(std::string_view field, std::string_view field_value, std::string_view problem,
                ErrorCode code = ErrorCode::Malformed) const {
        return profile::argument_error(text, field, field_value, problem, code);
    }
};

// Views into `word`, which must outlive the Argument.
Argument split_argument(std::string_view word);

}  // namespace earlynet::cmdline
