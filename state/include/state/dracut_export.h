// What dracut's netroot handlers and online hooks read, per interface that
// came up (nm-dracut-contract.md 4.6): /tmp/dhclient.$netif.dhcpopts,
// /tmp/net.$netif.override for static ip=, and the legacy markers. Values
// from the network are data: every value is single-quoted, embedded quotes
// escaped (CVE-2018-1111 was a dhclient-script injection).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "state/device_record.h"

namespace earlynet::state {

// 'it'\''s' — safe to paste into sh as one word whatever the bytes (NUL
// excepted, which a DHCP option decoded to text cannot hold).
std::string shell_quote(std::string_view value);

// name='value' lines, sourceable by /bin/sh, as dhclient gives them to
// dracut's dhclient-script: new_ip_address, then new_<shell_name> for every
// option of the table the lease has (new_subnet_mask, new_routers,
// new_root_path, new_classless_static_routes ... in code order; the mask,
// lease time and T1/T2 as the client used them), new_next_server,
// new_filename and filename. A DHCPv6 lease adds what dhclient -6 gives
// (new_ip6_address, new_ip6_prefixlen, new_max_life, new_iaid, new_renew,
// new_dhcp6_name_servers ...) and, when DHCPv4 gave no root path, the root
// path from its boot-file URL (lease6_root_path): dracut's netroot reads
// new_root_path for root=dhcp and root=dhcp6 alike. Empty text when there is
// no lease (the file must exist anyway).
std::string dhcpopts_text(const DeviceRecord& device);

// dracut's net.$netif.override: ip= srv= gw= mask= hostname= macaddr= mtu=
// dns1= dns2=, single-quoted.
std::string override_text(const DeviceRecord& device);

struct DracutPaths {
    std::string tmp_dir = "/tmp";
};

// Writes, atomically and in the contract's order, the dhcpopts file (always),
// the override (static ip= only), net.$netif.resolv.conf, net.$netif.gw,
// net.$netif.hostname when there is something to put in them, then the
// markers net.$netif.up, net.$netif.did-setup and net.$MAC.up/did-setup.
// Never creates net.ifaces (its existence changes what dracut waits for).
// net.$netif.gw: with option 121 the gateway of its default route or none
// (RFC 3442), else the device's gateway. net.$netif.resolv.conf's search line
// holds only the words of dns_search that are DNS names.
[[nodiscard]] Result<void> export_for_dracut(const DracutPaths& paths, const DeviceRecord& device);

}  // namespace earlynet::state
