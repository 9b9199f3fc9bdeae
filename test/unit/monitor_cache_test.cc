// MonitorCache: how kernel notifications and re-dumps become typed events.
// Pure code, so the rules are checked here without a kernel.
#include "netlink/monitor_cache.h"

#include <gtest/gtest.h>
#include <linux/rtnetlink.h>

#include <cstring>

#include "netlink/detail/parse.h"

using namespace earlynet;
using namespace earlynet::netlink;
using namespace std::chrono_literals;

namespace {

Link veth(int index, bool carrier) {
    Link l;
    l.index = IfIndex{index};
    l.name = "veth" + std::to_string(index);
    l.kind = "veth";
    l.mtu = 1500;
    l.carrier = carrier;
    l.operstate = carrier ? OperState::Up : OperState::LowerLayerDown;
    l.flags.bits = 0x1 | (carrier ? 0x10040 : 0);
    return l;
}

Address v6(const char* text, AddressFlags flags) {
    Address a;
    a.ifindex = IfIndex{2};
    a.local = IpPrefix{*IpAddress::parse(text), 64};
    a.flags = flags;
    a.valid_lifetime = 3600s;
    a.preferred_lifetime = 1800s;
    return a;
}

template <typename T>
int count(const std::vector<MonitorEvent>& events) {
    int n = 0;
    for (const auto& e : events) n += std::holds_alternative<T>(e);
    return n;
}

}  // namespace

