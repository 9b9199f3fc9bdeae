// Which profile a link gets: by name, by MAC, or the catch-all for Ethernet.
#include "device/profile_match.h"

#include <gtest/gtest.h>

namespace earlynet::device {

using namespace profile;
namespace {

netlink::Link link(const char* name, const char* mac, std::string kind = "") {
    netlink::Link l;
    l.name = name;
    l.index = IfIndex{3};
    l.kind = std::move(kind);
    l.mac = HardwareAddress::parse(mac);
    return l;
}

LoadedProfile profile(const char* id, const char* ifname = "", const char* mac = "") {
    LoadedProfile lp;
    lp.profile.id = id;
    lp.profile.uuid = std::string("uuid-") + id;
    lp.profile.interface_name = ifname;
    lp.profile.autoconnect_priority = kPriorityCmdline;
    if (*mac) lp.profile.ethernet_settings().mac_address = HardwareAddress::parse(mac);
    return lp;
}

auto any = [](const LoadedProfile&) { return true; };

TEST(ProfileMatchTest, ByNameByMacAndCatchAll) {
    auto eth0 = link("eth0", "52:54:00:00:00:01");
    EXPECT_TRUE(profile_matches(profile("a", "eth0").profile, eth0));
    EXPECT_FALSE(profile_matches(profile("a", "eth1").profile, eth0));
    EXPECT_TRUE(profile_matches(profile("m", "", "52:54:00:00:00:01").profile, eth0));
    EXPECT_FALSE(profile_matches(profile("m", "", "52:54:00:00:00:02").profile, eth0));
    EXPECT_TRUE(profile_matches(profile("default").profile, eth0));
}

TEST(ProfileMatchTest, CatchAllTakesOnlyEthernetLikeLinks) {
    auto p = profile("default").profile;
    EXPECT_TRUE(profile_matches(p, link("veth0", "52:54:00:00:00:01", "veth")));
    EXPECT_FALSE(profile_matches(p, link("br9", "52:54:00:00:00:01", "bridge")));
    auto lo = link("lo", "00:00:00:00:00:00");
    lo.flags.bits = 0x8;
    EXPECT_FALSE(profile_matches(p, lo));
    auto port = link("eth1", "52:54:00:00:00:01");
    port.controller = IfIndex{7};
    EXPECT_FALSE(profile_matches(p, port)) << "a port of someone's bond is not free";
}

TEST(ProfileMatchTest, SoftwareProfilesMatchTheirOwnLinkOnly) {
    auto bond = profile("bond0", "bond0");
    bond.profile.type = ConnectionType::Bond;
    EXPECT_TRUE(profile_matches(bond.profile, link("bond0", "52:54:00:00:00:01", "bond")));
    EXPECT_FALSE(profile_matches(bond.profile, link("bond0", "52:54:00:00:00:01", "bridge")));
}

TEST(ProfileMatchTest, NamedProfileWinsOverCatchAllAndPriorityWinsOverBoth) {
    std::vector<LoadedProfile> ps{profile("default"), profile("eth0", "eth0")};
    auto eth0 = link("eth0", "52:54:00:00:00:01");
    ASSERT_NE(choose_profile(ps, eth0, any), nullptr);
    EXPECT_EQ(choose_profile(ps, eth0, any)->profile.id, "eth0");
    ps[0].profile.autoconnect_priority = 0;
    EXPECT_EQ(choose_profile(ps, eth0, any)->profile.id, "default");
    auto none = [](const LoadedProfile&) { return false; };
    EXPECT_EQ(choose_profile(ps, eth0, none), nullptr);
}

}  // namespace
}  // namespace earlynet::device
