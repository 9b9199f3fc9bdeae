// Whether the root file system is on the network: dracut's root=/netroot=
// values that need it (dracut.cmdline(7)). generate reads it to make
// networking needed; run reads it to defend the root's address indefinitely
// (RFC 5227 2.4(c)) instead of giving it up after a second conflict.
#pragma once

#include <string>
#include <string_view>

namespace earlynet::cmdline {

// One root= or netroot= value: dhcp, dhcp6, nfs, nfs4, iscsi, nbd, /dev/nfs,
// or nfs:, nfs4:, iscsi:, nbd:, cifs: followed by the server's part.
bool is_network_root(std::string_view value);

// A whole kernel command line: does a root= or netroot= word name a network root?
bool cmdline_names_network_root(std::string_view cmdline);

// The interface named by dracut's bootdev= (the one the network root is
// reached through when there are several), or "" when there is none.
std::string cmdline_bootdev(std::string_view cmdline);

}  // namespace earlynet::cmdline
