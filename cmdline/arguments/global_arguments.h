// The first pass: the arguments that set something for every profile,
// whatever their position on the command line (rd.peerdns=,
// rd.net.timeout.dhcp=, rd.net.dhcp.retry=, rd.net.dhcp.vendor-class=,
// rd.net.timeout.carrier=, net.ifnames=).
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "profile_table.h"

namespace earlynet::cmdline {

struct GlobalSettings {
    ProfileDefaults profile_defaults;
    bool net_ifnames = true;     // net.ifnames=0: rd.znet= devices are named ethN/ctcN
    long carrier_timeout_s = 0;  // 0 = not given (the default, 10 s)
};

// The last value of each wins; a malformed one is an error naming it.
Result<GlobalSettings> read_global_arguments(const std::vector<std::string>& args);

}  // namespace earlynet::cmdline
