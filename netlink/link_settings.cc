#include "netlink/link_settings.h"

#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <vector>

#include "base/fd.h"
#include "base/ip_address.h"

namespace earlynet::netlink {

namespace {

// struct ethtool_link_settings is followed by three bit masks (supported,
// advertising, the link partner's) of link_mode_masks_nwords words each.
class LinkSettingsBuffer {
public:
    ethtool_link_settings* get() { return reinterpret_cast<ethtool_link_settings*>(words_.data()); }
    void resize_masks(int nwords) { words_.assign(kHeaderWords + 3 * static_cast<std::size_t>(nwords), 0); }
    std::uint32_t* supported() { return get()->link_mode_masks; }
    std::uint32_t* advertising() { return get()->link_mode_masks + get()->link_mode_masks_nwords; }
    int nwords() { return get()->link_mode_masks_nwords; }

private:
    static constexpr std::size_t kHeaderWords = sizeof(ethtool_link_settings) / sizeof(std::uint32_t);
    std::vector<std::uint32_t> words_ = std::vector<std::uint32_t>(kHeaderWords, 0);
};

// The twisted-pair and common fixed-speed modes an advertisement can be
// narrowed to (NetworkManager narrows to the same kind of list).
struct LinkMode {
    int bit;
    std::uint32_t speed_mbps;
    Duplex duplex;
};
constexpr std::array kLinkModes{
    LinkMode{ETHTOOL_LINK_MODE_10baseT_Half_BIT, 10, Duplex::Half},
    LinkMode{ETHTOOL_LINK_MODE_10baseT_Full_BIT, 10, Duplex::Full},
    LinkMode{ETHTOOL_LINK_MODE_100baseT_Half_BIT, 100, Duplex::Half},
    LinkMode{ETHTOOL_LINK_MODE_100baseT_Full_BIT, 100, Duplex::Full},
    LinkMode{ETHTOOL_LINK_MODE_1000baseT_Half_BIT, 1000, Duplex::Half},
    LinkMode{ETHTOOL_LINK_MODE_1000baseT_Full_BIT, 1000, Duplex::Full},
    LinkMode{ETHTOOL_LINK_MODE_1000baseKX_Full_BIT, 1000, Duplex::Full},
    LinkMode{ETHTOOL_LINK_MODE_1000baseX_Full_BIT, 1000, Duplex::Full},
    LinkMode{ETHTOOL_LINK_MODE_2500baseT_Full_BIT, 2500, Duplex::Full},
    LinkMode{ETHTOOL_LINK_MODE_2500baseX_Full_BIT, 2500, Duplex::Full},
    LinkMode{ETHTOOL_LINK_MODE_5000baseT_Full_BIT, 5000, Duplex::Full},
    LinkMode{ETHTOOL_LINK_MODE_10000baseT_Full_BIT, 10000, Duplex::Full},
    LinkMode{ETHTOOL_LINK_MODE_10000baseKR_Full_BIT, 10000, Duplex::Full},
    LinkMode{ETHTOOL_LINK_MODE_10000baseSR_Full_BIT, 10000, Duplex::Full},
};

bool test_bit(const std::uint32_t* mask, int bit) {
    return (mask[bit / 32] >> (bit % 32)) & 1U;
}
void set_bit(std::uint32_t* mask, int bit) {
    mask[bit / 32] |= 1U << (bit % 32);
}

Result<Fd> control_socket(std::string_view ifname, const std::string& what) {
    if (!is_valid_interface_name(ifname))
        return unexpected(ErrorCode::Invalid, what + ": '" + std::string(ifname) + "' is not an interface name");
    Fd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!fd) return unexpected(Error::system(errno, what + ": socket: " + std::strerror(errno)));
    return fd;
}

Result<void> ethtool_ioctl(int fd, std::string_view ifname, void* data, const std::string& what) {
    ifreq ifr{};
    std::memcpy(ifr.ifr_name, ifname.data(), ifname.size());
    ifr.ifr_data = static_cast<char*>(data);
    if (::ioctl(fd, SIOCETHTOOL, &ifr) < 0) return unexpected(Error::system(errno, what + ": " + std::strerror(errno)));
    return {};
}

// ETHTOOL_GLINKSETTINGS in its two steps: the kernel first answers how many
// mask words it has (as a negative count), then fills them.
Result<void> read_settings(int fd, std::string_view ifname, LinkSettingsBuffer& buffer, const std::string& what) {
    buffer.get()->cmd = ETHTOOL_GLINKSETTINGS;
    if (auto r = ethtool_ioctl(fd, ifname, buffer.get(), what); !r) return r;
    int nwords = -buffer.nwords();
    if (nwords <= 0 || nwords > 127) return unexpected(ErrorCode::NotSupported, what + ": no link mode masks");
    buffer.resize_masks(nwords);
    buffer.get()->cmd = ETHTOOL_GLINKSETTINGS;
    buffer.get()->link_mode_masks_nwords = static_cast<std::int8_t>(nwords);
    return ethtool_ioctl(fd, ifname, buffer.get(), what);
}

LinkSettings settings_of(ethtool_link_settings& s) {
    LinkSettings out;
    out.autoneg = s.autoneg == AUTONEG_ENABLE;
    out.speed_mbps = s.speed == static_cast<std::uint32_t>(SPEED_UNKNOWN) ? 0 : s.speed;
    out.duplex = s.duplex == DUPLEX_FULL ? Duplex::Full : s.duplex == DUPLEX_HALF ? Duplex::Half : Duplex::Unknown;
    return out;
}

}  // namespace

