// Validation of bonding options as bond= carries them (kernel bonding driver
// option names, NetworkManager's accepted values), and their normal form.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace earlynet::cmdline {

// The option's normal value (e.g. mode "1" -> "active-backup", IPv6 targets
// unbracketed), or nullopt with `why` filled in.
std::optional<std::string> normalize_bond_option(std::string_view name, std::string_view value, std::string& why);

// Cross-option checks NetworkManager makes when it verifies the profile; empty
// when the set is consistent, else what is wrong.
std::string check_bond_options(const std::map<std::string, std::string>& options);

}  // namespace earlynet::cmdline