TEST(MonitorCacheTest, FirstSightOfALinkIsAddedThenCarrierChangesAreTheirOwnEvent) {
    MonitorCache cache;
    std::vector<MonitorEvent> out;
    cache.link_updated(veth(2, false), out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_TRUE(std::holds_alternative<LinkAdded>(out[0]));
    out.clear();
    cache.link_updated(veth(2, true), out);
    EXPECT_EQ(count<CarrierChanged>(out), 1);
    EXPECT_EQ(count<OperStateChanged>(out), 1);
    EXPECT_EQ(count<LinkChanged>(out), 0);  // RUNNING/LOWER_UP follow carrier
    EXPECT_TRUE(std::get<CarrierChanged>(out[0]).link.carrier);
}

TEST(MonitorCacheTest, MtuChangeIsLinkChangedWithThePrevious) {
    MonitorCache cache;
    std::vector<MonitorEvent> out;
    cache.link_updated(veth(2, true), out);
    out.clear();
    Link bigger = veth(2, true);
    bigger.mtu = 9000;
    cache.link_updated(bigger, out);
    ASSERT_EQ(out.size(), 1u);
    const auto& changed = std::get<LinkChanged>(out[0]);
    EXPECT_EQ(changed.link.mtu, 9000u);
    EXPECT_EQ(changed.previous.mtu, 1500u);
    out.clear();
    cache.link_updated(bigger, out);
    EXPECT_TRUE(out.empty());  // the same state again is no event
}

TEST(MonitorCacheTest, RemovalOfAnUnseenLinkIsNoEvent) {
    MonitorCache cache;
    std::vector<MonitorEvent> out;
    cache.link_removed(veth(7, false), out);
    EXPECT_TRUE(out.empty());
}

TEST(MonitorCacheTest, TentativeIpv6BecomesUsable) {
    MonitorCache cache;
    std::vector<MonitorEvent> out;
    cache.address_updated(v6("2001:db8::2", AddressFlag::Tentative), out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_TRUE(std::holds_alternative<AddressAdded>(out[0]));
    out.clear();
    cache.address_updated(v6("2001:db8::2", AddressFlags{}), out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_TRUE(std::holds_alternative<AddressUsable>(out[0]));
}

TEST(MonitorCacheTest, DadFailureIsReportedBeforeTheKernelRemovesTheAddress) {
    MonitorCache cache;
    std::vector<MonitorEvent> out;
    cache.address_updated(v6("2001:db8::3", AddressFlag::Tentative), out);
    out.clear();
    cache.address_removed(v6("2001:db8::3", AddressFlag::Tentative | AddressFlag::DadFailed), out);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_TRUE(std::holds_alternative<AddressDadFailed>(out[0]));
    EXPECT_TRUE(std::holds_alternative<AddressRemoved>(out[1]));
}

TEST(MonitorCacheTest, ResyncReportsOnlyRealDifferences) {
    MonitorCache cache;
    std::vector<MonitorEvent> out;
    cache.link_updated(veth(2, true), out);
    cache.link_updated(veth(3, true), out);
    cache.address_updated(v6("2001:db8::2", AddressFlags{}), out);
    out.clear();

    // After an overrun: veth3 is gone, the address only aged, a route appeared.
    Address aged = v6("2001:db8::2", AddressFlags{});
    aged.valid_lifetime = 3000s;
    Route r;
    r.destination = IpPrefix{*IpAddress::parse("10.1.0.0"), 16};
    r.oif = IfIndex{2};
    cache.resync({veth(2, true)}, {aged}, {r}, out);
    EXPECT_EQ(count<LinkRemoved>(out), 1);
    EXPECT_EQ(count<AddressChanged>(out), 0);  // lifetimes count down by themselves
    EXPECT_EQ(count<RouteAdded>(out), 1);
    EXPECT_EQ(out.size(), 2u);
    EXPECT_EQ(cache.links().size(), 1u);
}

TEST(MonitorCacheTest, RouteChangeCarriesThePreviousRoute) {
    MonitorCache cache;
    std::vector<MonitorEvent> out;
    Route r;
    r.destination = IpPrefix{*IpAddress::parse("10.1.0.0"), 16};
    r.oif = IfIndex{2};
    cache.route_updated(r, out);
    Route via = r;
    via.gateway = *IpAddress::parse("10.0.0.1");
    out.clear();
    cache.route_updated(via, out);
    ASSERT_EQ(out.size(), 1u);
    const auto& changed = std::get<RouteChanged>(out[0]);
    EXPECT_FALSE(changed.previous.gateway.has_value());
    EXPECT_EQ(changed.route.gateway->to_string(), "10.0.0.1");
}

// Found by the netlink fuzz target (corpus/netlink/crash-nlmsg-len-4g): a
// receive buffer walked with libmnl's mnl_nlmsg_ok/mnl_nlmsg_next never ends
// when a message claims nlmsg_len 0xffffffff. for_each_message yields only
// messages that lie inside the buffer, and always ends.
TEST(MonitorCacheTest, MessageWalkStopsAtALengthBeyondTheBuffer) {
    alignas(4) unsigned char buffer[64] = {};
    auto put = [&](std::size_t offset, std::uint32_t len, std::uint16_t type) {
        nlmsghdr h{};
        h.nlmsg_len = len;
        h.nlmsg_type = type;
        std::memcpy(buffer + offset, &h, sizeof h);
    };
    put(0, 18, RTM_NEWLINK);  // 2 bytes of payload, padded to 20
    put(20, 16, NLMSG_DONE);
    put(36, 0xffffffffu, RTM_NEWROUTE);
    std::vector<std::uint16_t> seen;
    detail::for_each_message(buffer, sizeof buffer, [&](const nlmsghdr& m) { seen.push_back(m.nlmsg_type); });
    EXPECT_EQ(seen, (std::vector<std::uint16_t>{RTM_NEWLINK, NLMSG_DONE}));

    put(36, 29, RTM_NEWROUTE);  // one byte past the end
    seen.clear();
    detail::for_each_message(buffer, sizeof buffer, [&](const nlmsghdr& m) { seen.push_back(m.nlmsg_type); });
    EXPECT_EQ(seen.size(), 2u);
    put(36, 28, RTM_NEWROUTE);  // exactly the rest
    seen.clear();
    detail::for_each_message(buffer, sizeof buffer, [&](const nlmsghdr& m) { seen.push_back(m.nlmsg_type); });
    EXPECT_EQ(seen.size(), 3u);
}
