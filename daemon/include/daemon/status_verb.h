// `earlynet status [--json]`: what earlynet configured, from the state it left.
#pragma once

#include <string>
#include <vector>

namespace earlynet::daemon {

int status_main(const std::vector<std::string>& args);

}  // namespace earlynet::daemon
