// Ethernet link settings through the ethtool ioctl, against the real kernel:
// a tap device (the tun driver keeps what it is told, like a NIC whose speed
// is forced), a veth (whose driver cannot set them: the error a profile's
// speed on such a device gets) and names that are not interfaces.
#include "netlink/link_settings.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "test/netns/netns_fixture.h"

namespace earlynet::netlink {
namespace {

using test::NetnsTest;

class LinkSettingsTest : public NetnsTest {};

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
// (the tun driver lists none) is refused before anything is changed.
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
