// `earlynet renew IFACE`: the running daemon renews the DHCPv4 lease now.
// `earlynet wait-online [--interface IFACE]... [--timeout S]`: returns when
// the network is online (as systemd-networkd-wait-online does, event-driven
// through the daemon's Subscribe), for dracut hooks and systemd units.
#pragma once

#include <string>
#include <vector>

namespace earlynet::daemon {

int renew_main(const std::vector<std::string>& args);
int wait_online_main(const std::vector<std::string>& args);

}  // namespace earlynet::daemon
