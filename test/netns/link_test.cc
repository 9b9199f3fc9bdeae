// Links against the real kernel: every verb of netlink/link.h and its errors.
#include "netlink/link.h"

#include <gtest/gtest.h>

#include "test/netns/netns_fixture.h"

namespace earlynet::netlink {
namespace {

using test::NetnsTest;

class LinkTest : public NetnsTest {};

TEST_F(LinkTest, ListReportsVethPairWithItsAttributes) {
    auto [a, b] = add_veth("veth0", "veth1");
    auto links = link::list(sock());
    ASSERT_TRUE(links) << links.error().message;
    const Link* found = nullptr;
    bool saw_lo = false;
    for (const auto& l : *links) {
        if (l.index == a) found = &l;
        if (l.name == "lo") saw_lo = l.flags.loopback() && l.flags.up();
    }
    EXPECT_TRUE(saw_lo);
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(found->name, "veth0");
    EXPECT_EQ(found->kind, "veth");
    EXPECT_EQ(found->mtu, 1500u);
    ASSERT_TRUE(found->mac.has_value());
    EXPECT_EQ(found->mac->size(), 6u);
    // veth has no burnt-in address, so the kernel sends no IFLA_PERM_ADDRESS.
    EXPECT_FALSE(found->permanent_mac.has_value());
    EXPECT_FALSE(found->flags.up());
    EXPECT_EQ(found->operstate, OperState::Down);
    EXPECT_FALSE(found->controller.has_value());
    ASSERT_TRUE(found->parent.has_value());
    EXPECT_EQ(*found->parent, b);
    // The MAC agrees with what ip shows.
    std::string mac = found->mac->to_string();
    for (auto& c : mac) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_NE(ip("link show dev veth0").find(mac), std::string::npos);
}

TEST_F(LinkTest, GetByNameAndByIndexAgree) {
    auto [a, b] = add_veth("veth0", "veth1");
    auto by_index = link::get(sock(), a);
    auto by_name = link::get(sock(), "veth0");
    ASSERT_TRUE(by_index) << by_index.error().message;
    ASSERT_TRUE(by_name) << by_name.error().message;
    EXPECT_EQ(*by_index, *by_name);
}

TEST_F(LinkTest, GetUnknownIndexIsNoSuchDevice) {
    auto l = link::get(sock(), IfIndex{9999});
    ASSERT_FALSE(l);
    EXPECT_EQ(l.error().code, ErrorCode::System);
    EXPECT_EQ(l.error().sys_errno, ENODEV);
    EXPECT_NE(l.error().message.find("get link ifindex 9999"), std::string::npos) << l.error().message;
}

TEST_F(LinkTest, GetUnknownNameIsNoSuchDevice) {
    auto l = link::get(sock(), "nosuch0");
    ASSERT_FALSE(l);
    EXPECT_EQ(l.error().sys_errno, ENODEV);
    EXPECT_NE(l.error().message.find("nosuch0"), std::string::npos);
}

TEST_F(LinkTest, SetUpAndDownFollowTheKernelAndCarrierFollowsThePeer) {
    auto [a, b] = add_veth("veth0", "veth1");
    ASSERT_TRUE(link::set_up(sock(), a));
    auto l = link::get(sock(), a);
    ASSERT_TRUE(l);
    EXPECT_TRUE(l->flags.up());
    EXPECT_FALSE(l->carrier) << "peer is still down";
    ASSERT_TRUE(link::set_up(sock(), b));
    l = link::get(sock(), a);
    ASSERT_TRUE(l);
    EXPECT_TRUE(l->carrier);
    EXPECT_EQ(l->operstate, OperState::Up);
    EXPECT_NE(ip("link show dev veth0").find("state UP"), std::string::npos);
    ASSERT_TRUE(link::set_down(sock(), a));
    l = link::get(sock(), a);
    ASSERT_TRUE(l);
    EXPECT_FALSE(l->flags.up());
    EXPECT_NE(ip("link show dev veth0").find("state DOWN"), std::string::npos);
}

TEST_F(LinkTest, SetUpUnknownIndexNamesIt) {
    auto r = link::set_up(sock(), IfIndex{4242});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().sys_errno, ENODEV);
    EXPECT_NE(r.error().message.find("set up ifindex 4242"), std::string::npos) << r.error().message;
}

TEST_F(LinkTest, SetMtuChangesIt) {
    auto [a, b] = add_veth("veth0", "veth1");
    ASSERT_TRUE(link::set_mtu(sock(), a, 9000));
    auto l = link::get(sock(), a);
    ASSERT_TRUE(l);
    EXPECT_EQ(l->mtu, 9000u);
    EXPECT_NE(ip("link show dev veth0").find("mtu 9000"), std::string::npos);
}

TEST_F(LinkTest, SetMtuTooLargeCarriesInterfaceAndKernelReason) {
    auto [a, b] = add_veth("veth0", "veth1");
    auto r = link::set_mtu(sock(), a, 70000);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().sys_errno, EINVAL);
    const auto& m = r.error().message;
    EXPECT_NE(m.find("set mtu veth0 (ifindex " + std::to_string(a.value) + ") 70000"), std::string::npos) << m;
    // The extended ack: rtnetlink says which limit was hit.
    EXPECT_NE(m.find("(kernel: mtu greater than device maximum)"), std::string::npos) << m;
}

