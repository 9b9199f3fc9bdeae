// The autoconf field of ip=: how one ip= asked to configure its interface.
#pragma once

#include <optional>
#include <string_view>

namespace earlynet::cmdline {

enum class IpKind { None, Dhcp, Dhcp6, Link6, Auto, Ibft, Dhcp4Auto6 };

// dracut's method words and the comma lists that mean something (anything with
// auto is auto, dhcp,dhcp6 is both); "" is auto. nullopt: not a method.
std::optional<IpKind> parse_ip_kind(std::string_view text);

const char* to_string(IpKind kind);

// The error's words for a value parse_ip_kind refused.
inline constexpr const char* kKnownIpKinds =
    "is not a known method (none, off, dhcp, on, any, single-dhcp, dhcp6, auto6, either6, link6, ibft, "
    "or dhcp,dhcp6)";

}  // namespace earlynet::cmdline