bool WantedLinkSettings::matches(const LinkSettings& now) const {
    if (autoneg != now.autoneg) return false;
    return (speed_mbps == 0 || speed_mbps == now.speed_mbps) && (duplex == Duplex::Unknown || duplex == now.duplex);
}

std::string WantedLinkSettings::to_string() const {
    std::string out = autoneg ? "autonegotiation" : "no autonegotiation";
    if (speed_mbps) out += ", " + std::to_string(speed_mbps) + " Mbit/s";
    if (duplex != Duplex::Unknown) out += duplex == Duplex::Full ? ", full duplex" : ", half duplex";
    return out;
}

namespace link_settings {

Result<LinkSettings> get(std::string_view ifname) {
    std::string what = "link settings of " + std::string(ifname);
    auto fd = control_socket(ifname, what);
    if (!fd) return unexpected(std::move(fd.error()));
    LinkSettingsBuffer buffer;
    if (auto r = read_settings(fd->get(), ifname, buffer, what); !r) return unexpected(std::move(r.error()));
    return settings_of(*buffer.get());
}

Result<void> set(std::string_view ifname, const WantedLinkSettings& wanted) {
    std::string what = "set link settings of " + std::string(ifname) + " (" + wanted.to_string() + ")";
    auto fd = control_socket(ifname, what);
    if (!fd) return unexpected(std::move(fd.error()));
    LinkSettingsBuffer buffer;
    if (auto r = read_settings(fd->get(), ifname, buffer, what); !r) return r;
    ethtool_link_settings& s = *buffer.get();
    if (wanted.autoneg) {
        s.autoneg = AUTONEG_ENABLE;
        std::uint32_t* advertising = buffer.advertising();
        const std::uint32_t* supported = buffer.supported();
        int words = buffer.nwords();
        if (wanted.speed_mbps == 0 && wanted.duplex == Duplex::Unknown) {
            std::memcpy(advertising, supported, static_cast<std::size_t>(words) * sizeof(std::uint32_t));
        } else {
            std::memset(advertising, 0, static_cast<std::size_t>(words) * sizeof(std::uint32_t));
            bool any = false;
            for (const LinkMode& m : kLinkModes) {
                if (m.bit / 32 >= words || !test_bit(supported, m.bit)) continue;
                if (wanted.speed_mbps != 0 && m.speed_mbps != wanted.speed_mbps) continue;
                if (wanted.duplex != Duplex::Unknown && m.duplex != wanted.duplex) continue;
                set_bit(advertising, m.bit);
                any = true;
            }
            if (!any) return unexpected(ErrorCode::NotSupported, what + ": the device supports no such mode");
        }
    } else {
        s.autoneg = AUTONEG_DISABLE;
        if (wanted.speed_mbps != 0) s.speed = wanted.speed_mbps;
        if (wanted.duplex != Duplex::Unknown) s.duplex = wanted.duplex == Duplex::Full ? DUPLEX_FULL : DUPLEX_HALF;
    }
    s.cmd = ETHTOOL_SLINKSETTINGS;
    return ethtool_ioctl(fd->get(), ifname, &s, what);
}

}  // namespace link_settings

}  // namespace earlynet::netlink
