// `earlynet renew IFACE`: the running daemon renews the DHCPv4 lease now.
// `earlynet down IFACE [--force]`, `earlynet up IFACE`: it takes the device
// down, or activates it again (one taken down or failed).
// `earlynet wait-online [--interface IFACE]... [--timeout S]`: returns when
// the network is online (as systemd-networkd-wait-online does, event-driven
// through the daemon's Subscribe), for dracut hooks and systemd units.
#pragma once

#include <string>
#include <vector>

namespace earlynet::daemon {

int renew_main(const std::vector<std::string>& args);
int down_main(const std::vector<std::string>& args);
int up_main(const std::vector<std::string>& args);
int wait_online_main(const std::vector<std::string>& args);

}  // namespace earlynet::daemon
