// `earlynet generate`: the kernel command line -> profiles (nm-initrd-generator's options).
#pragma once

#include <string>
#include <vector>

namespace earlynet::daemon {

// argv after the verb. Returns the process exit code.
int generate_main(const std::vector<std::string>& args);

}  // namespace earlynet::daemon
