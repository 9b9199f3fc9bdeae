// Writes a Profile as a NetworkManager keyfile (.nmconnection): the groups and
// keys NetworkManager itself would write for the same settings, defaults
// omitted, so the real root's NetworkManager reads our profiles as its own.
#pragma once

#include <string>

#include "profile/profile.h"

namespace earlynet::profile {

// The keyfile text, starting with the first group (no leading comment).
std::string write_keyfile(const Profile& profile);

// GKeyFile escaping of one value: backslash, leading and trailing space, control characters.
std::string escape_keyfile_value(const std::string& value);

}  // namespace earlynet::profile
