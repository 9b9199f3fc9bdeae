// `earlynet run`: bring every device that has a profile up, leave state and
// dracut/NetworkManager files, fire online hooks; with --configure-and-quit
// exit at startup-complete (0 when every profile came up on some device).
#pragma once

#include <string>
#include <vector>

namespace earlynet::daemon {

int run_main(const std::vector<std::string>& args);

}  // namespace earlynet::daemon
