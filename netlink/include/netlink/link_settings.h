// Ethernet link settings (autonegotiation, speed, duplex), read and set with
// the ethtool ioctl (SIOCETHTOOL, ETHTOOL_GLINKSETTINGS/SLINKSETTINGS) as
// NetworkManager applies a profile's [ethernet] auto-negotiate, speed and
// duplex. The ioctl acts in the network namespace of the calling thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace earlynet::netlink {

enum class Duplex { Unknown, Half, Full };

struct LinkSettings {
    bool autoneg = false;
    std::uint32_t speed_mbps = 0;  // 0: unknown (no carrier, or the driver does not say)
    Duplex duplex = Duplex::Unknown;
};

// What a profile asks for. autoneg on: advertise the supported modes of that
// speed and duplex (every supported mode when neither is given), with the
// supported bits that are not speeds (pause, port, FEC); off: force the speed
// and the duplex (both needed). Nothing asked (off, no speed, no duplex):
// nothing to do.
struct WantedLinkSettings {
    bool autoneg = false;
    std::uint32_t speed_mbps = 0;
    Duplex duplex = Duplex::Unknown;

    bool asks_anything() const { return autoneg || speed_mbps != 0 || duplex != Duplex::Unknown; }
    bool matches(const LinkSettings& now) const;
    std::string to_string() const;  // "autonegotiation", "100 Mbit/s full duplex", ...
};

namespace link_settings {

// Invalid for a name that is not an interface name, System(EOPNOTSUPP) when
// the driver has no link settings (a bridge), System(ENODEV) for no device.
[[nodiscard]] Result<LinkSettings> get(std::string_view ifname);
// NotSupported when autonegotiation is asked for a speed and duplex the
// device does not support; Invalid for a forced link without both speed and
// duplex; System(EOPNOTSUPP) when the driver cannot set them (veth).
[[nodiscard]] Result<void> set(std::string_view ifname, const WantedLinkSettings& wanted);

}  // namespace link_settings

}  // namespace earlynet::netlink
