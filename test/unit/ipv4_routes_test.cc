// Routes from a lease (RFC 3442 over option 3) and from the profile.
#include "device/ipv4_routes.h"

#include <gtest/gtest.h>

namespace earlynet::device {

using namespace profile;
namespace {

Ipv4Address v4(const char* s) {
    return *Ipv4Address::parse(s);
}

dhcp::Lease lease() {
    dhcp::Lease l;
    l.address = v4("10.0.0.5");
    l.prefix_length = 24;
    l.routers = {v4("10.0.0.1"), v4("10.0.0.2")};
    return l;
}

TEST(Ipv4RoutesTest, FirstRouterBecomesTheDefaultRoute) {
    auto routes = lease_routes(lease(), IfIndex{4});
    ASSERT_EQ(routes.size(), 1u);
    EXPECT_EQ(routes[0].destination.to_string(), "0.0.0.0/0");
    EXPECT_EQ(routes[0].gateway->to_string(), "10.0.0.1");
    EXPECT_EQ(routes[0].metric, kDefaultRouteMetric);
    EXPECT_EQ(routes[0].protocol, netlink::route_protocol::kDhcp);
    EXPECT_FALSE(routes[0].on_link);
    EXPECT_EQ(routes[0].preferred_source->to_string(), "10.0.0.5");
}

TEST(Ipv4RoutesTest, ClasslessRoutesReplaceTheRouterOption) {
    auto l = lease();
    l.classless_routes = {{v4("192.168.0.0"), 16, v4("10.0.0.254")},
                          {v4("0.0.0.0"), 0, v4("172.16.0.1")},
                          {v4("10.9.0.0"), 16, v4("0.0.0.0")}};
    auto routes = lease_routes(l, IfIndex{4});
    ASSERT_EQ(routes.size(), 3u);
    EXPECT_EQ(routes[0].destination.to_string(), "192.168.0.0/16");
    EXPECT_FALSE(routes[0].on_link);
    EXPECT_EQ(routes[1].gateway->to_string(), "172.16.0.1");
    EXPECT_TRUE(routes[1].on_link) << "a router outside the subnet is declared on-link";
    EXPECT_FALSE(routes[2].gateway.has_value()) << "0.0.0.0 as router means directly connected";
}

// A lease not built by lease_from_message (by hand, or
// from an older state file) still cannot put an unusable next hop into the kernel.
TEST(Ipv4RoutesTest, UnusableRoutersNeverBecomeTheDefaultRoute) {
    auto l = lease();
    l.routers = {v4("0.0.0.0"),         v4("127.0.0.1"),  v4("10.0.0.5"), v4("224.0.0.1"),
                 v4("255.255.255.255"), v4("10.0.0.255"), v4("10.0.0.2")};
    auto routes = lease_routes(l, IfIndex{4});
    ASSERT_EQ(routes.size(), 1u);
    EXPECT_EQ(routes[0].gateway->to_string(), "10.0.0.2");
    l.routers = {v4("10.0.0.5"), v4("0.0.0.0")};
    EXPECT_TRUE(lease_routes(l, IfIndex{4}).empty());
}

TEST(Ipv4RoutesTest, UnusableClasslessRoutesAreLeftOut) {
    auto l = lease();
    l.classless_routes = {{v4("192.168.1.0"), 24, v4("10.0.0.5")},  // via ourselves
                          {v4("192.168.2.0"), 24, v4("239.1.1.1")},
                          {v4("127.0.0.0"), 8, v4("10.0.0.254")},
                          {v4("0.0.0.0"), 0, v4("10.0.0.254")}};
    auto routes = lease_routes(l, IfIndex{4});
    ASSERT_EQ(routes.size(), 1u);
    EXPECT_EQ(routes[0].destination.to_string(), "0.0.0.0/0");
    EXPECT_EQ(routes[0].gateway->to_string(), "10.0.0.254");
}

TEST(Ipv4RoutesTest, ClasslessRoutesOfWhichNoneIsUsableLeaveTheRouterOption) {
    // As lease_from_message does: the routes it drops are as if never sent.
    auto l = lease();
    l.classless_routes = {{v4("192.168.1.0"), 24, v4("10.0.0.5")}};
    auto routes = lease_routes(l, IfIndex{4});
    ASSERT_EQ(routes.size(), 1u);
    EXPECT_EQ(routes[0].destination.to_string(), "0.0.0.0/0");
    EXPECT_EQ(routes[0].gateway->to_string(), "10.0.0.1");
}

TEST(Ipv4RoutesTest, ProfileRoutesAndGateway) {
    IpSettings s;
    s.routes = {{IpPrefix{*IpAddress::parse("10.90.0.0"), 16}, IpAddress::parse("10.0.0.254"), -1}};
    s.gateway = IpAddress::parse("10.0.0.1");
    IpPrefix subnet{*IpAddress::parse("10.0.0.5"), 24};
    auto routes = profile_routes(s, IfIndex{4}, &subnet);
    ASSERT_EQ(routes.size(), 2u);
    EXPECT_EQ(routes[0].destination.to_string(), "10.90.0.0/16");
    EXPECT_EQ(routes[0].metric, kDefaultRouteMetric);
    EXPECT_EQ(routes[1].destination.to_string(), "0.0.0.0/0");
    EXPECT_EQ(routes[1].gateway->to_string(), "10.0.0.1");
}

}  // namespace
}  // namespace earlynet::device
