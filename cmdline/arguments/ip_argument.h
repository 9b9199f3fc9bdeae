// ip= in its forms (dracut.cmdline(7), read as nm-initrd-generator 1.42 does):
//   ip=<autoconf>                                                  autoconf only
//   ip=<interface|MAC>:<autoconf>[:<mtu>[:<mac>]]                  interface
//   ip=<interface|MAC>:<autoconf>[:<dns1>[:<dns2>]]
//   ip=<client>[/<prefix>]:[<peer>]:<gw>:<netmask>:<hostname>:<interface>:<autoconf>[:<mtu>[:<mac>]]   static
//   ip=<client>...:<autoconf>[:<dns1>[:<dns2>]]
// An IPv6 address is in brackets ([2001:db8::5]/64); ip=ibft (and
// ip=<interface>:ibft) take the configuration from the firmware.
// Reading one is three steps: split it into fields by its form (ip_forms.cc),
// check the values (ip_values.cc), apply them to a profile (ip_apply.cc);
// ip_argument.cc runs them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "argument.h"
#include "base/ip_address.h"
#include "base/result.h"
#include "ip_kind.h"
#include "profile/profile.h"
#include "reader_context.h"

namespace earlynet::cmdline {

// The fields of one ip=, as written; empty when absent.
struct IpFields {
    IpKind kind = IpKind::Auto;
    std::string_view client, peer, gateway, netmask, hostname, interface, mtu, mac;
    std::vector<std::string_view> dns;  // each an IP address
    // client as an address and prefix (-1: no /prefix)
    std::optional<std::pair<IpAddress, int>> client_address;
};

// Splits ip=VALUE by its form; errors for an unknown method, a client that is
// not an address, DNS servers that are not addresses or followed by more.
Result<IpFields> split_ip_fields(const Argument& arg);

// "address[/prefix]"; the prefix is -1 when absent.
std::optional<std::pair<IpAddress, int>> parse_address_with_prefix(std::string_view text);

// The checked values of the fields that are not used as written.
struct IpValues {
    std::optional<IpPrefix> address;  // client with its prefix (from /prefix, netmask or class)
    std::optional<IpAddress> gateway;
    std::optional<long> mtu;  // 0: leave as it is
    std::string cloned_mac;   // a MAC, random, stable, preserve or permanent; "" = none
};

// Netmask, peer (warned about and dropped), gateway, MTU and MAC.
Result<IpValues> check_ip_values(const Argument& arg, const IpFields& fields);

// Applies a checked ip= to its profile: address, method, gateway, host name,
// DNS, MTU and MAC, refusing what contradicts earlier arguments.
Result<void> apply_ip(ReaderContext& ctx, const Argument& arg, const IpFields& fields, const IpValues& values,
                      profile::Profile& p);

}  // namespace earlynet::cmdline
