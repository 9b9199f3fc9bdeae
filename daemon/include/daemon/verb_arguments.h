// The option parsing every verb shares: CLI11 over the arguments after the
// verb, --help printed, a usage error reported in one line naming the verb.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"

namespace earlynet::daemon {

// nullopt: parsed, go on. Otherwise the verb's exit status: 0 after --help,
// `usage_error_status` after a line on stderr saying what was wrong.
std::optional<int> parse_verb_arguments(CLI::App& app, const std::vector<std::string>& args, int usage_error_status);

}  // namespace earlynet::daemon
