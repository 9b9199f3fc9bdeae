// Reads a NetworkManager keyfile (.nmconnection) into a Profile: the subset of
// settings initrd profiles use, from earlynet's own generator or from
// nm-initrd-generator. Keys outside that subset are ignored; a malformed value
// of a key we use is an error naming the file, group, key and value.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "profile/profile.h"

namespace earlynet::profile {

// `source` names the file in errors; `basename` is the file name without
// ".nmconnection".
Result<Profile> read_keyfile(std::string_view text, const std::string& basename, const std::string& source);

}  // namespace earlynet::profile
