// Addresses against the real kernel: add, list, replace, remove for IPv4 and
// IPv6 with every field, the error paths, and a replace under live traffic.
#include "netlink/address.h"

#include <gtest/gtest.h>

#include <regex>

#include "netlink/link.h"
#include "netlink/monitor.h"
#include "netlink/route.h"
#include "test/netns/netns_fixture.h"

namespace earlynet::netlink {
namespace {

using namespace std::chrono_literals;
using test::NetnsTest;

using test::prefix;

class AddressTest : public NetnsTest {
protected:
    void SetUp() override {
        NetnsTest::SetUp();
        if (HasFatalFailure()) return;
        std::tie(veth0_, veth1_) = add_veth("veth0", "veth1");
    }

    std::optional<Address> find(const IpPrefix& p) {
        auto all = address::list(sock(), {std::nullopt, veth0_});
        EXPECT_TRUE(all) << all.error().message;
        if (!all) return std::nullopt;
        for (const auto& a : *all)
            if (a.local == p) return a;
        return std::nullopt;
    }

    IfIndex veth0_, veth1_;
};

TEST_F(AddressTest, AddsIpv4WithBroadcastAndLifetimesAndListsIt) {
    Address a{veth0_, prefix("192.0.2.10", 24)};
    a.broadcast = *Ipv4Address::parse("192.0.2.255");
    a.valid_lifetime = 600s;
    a.preferred_lifetime = 300s;
    ASSERT_TRUE(address::add(sock(), a));

    auto got = find(a.local);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->ifindex, veth0_);
    EXPECT_EQ(got->broadcast, a.broadcast);
    EXPECT_FALSE(got->peer.has_value());
    ASSERT_TRUE(got->valid_lifetime && got->preferred_lifetime);
    EXPECT_LE(*got->valid_lifetime, 600s);
    EXPECT_GE(*got->valid_lifetime, 598s);
    EXPECT_LE(*got->preferred_lifetime, 300s);
    EXPECT_EQ(got->scope, AddressScope::Universe);
    auto shown = ip("-4 addr show dev veth0");
    EXPECT_NE(shown.find("inet 192.0.2.10/24 brd 192.0.2.255"), std::string::npos) << shown;
    EXPECT_TRUE(std::regex_search(shown, std::regex("valid_lft (59[0-9]|600)sec preferred_lft (29[0-9]|300)sec")))
        << shown;
}

TEST_F(AddressTest, AddsIpv6WithNoDadAndNoPrefixRoute) {
    Address a{veth0_, prefix("2001:db8:1::10", 64)};
    a.flags = AddressFlag::NoDad | AddressFlag::NoPrefixRoute;
    ASSERT_TRUE(link::set_up(sock(), veth0_));
    ASSERT_TRUE(address::add(sock(), a));
    auto got = find(a.local);
    ASSERT_TRUE(got);
    EXPECT_TRUE(got->flags.has(AddressFlag::NoDad));
    EXPECT_TRUE(got->flags.has(AddressFlag::NoPrefixRoute));
    EXPECT_TRUE(got->flags.has(AddressFlag::Permanent));
    EXPECT_FALSE(got->flags.has(AddressFlag::Tentative)) << "nodad: usable at once";
    EXPECT_FALSE(got->valid_lifetime.has_value()) << "forever";
    auto shown = ip("-6 addr show dev veth0");
    EXPECT_NE(shown.find("inet6 2001:db8:1::10/64 scope global nodad noprefixroute"), std::string::npos) << shown;
    // noprefixroute: the kernel added no 2001:db8:1::/64 route.
    auto routes = route::list(sock(), {AddressFamily::V6, kMainTable});
    ASSERT_TRUE(routes);
    for (const auto& r : *routes) EXPECT_NE(r.destination, prefix("2001:db8:1::", 64));
}

TEST_F(AddressTest, AddsPointToPointAddressWithPeer) {
    Address a{veth0_, prefix("10.9.0.1", 32)};
    a.peer = *IpAddress::parse("10.9.0.2");
    ASSERT_TRUE(address::add(sock(), a));
    auto got = find(a.local);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->peer, a.peer);
    EXPECT_NE(ip("-4 addr show dev veth0").find("inet 10.9.0.1 peer 10.9.0.2/32"), std::string::npos);
    ASSERT_TRUE(address::remove(sock(), a));
    EXPECT_FALSE(find(a.local));
}

TEST_F(AddressTest, DuplicateAddIsFileExistsWithContext) {
    Address a{veth0_, prefix("192.0.2.10", 24)};
    ASSERT_TRUE(address::add(sock(), a));
    auto again = address::add(sock(), a);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().sys_errno, EEXIST);
    EXPECT_NE(again.error().message.find("add address veth0 (ifindex " + std::to_string(veth0_.value) +
                                         ") 192.0.2.10/24: File exists"),
              std::string::npos)
        << again.error().message;
}

TEST_F(AddressTest, AddOnUnknownIndexFails) {
    auto r = address::add(sock(), Address{IfIndex{777}, prefix("192.0.2.10", 24)});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().sys_errno, ENODEV);
    EXPECT_NE(r.error().message.find("ifindex 777"), std::string::npos) << r.error().message;
}

