// Routes against the real kernel: add, list, replace, remove for IPv4 and IPv6
// with every field, default and host routes, and the error paths.
#include "netlink/route.h"

#include <gtest/gtest.h>

#include "netlink/address.h"
#include "netlink/link.h"
#include "test/netns/netns_fixture.h"

namespace earlynet::netlink {
namespace {

using test::NetnsTest;

IpPrefix prefix(const char* address, int len) {
    return IpPrefix{*IpAddress::parse(address), len};
}
IpAddress addr(const char* text) {
    return *IpAddress::parse(text);
}

class RouteTest : public NetnsTest {
protected:
    void SetUp() override {
        NetnsTest::SetUp();
        if (HasFatalFailure()) return;
        std::tie(veth0_, veth1_) = add_veth("veth0", "veth1");
        ASSERT_TRUE(link::set_up(sock(), veth1_));
        ASSERT_TRUE(link::set_up(sock(), veth0_));
        Address v4{veth0_, prefix("192.0.2.1", 24)};
        ASSERT_TRUE(address::add(sock(), v4));
        Address v6{veth0_, prefix("2001:db8::1", 64)};
        v6.flags = AddressFlag::NoDad;
        ASSERT_TRUE(address::add(sock(), v6));
    }

    std::optional<Route> find(const IpPrefix& dst, std::uint32_t table = kMainTable) {
        auto all = route::list(sock(), {dst.address.family(), table});
        EXPECT_TRUE(all) << all.error().message;
        if (!all) return std::nullopt;
        for (const auto& r : *all)
            if (r.destination == dst) return r;
        return std::nullopt;
    }

    IfIndex veth0_, veth1_;
};

TEST_F(RouteTest, AddsIpv4RouteWithEveryFieldAndListsIt) {
    Route r;
    r.destination = prefix("198.51.100.0", 24);
    r.gateway = addr("192.0.2.254");
    r.oif = veth0_;
    r.metric = 300;
    r.table = 1000;  // beyond 255: only RTA_TABLE can carry it
    r.preferred_source = addr("192.0.2.1");
    r.mtu = 1400;
    r.protocol = route_protocol::kDhcp;
    ASSERT_TRUE(route::add(sock(), r));
    auto got = find(r.destination, 1000);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->gateway, r.gateway);
    EXPECT_EQ(got->oif, r.oif);
    EXPECT_EQ(got->metric, 300u);
    EXPECT_EQ(got->table, 1000u);
    EXPECT_EQ(got->preferred_source, r.preferred_source);
    EXPECT_EQ(got->mtu, 1400u);
    EXPECT_EQ(got->protocol, route_protocol::kDhcp);
    EXPECT_EQ(got->scope, RouteScope::Universe);
    auto shown = ip("-4 route show table 1000");
    EXPECT_NE(shown.find("198.51.100.0/24 via 192.0.2.254 dev veth0 proto dhcp src 192.0.2.1 metric 300 mtu 1400"),
              std::string::npos)
        << shown;
    ASSERT_TRUE(route::remove(sock(), r));
    EXPECT_FALSE(find(r.destination, 1000));
}

TEST_F(RouteTest, AddsDefaultAndHostRoutesForBothFamilies) {
    Route v4_default{prefix("0.0.0.0", 0), addr("192.0.2.254"), veth0_};
    Route v4_host{prefix("203.0.113.7", 32), std::nullopt, veth0_};
    Route v6_default{prefix("::", 0), addr("2001:db8::fe"), veth0_};
    Route v6_host{prefix("2001:db8:ff::7", 128), std::nullopt, veth0_};
    v6_default.metric = v6_host.metric = 1024;
    for (const auto* r : {&v4_default, &v4_host, &v6_default, &v6_host}) {
        auto added = route::add(sock(), *r);
        ASSERT_TRUE(added) << added.error().message;
    }
    auto v4 = ip("-4 route show");
    EXPECT_NE(v4.find("default via 192.0.2.254 dev veth0 proto static"), std::string::npos) << v4;
    EXPECT_NE(v4.find("203.0.113.7 dev veth0 proto static scope link"), std::string::npos) << v4;
    auto v6 = ip("-6 route show");
    EXPECT_NE(v6.find("default via 2001:db8::fe dev veth0 proto static metric 1024"), std::string::npos) << v6;
    EXPECT_NE(v6.find("2001:db8:ff::7 dev veth0 proto static metric 1024"), std::string::npos) << v6;
    auto got = find(prefix("203.0.113.7", 32));
    ASSERT_TRUE(got);
    EXPECT_EQ(got->scope, RouteScope::Link) << "no gateway: scope link, as ip route chooses";
    for (const auto* r : {&v4_default, &v4_host, &v6_default, &v6_host}) ASSERT_TRUE(route::remove(sock(), *r));
    EXPECT_EQ(ip("-4 route show").find("default"), std::string::npos);
    EXPECT_EQ(ip("-6 route show").find("default"), std::string::npos);
}

TEST_F(RouteTest, UnreachableGatewayIsRefusedWithTheKernelsReason) {
    Route r{prefix("198.51.100.0", 24), addr("10.99.0.1"), veth0_};
    auto added = route::add(sock(), r);
    ASSERT_FALSE(added);
    EXPECT_EQ(added.error().sys_errno, ENETUNREACH);
    const auto& m = added.error().message;
    EXPECT_NE(m.find("add route veth0 (ifindex " + std::to_string(veth0_.value) + ") 198.51.100.0/24 via 10.99.0.1"),
              std::string::npos)
        << m;
    EXPECT_NE(m.find("(kernel: Nexthop has invalid gateway)"), std::string::npos) << m;
}

TEST_F(RouteTest, OnLinkGatewayOutsideAnySubnetIsAccepted) {
    Route r{prefix("198.51.100.0", 24), addr("10.99.0.1"), veth0_};
    r.on_link = true;
    auto added = route::add(sock(), r);
    ASSERT_TRUE(added) << added.error().message;
    auto got = find(r.destination);
    ASSERT_TRUE(got);
    EXPECT_TRUE(got->on_link);
    EXPECT_NE(ip("-4 route show").find("198.51.100.0/24 via 10.99.0.1 dev veth0 proto static onlink"),
              std::string::npos);
}

TEST_F(RouteTest, DuplicateAddIsFileExistsAndReplaceChangesTheGateway) {
    Route r{prefix("198.51.100.0", 24), addr("192.0.2.254"), veth0_};
    ASSERT_TRUE(route::add(sock(), r));
    auto again = route::add(sock(), r);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().sys_errno, EEXIST);
    r.gateway = addr("192.0.2.253");
    ASSERT_TRUE(route::replace(sock(), r));
    auto got = find(r.destination);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->gateway, r.gateway);
    auto all = route::list(sock(), {AddressFamily::V4, kMainTable});
    ASSERT_TRUE(all);
    int count = 0;
    for (const auto& x : *all) count += x.destination == r.destination;
    EXPECT_EQ(count, 1) << "replace, not a second route";

    Route v6{prefix("2001:db8:5::", 48), addr("2001:db8::fe"), veth0_};
    v6.metric = 50;
    ASSERT_TRUE(route::replace(sock(), v6));
    v6.gateway = addr("2001:db8::fd");
    ASSERT_TRUE(route::replace(sock(), v6));
    auto got6 = find(v6.destination);
    ASSERT_TRUE(got6);
    EXPECT_EQ(got6->gateway, v6.gateway);
    EXPECT_EQ(got6->metric, 50u);
}

