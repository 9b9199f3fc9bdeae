#include "netlink/link_settings.h"

#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "base/fd.h"
#include "base/ip_address.h"

namespace earlynet::netlink {

namespace {

// struct ethtool_link_settings and the three bit masks that follow it
// (supported, advertising, the link partner's), link_mode_masks_nwords words
// each, in one block as the kernel reads and writes it (at most 127 words per
// mask). The header is copied in and out (a struct with a flexible array
// cannot be a member).
class LinkSettingsRequest {
public:
    ethtool_link_settings header() const {
        ethtool_link_settings h;
        std::memcpy(&h, words_, sizeof h);
        return h;
    }
    void set_header(const ethtool_link_settings& h) { std::memcpy(words_, &h, sizeof h); }
    int nwords() const { return header().link_mode_masks_nwords; }
    std::uint32_t* supported() { return words_ + kHeaderWords; }
    std::uint32_t* advertising() { return words_ + kHeaderWords + nwords(); }
    void* data() { return words_; }

private:
    static constexpr std::size_t kHeaderWords = sizeof(ethtool_link_settings) / sizeof(std::uint32_t);
    static_assert(sizeof(ethtool_link_settings) % sizeof(std::uint32_t) == 0);
    alignas(ethtool_link_settings) std::uint32_t words_[kHeaderWords + 3 * 127] = {};
};

// The fixed-speed modes an advertisement can be narrowed to, by speed and
// duplex (twisted pair and the common fibre and backplane modes).
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

// The bits of a mask that are not a speed: kept in a narrowed advertisement
// (flow control, the port, FEC), as NetworkManager keeps them.
constexpr std::array kNotSpeedBits{
    ETHTOOL_LINK_MODE_Autoneg_BIT,  ETHTOOL_LINK_MODE_TP_BIT,         ETHTOOL_LINK_MODE_AUI_BIT,
    ETHTOOL_LINK_MODE_MII_BIT,      ETHTOOL_LINK_MODE_FIBRE_BIT,      ETHTOOL_LINK_MODE_BNC_BIT,
    ETHTOOL_LINK_MODE_Pause_BIT,    ETHTOOL_LINK_MODE_Asym_Pause_BIT, ETHTOOL_LINK_MODE_Backplane_BIT,
    ETHTOOL_LINK_MODE_FEC_NONE_BIT, ETHTOOL_LINK_MODE_FEC_RS_BIT,     ETHTOOL_LINK_MODE_FEC_BASER_BIT,
    ETHTOOL_LINK_MODE_FEC_LLRS_BIT,
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
Result<LinkSettingsRequest> read_settings(int fd, std::string_view ifname, const std::string& what) {
    LinkSettingsRequest request;
    ethtool_link_settings h{};
    h.cmd = ETHTOOL_GLINKSETTINGS;
    request.set_header(h);
    if (auto r = ethtool_ioctl(fd, ifname, request.data(), what); !r) return unexpected(std::move(r.error()));
    int nwords = -request.nwords();
    if (nwords <= 0 || nwords > 127) return unexpected(ErrorCode::NotSupported, what + ": no link mode masks");
    request = LinkSettingsRequest{};
    h.link_mode_masks_nwords = static_cast<std::int8_t>(nwords);
    request.set_header(h);
    if (auto r = ethtool_ioctl(fd, ifname, request.data(), what); !r) return unexpected(std::move(r.error()));
    return request;
}

LinkSettings settings_of(const ethtool_link_settings& s) {
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
    auto request = read_settings(fd->get(), ifname, what);
    if (!request) return unexpected(std::move(request.error()));
    return settings_of(request->header());
}

Result<void> set(std::string_view ifname, const WantedLinkSettings& wanted) {
    std::string what = "set link settings of " + std::string(ifname) + " (" + wanted.to_string() + ")";
    auto fd = control_socket(ifname, what);
    if (!fd) return unexpected(std::move(fd.error()));
    auto request = read_settings(fd->get(), ifname, what);
    if (!request) return unexpected(std::move(request.error()));
    ethtool_link_settings s = request->header();
    if (wanted.autoneg) {
        s.autoneg = AUTONEG_ENABLE;
        // Every supported mode, or, for a speed or duplex, the supported
        // modes of it and every bit that is not a speed.
        std::uint32_t* advertising = request->advertising();
        const std::uint32_t* supported = request->supported();
        int words = request->nwords();
        std::memcpy(advertising, supported, static_cast<std::size_t>(words) * sizeof(std::uint32_t));
        if (wanted.speed_mbps != 0 || wanted.duplex != Duplex::Unknown) {
            std::memset(advertising, 0, static_cast<std::size_t>(words) * sizeof(std::uint32_t));
            for (int bit : kNotSpeedBits)
                if (bit / 32 < words && test_bit(supported, bit)) set_bit(advertising, bit);
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
        if (wanted.speed_mbps == 0 || wanted.duplex == Duplex::Unknown)
            return unexpected(ErrorCode::Invalid, what + ": forcing a link needs both a speed and a duplex");
        s.autoneg = AUTONEG_DISABLE;
        s.speed = wanted.speed_mbps;
        s.duplex = wanted.duplex == Duplex::Full ? DUPLEX_FULL : DUPLEX_HALF;
    }
    s.cmd = ETHTOOL_SLINKSETTINGS;
    request->set_header(s);
    return ethtool_ioctl(fd->get(), ifname, request->data(), what);
}

}  // namespace link_settings

}  // namespace earlynet::netlink
