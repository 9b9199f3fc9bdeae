// Ethernet link settings through the ethtool ioctl, against the real kernel:
// a tap device (the tun driver keeps what it is told, like a NIC whose speed
// is forced), a veth (whose driver cannot set them: the error a profile's
// speed on such a device gets) and names that are not interfaces.
#include "netlink/link_settings.h"

#include <gtest/gtest.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <set>

#include "test/netns/netns_fixture.h"

namespace earlynet::netlink {
namespace {

using test::NetnsTest;

// The ethtool request as raw words: a 48-byte header (ethtool_link_settings)
// then three masks (supported, advertising, the partner's), the test's own
// view of the device.
constexpr int kHeaderWords = sizeof(ethtool_link_settings) / 4;
using RawLinkSettings = std::array<std::uint32_t, kHeaderWords + 3 * 127>;

class LinkSettingsTest : public NetnsTest {
protected:
    RawLinkSettings raw_get(const char* ifname) {
        ethtool_link_settings h{};
        h.cmd = ETHTOOL_GLINKSETTINGS;
        RawLinkSettings request{};
        std::memcpy(request.data(), &h, sizeof h);
        raw_ioctl(ifname, request);
        std::memcpy(&h, request.data(), sizeof h);
        h.link_mode_masks_nwords = static_cast<std::int8_t>(-h.link_mode_masks_nwords);
        h.cmd = ETHTOOL_GLINKSETTINGS;
        request = RawLinkSettings{};
        std::memcpy(request.data(), &h, sizeof h);
        raw_ioctl(ifname, request);
        return request;
    }
    static int nwords(const RawLinkSettings& request) {
        ethtool_link_settings h;
        std::memcpy(&h, request.data(), sizeof h);
        return h.link_mode_masks_nwords;
    }
    // The tun driver keeps whatever it is told, its supported modes too: a
    // tap that claims `bits`, advertising them all.
    void claim_supported(const char* ifname, std::initializer_list<int> bits) {
        RawLinkSettings request = raw_get(ifname);
        int n = nwords(request);
        for (int bit : bits) {
            request[kHeaderWords + bit / 32] |= 1U << (bit % 32);
            request[kHeaderWords + n + bit / 32] |= 1U << (bit % 32);
        }
        ethtool_link_settings h;
        std::memcpy(&h, request.data(), sizeof h);
        h.cmd = ETHTOOL_SLINKSETTINGS;
        std::memcpy(request.data(), &h, sizeof h);
        raw_ioctl(ifname, request);
    }
    std::set<int> advertised(const char* ifname) {
        RawLinkSettings request = raw_get(ifname);
        int n = nwords(request);
        std::set<int> bits;
        for (int bit = 0; bit < n * 32; ++bit)
            if ((request[kHeaderWords + n + bit / 32] >> (bit % 32)) & 1U) bits.insert(bit);
        return bits;
    }

private:
    void raw_ioctl(const char* ifname, RawLinkSettings& request) {
        Fd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        ifreq ifr{};
        std::strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
        ifr.ifr_data = reinterpret_cast<char*>(request.data());
        ASSERT_EQ(::ioctl(fd.get(), SIOCETHTOOL, &ifr), 0) << std::strerror(errno);
    }
};

// Autonegotiation for one speed advertises the supported modes of that speed
// and keeps what is not a speed (pause frames); without a speed, everything
// supported.
TEST_F(LinkSettingsTest, AutonegotiationAdvertisesTheSupportedModesOfTheSpeedAsked) {
    ip("tuntap add dev tap0 mode tap");
    claim_supported("tap0", {ETHTOOL_LINK_MODE_100baseT_Full_BIT, ETHTOOL_LINK_MODE_1000baseT_Full_BIT,
                             ETHTOOL_LINK_MODE_Pause_BIT});
    auto narrowed = link_settings::set("tap0", {.autoneg = true, .speed_mbps = 100, .duplex = Duplex::Full});
    ASSERT_TRUE(narrowed) << narrowed.error().message;
    EXPECT_EQ(advertised("tap0"), (std::set<int>{ETHTOOL_LINK_MODE_100baseT_Full_BIT, ETHTOOL_LINK_MODE_Pause_BIT}));
    auto now = link_settings::get("tap0");
    ASSERT_TRUE(now);
    EXPECT_TRUE(now->autoneg);
    ASSERT_TRUE(link_settings::set("tap0", {.autoneg = true}));
    EXPECT_EQ(advertised("tap0"), (std::set<int>{ETHTOOL_LINK_MODE_100baseT_Full_BIT,
                                                 ETHTOOL_LINK_MODE_1000baseT_Full_BIT, ETHTOOL_LINK_MODE_Pause_BIT}));
}

// A forced link needs both halves (NetworkManager refuses such a profile).
TEST_F(LinkSettingsTest, AForcedLinkWithoutADuplexIsRefused) {
    ip("tuntap add dev tap0 mode tap");
    auto r = link_settings::set("tap0", {.autoneg = false, .speed_mbps = 100});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::Invalid) << r.error().message;
}

TEST_F(LinkSettingsTest, ForcedSpeedAndDuplexAreSetAndReadBack) {
    ip("tuntap add dev tap0 mode tap");
    ASSERT_TRUE(link_settings::set("tap0", {.autoneg = false, .speed_mbps = 100, .duplex = Duplex::Half}));
    auto now = link_settings::get("tap0");
    ASSERT_TRUE(now) << now.error().message;
    EXPECT_FALSE(now->autoneg);
    EXPECT_EQ(now->speed_mbps, 100U);
    EXPECT_EQ(now->duplex, Duplex::Half);
    WantedLinkSettings gigabit{.autoneg = false, .speed_mbps = 1000, .duplex = Duplex::Full};
    EXPECT_FALSE(gigabit.matches(*now));
    ASSERT_TRUE(link_settings::set("tap0", gigabit));
    now = link_settings::get("tap0");
    ASSERT_TRUE(now) << now.error().message;
    EXPECT_TRUE(gigabit.matches(*now)) << now->speed_mbps;
}

// Autonegotiation narrowed to a speed the device does not list as supported
// (a tap lists none of its own) is refused before anything is changed.
TEST_F(LinkSettingsTest, AutonegotiationOfAnUnsupportedModeIsRefused) {
    ip("tuntap add dev tap0 mode tap");
    ASSERT_TRUE(link_settings::set("tap0", {.autoneg = false, .speed_mbps = 10, .duplex = Duplex::Full}));
    auto r = link_settings::set("tap0", {.autoneg = true, .speed_mbps = 1000, .duplex = Duplex::Full});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::NotSupported) << r.error().message;
    EXPECT_NE(r.error().message.find("tap0"), std::string::npos) << r.error().message;
    auto now = link_settings::get("tap0");
    ASSERT_TRUE(now);
    EXPECT_FALSE(now->autoneg);
    EXPECT_EQ(now->speed_mbps, 10U);
}

TEST_F(LinkSettingsTest, ADriverWithoutLinkSettingsSaysSo) {
    add_veth("veth0", "veth1");
    auto r = link_settings::set("veth0", {.autoneg = false, .speed_mbps = 100, .duplex = Duplex::Full});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::System);
    EXPECT_EQ(r.error().sys_errno, EOPNOTSUPP) << r.error().message;
}

TEST_F(LinkSettingsTest, NamesThatAreNotInterfacesAreRefused) {
    auto bad = link_settings::get("../../etc");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, ErrorCode::Invalid);
    auto missing = link_settings::get("nosuch0");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().sys_errno, ENODEV) << missing.error().message;
}

}  // namespace
}  // namespace earlynet::netlink
