// The parsers of the second pass, one per argument, and the steps after it.
// Each takes the shared ReaderContext and one Argument; argument_table.cc maps
// names to them, cmdline_reader.cc runs the steps. An error names the
// argument, the field and the value (Argument::error).
#pragma once

#include <string_view>

#include "argument.h"
#include "base/result.h"
#include "profile/profile.h"
#include "reader_context.h"

namespace earlynet::cmdline {

// --- the pass, in the order of dracut.cmdline(7) ---------------------------
// ip= (ip_argument.cc; its forms in ip_forms.cc)
Result<void> parse_ip(ReaderContext& ctx, const Argument& arg);
// ifname=<interface>:<MAC> (ifname_argument.cc)
Result<void> parse_ifname(ReaderContext& ctx, const Argument& arg);
// bootdev=, BOOTIF=, rd.bootif= (boot_device_arguments.cc)
Result<void> parse_bootdev(ReaderContext& ctx, const Argument& arg);
Result<void> parse_bootif(ReaderContext& ctx, const Argument& arg);
Result<void> parse_rd_bootif(ReaderContext& ctx, const Argument& arg);
// bond=, bridge=, team= (controller_arguments.cc)
Result<void> parse_bond(ReaderContext& ctx, const Argument& arg);
Result<void> parse_bridge(ReaderContext& ctx, const Argument& arg);
Result<void> parse_team(ReaderContext& ctx, const Argument& arg);
// vlan=<name>:<parent> (vlan_argument.cc)
Result<void> parse_vlan(ReaderContext& ctx, const Argument& arg);
// ib.pkey=<parent>.<pkey> (ib_pkey_argument.cc)
Result<void> parse_ib_pkey(ReaderContext& ctx, const Argument& arg);
// rd.route= (route_argument.cc)
Result<void> parse_route(ReaderContext& ctx, const Argument& arg);
// nameserver= (nameserver_argument.cc)
Result<void> parse_nameserver(ReaderContext& ctx, const Argument& arg);
// rd.neednet=, root=, netroot= (neednet_arguments.cc)
Result<void> parse_neednet(ReaderContext& ctx, const Argument& arg);
Result<void> parse_root(ReaderContext& ctx, const Argument& arg);
// rd.ethtool=<interface>:[<autoneg>]:[<speed>] (ethtool_argument.cc)
Result<void> parse_ethtool(ReaderContext& ctx, const Argument& arg);
// rd.znet=, rd.znet_ifname= (znet_arguments.cc)
Result<void> parse_znet(ReaderContext& ctx, const Argument& arg);
Result<void> parse_znet_ifname(ReaderContext& ctx, const Argument& arg);
// rd.iscsi.ibft (firmware_arguments.cc)
Result<void> parse_iscsi_ibft(ReaderContext& ctx, const Argument& arg);

// --- after the pass (cmdline_reader.cc runs them in this order) ------------
Result<void> disable_ip_of_vlan_parents(ReaderContext& ctx);  // vlan_argument.cc
Result<void> apply_bootif(ReaderContext& ctx);                // boot_device_arguments.cc
Result<void> apply_bootdev(ReaderContext& ctx);               // boot_device_arguments.cc
Result<void> apply_neednet(ReaderContext& ctx);               // neednet_arguments.cc
Result<void> apply_routes(ReaderContext& ctx);                // route_argument.cc
Result<void> apply_nameservers(ReaderContext& ctx);           // nameserver_argument.cc
Result<void> apply_znets(ReaderContext& ctx);                 // znet_arguments.cc
Result<void> check_ports_have_no_ip(ReaderContext& ctx);      // ip_argument.cc

// --- firmware profiles, for ip=ibft, ip=IF:ibft and rd.iscsi.ibft ----------
// (firmware_arguments.cc) Every iBFT NIC and the Open Firmware chosen node as
// profiles of their own.
Result<void> import_firmware(ReaderContext& ctx, std::string_view argument);
// The iBFT NIC with the profile's MAC (or its interface's, from sysfs) applied to it.
Result<void> merge_ibft_into(ReaderContext& ctx, std::string_view argument, profile::Profile& p);

}  // namespace earlynet::cmdline