TEST_F(LinkTest, SetMacChangesItAndPermanentMacStaysAbsent) {
    auto [a, b] = add_veth("veth0", "veth1");
    auto mac = HardwareAddress::parse_ethernet("02:00:5e:10:20:30");
    ASSERT_TRUE(mac);
    ASSERT_TRUE(link::set_mac(sock(), a, *mac));
    auto l = link::get(sock(), a);
    ASSERT_TRUE(l);
    EXPECT_EQ(l->mac, *mac);
    EXPECT_FALSE(l->permanent_mac.has_value());
    EXPECT_NE(ip("link show dev veth0").find("02:00:5e:10:20:30"), std::string::npos);
}

TEST_F(LinkTest, SetMulticastMacIsRefused) {
    auto [a, b] = add_veth("veth0", "veth1");
    auto r = link::set_mac(sock(), a, *HardwareAddress::parse_ethernet("01:00:5e:00:00:01"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().sys_errno, EADDRNOTAVAIL);
    EXPECT_NE(r.error().message.find("set mac veth0"), std::string::npos) << r.error().message;
}

TEST_F(LinkTest, RenameRenamesALinkThatIsDown) {
    auto [a, b] = add_veth("veth0", "veth1");
    ASSERT_TRUE(link::rename(sock(), a, "uplink0"));
    auto l = link::get(sock(), a);
    ASSERT_TRUE(l);
    EXPECT_EQ(l->name, "uplink0");
    EXPECT_NE(ip("link show").find("uplink0"), std::string::npos);
}

TEST_F(LinkTest, RenameToInvalidOrTakenNameFails) {
    auto [a, b] = add_veth("veth0", "veth1");
    auto bad = link::rename(sock(), a, "has/slash");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, ErrorCode::Invalid);
    auto taken = link::rename(sock(), a, "veth1");
    ASSERT_FALSE(taken);
    EXPECT_EQ(taken.error().sys_errno, EEXIST);
    EXPECT_NE(taken.error().message.find("rename veth0"), std::string::npos) << taken.error().message;
}

TEST_F(LinkTest, RemoveDeletesTheLinkAndItsPeer) {
    auto [a, b] = add_veth("veth0", "veth1");
    ASSERT_TRUE(link::remove(sock(), a));
    EXPECT_EQ(link::get(sock(), a).error().sys_errno, ENODEV);
    EXPECT_EQ(link::get(sock(), b).error().sys_errno, ENODEV);
    EXPECT_EQ(ip("link show").find("veth"), std::string::npos);
}

TEST_F(LinkTest, RemoveUnknownIndexFails) {
    auto r = link::remove(sock(), IfIndex{31337});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().sys_errno, ENODEV);
    EXPECT_NE(r.error().message.find("delete link ifindex 31337"), std::string::npos) << r.error().message;
}

TEST_F(LinkTest, LoopbackCannotBeDeleted) {
    auto lo = link::get(sock(), "lo");
    ASSERT_TRUE(lo);
    auto r = link::remove(sock(), lo->index);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("delete link lo (ifindex 1)"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace earlynet::netlink