TEST_F(AddressTest, InvalidRequestsAreRefusedBeforeTheKernel) {
    Address a{veth0_, prefix("192.0.2.10", 24)};
    a.valid_lifetime = 100s;
    a.preferred_lifetime = 200s;
    EXPECT_EQ(address::add(sock(), a).error().code, ErrorCode::Invalid);
    Address b{veth0_, prefix("2001:db8::1", 64)};
    b.broadcast = *Ipv4Address::parse("192.0.2.255");
    EXPECT_EQ(address::add(sock(), b).error().code, ErrorCode::Invalid);
    Address c{veth0_, prefix("192.0.2.10", 33)};
    EXPECT_EQ(address::add(sock(), c).error().code, ErrorCode::Invalid);
    Address d{veth0_, prefix("2001:db8::1", 64)};
    d.flags = AddressFlag::Tentative;
    EXPECT_EQ(address::add(sock(), d).error().code, ErrorCode::Invalid);
}

TEST_F(AddressTest, RemoveOfMissingAddressFails) {
    auto r = address::remove(sock(), Address{veth0_, prefix("192.0.2.99", 24)});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().sys_errno, EADDRNOTAVAIL);
    EXPECT_NE(r.error().message.find("remove address veth0"), std::string::npos) << r.error().message;
}

TEST_F(AddressTest, ReplaceCreatesThenUpdatesLifetimesInPlace) {
    for (const char* text : {"192.0.2.10", "2001:db8:2::10"}) {
        SCOPED_TRACE(text);
        Address a{veth0_, prefix(text, text[0] == '1' ? 24 : 64)};
        a.flags = AddressFlag::NoDad;
        a.valid_lifetime = 100s;
        a.preferred_lifetime = 50s;
        ASSERT_TRUE(address::replace(sock(), a)) << "replace of an absent address adds it";
        a.valid_lifetime = 7200s;
        a.preferred_lifetime = 3600s;
        auto r = address::replace(sock(), a);
        ASSERT_TRUE(r) << r.error().message;
        auto got = find(a.local);
        ASSERT_TRUE(got);
        EXPECT_GE(*got->valid_lifetime, 7198s);
        EXPECT_GE(*got->preferred_lifetime, 3598s);
        // And back to forever.
        a.valid_lifetime.reset();
        a.preferred_lifetime.reset();
        ASSERT_TRUE(address::replace(sock(), a));
        got = find(a.local);
        ASSERT_TRUE(got);
        EXPECT_FALSE(got->valid_lifetime.has_value());
        EXPECT_TRUE(got->flags.has(AddressFlag::Permanent));
    }
}

// The lease-renewal contract: the address stays on the link through every
// replace. Two witnesses: the monitor must see no RTM_DELADDR for it, and a
// ping to it from the other end of the veth must lose nothing.
TEST_F(AddressTest, ReplaceUnderPingNeverRemovesTheAddress) {
    auto& peer = peer_namespace();
    ip("link set veth1 netns " + peer.name());
    ip_in(peer, "addr add 10.77.0.2/24 dev veth1");
    ip_in(peer, "link set veth1 up");
    Address a{veth0_, prefix("10.77.0.1", 24)};
    a.valid_lifetime = 600s;
    a.preferred_lifetime = 300s;
    ASSERT_TRUE(address::add(sock(), a));
    ASSERT_TRUE(link::set_up(sock(), veth0_));

    test::EventLoop loop;
    int removed = 0, changed = 0;
    auto monitor = Monitor::start(loop.get(), [&](std::vector<MonitorEvent> events) {
        for (const auto& e : events) {
            if (auto* r = std::get_if<AddressRemoved>(&e); r && r->address.local == a.local) ++removed;
            if (auto* c = std::get_if<AddressChanged>(&e); c && c->address.local == a.local) ++changed;
        }
    });
    ASSERT_TRUE(monitor) << monitor.error().message;

    constexpr int kPings = 300;
    test::BackgroundProcess ping({"ip", "netns", "exec", peer.name(), "ping", "-n", "-q", "-i", "0.005", "-c",
                                  std::to_string(kPings), "-W", "1", "10.77.0.1"});
    ASSERT_GT(ping.pid(), 0);
    constexpr int kReplaces = 200;
    for (int i = 0; i < kReplaces; ++i) {
        a.valid_lifetime = std::chrono::seconds(601 + i);
        a.preferred_lifetime = std::chrono::seconds(301 + i);
        auto r = address::replace(sock(), a);
        ASSERT_TRUE(r) << r.error().message;
        loop.run_until([] { return false; }, 5ms);  // deliver monitor events meanwhile
    }
    auto result = ping.wait();
    loop.run_until([&] { return changed >= kReplaces; }, 2s);

    EXPECT_EQ(removed, 0);
    EXPECT_EQ(changed, kReplaces) << "each replace is one in-place change";
    std::smatch m;
    ASSERT_TRUE(std::regex_search(result.out, m, std::regex(R"((\d+) packets transmitted, (\d+) received)")))
        << result.out;
    EXPECT_EQ(m[1], std::to_string(kPings));
    EXPECT_EQ(m[2], std::to_string(kPings)) << result.out;
    auto got = find(a.local);
    ASSERT_TRUE(got);
    EXPECT_GE(*got->valid_lifetime, std::chrono::seconds(600 + kReplaces - 2));
}

}  // namespace
}  // namespace earlynet::netlink