TEST_F(RouteTest, RemoveOfMissingRouteIsNoSuchProcess) {
    Route r{prefix("198.51.100.0", 24), addr("192.0.2.254"), veth0_};
    auto removed = route::remove(sock(), r);
    ASSERT_FALSE(removed);
    EXPECT_EQ(removed.error().sys_errno, ESRCH);
    EXPECT_NE(removed.error().message.find("remove route"), std::string::npos);
}

TEST_F(RouteTest, UnknownInterfaceIsNoSuchDevice) {
    Route r{prefix("198.51.100.0", 24), std::nullopt, IfIndex{999}};
    auto added = route::add(sock(), r);
    ASSERT_FALSE(added);
    EXPECT_EQ(added.error().sys_errno, ENODEV);
    EXPECT_NE(added.error().message.find("ifindex 999"), std::string::npos) << added.error().message;
}

TEST_F(RouteTest, InvalidRoutesAreRefusedBeforeTheKernel) {
    Route mixed{prefix("198.51.100.0", 24), addr("2001:db8::1"), veth0_};
    EXPECT_EQ(route::add(sock(), mixed).error().code, ErrorCode::Invalid);
    Route nowhere{prefix("198.51.100.0", 24)};
    EXPECT_EQ(route::add(sock(), nowhere).error().code, ErrorCode::Invalid);
    Route onlink{prefix("198.51.100.0", 24), addr("10.0.0.1")};
    onlink.on_link = true;
    EXPECT_EQ(route::add(sock(), onlink).error().code, ErrorCode::Invalid);
}

TEST_F(RouteTest, ListSeesTheKernelsPrefixRoutes) {
    auto all = route::list(sock(), {AddressFamily::V4, kMainTable});
    ASSERT_TRUE(all);
    bool found = false;
    for (const auto& r : *all) {
        if (r.destination == prefix("192.0.2.0", 24)) {
            found = true;
            EXPECT_EQ(r.protocol, route_protocol::kKernel);
            EXPECT_EQ(r.scope, RouteScope::Link);
            EXPECT_EQ(r.preferred_source, addr("192.0.2.1"));
            EXPECT_EQ(r.oif, veth0_);
        }
    }
    EXPECT_TRUE(found);
}

}  // namespace
}  // namespace earlynet::netlink
