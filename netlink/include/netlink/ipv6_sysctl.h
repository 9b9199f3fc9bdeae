// Per-interface IPv6 knobs under /proc/sys/net/ipv6/conf/IF. The files belong
// to the network namespace of the thread that opens them, so call these from
// the thread (namespace) the Socket of the same link was opened in.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/result.h"

namespace earlynet::netlink {

enum class AcceptRa : int { Off = 0, On = 1, EvenWhenForwarding = 2 };
// The kernel's IN6_ADDR_GEN_MODE_*.
enum class AddrGenMode : int { Eui64 = 0, None = 1, StablePrivacy = 2, Random = 3 };

namespace ipv6_sysctl {

// Each setter writes one file; Invalid for a name that is not an interface
// name (so no path can be smuggled in), System(ENOENT) for an unknown link.
[[nodiscard]] Result<void> set_disable_ipv6(std::string_view ifname, bool disabled);
[[nodiscard]] Result<void> set_accept_ra(std::string_view ifname, AcceptRa value);
[[nodiscard]] Result<void> set_autoconf(std::string_view ifname, bool enabled);
[[nodiscard]] Result<void> set_addr_gen_mode(std::string_view ifname, AddrGenMode mode);
[[nodiscard]] Result<void> set_dad_transmits(std::string_view ifname, std::uint32_t count);

// The integer value of knob ("accept_ra", "dad_transmits", ...) for ifname.
[[nodiscard]] Result<int> get(std::string_view ifname, std::string_view knob);

}  // namespace ipv6_sysctl

}  // namespace earlynet::netlink
