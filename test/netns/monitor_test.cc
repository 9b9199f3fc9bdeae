// The RTNL monitor against the real kernel: carrier, late links, IPv6 DAD,
// routes, and an overrun survived by re-dumping.
#include "netlink/monitor.h"

#include <gtest/gtest.h>

#include <set>

#include "netlink/address.h"
#include "netlink/link.h"
#include "netlink/route.h"
#include "test/netns/netns_fixture.h"

namespace earlynet::netlink {
namespace {

using namespace std::chrono_literals;
using test::NetnsTest;

using test::prefix;

class MonitorTest : public NetnsTest {
protected:
    void start(Monitor::Options options = {}) {
        auto m = Monitor::start(
            loop_.get(),
            [this](std::vector<MonitorEvent> batch) {
                for (auto& e : batch) events_.push_back(std::move(e));
            },
            options);
        ASSERT_TRUE(m) << m.error().message;
        monitor_ = std::move(*m);
    }

    // Runs the loop until an event matching pred arrives (consumed events are
    // kept, so order can be checked afterwards).
    template <typename T>
    const T* wait_for(const std::function<bool(const T&)>& pred, std::chrono::milliseconds timeout = 10s) {
        const T* found = nullptr;
        std::size_t seen = 0;
        loop_.run_until(
            [&] {
                for (; seen < events_.size(); ++seen)
                    if (auto* e = std::get_if<T>(&events_[seen]); e && pred(*e)) found = e;
                return found != nullptr;
            },
            timeout);
        return found;
    }

    void TearDown() override {
        monitor_.reset();  // its sockets belong to the namespace
        NetnsTest::TearDown();
    }

    test::EventLoop loop_;
    std::unique_ptr<Monitor> monitor_;
    std::vector<MonitorEvent> events_;
};

TEST_F(MonitorTest, StartsWithTheKernelsStateAndNoEvents) {
    auto [a, b] = add_veth("veth0", "veth1");
    start();
    EXPECT_TRUE(monitor_->state().links().count(a.value));
    EXPECT_TRUE(monitor_->state().links().count(b.value));
    EXPECT_TRUE(events_.empty());
}

TEST_F(MonitorTest, SeesCarrierGoDownAndUpWhenThePeerIsSetDownAndUp) {
    auto [a, b] = add_veth("veth0", "veth1");
    ASSERT_TRUE(link::set_up(sock(), a));
    ASSERT_TRUE(link::set_up(sock(), b));
    start();
    ASSERT_TRUE(monitor_->state().links().at(a.value).carrier);

    ip("link set veth1 down");
    auto* down = wait_for<CarrierChanged>([&](const CarrierChanged& e) { return e.link.index == a; });
    ASSERT_NE(down, nullptr);
    EXPECT_FALSE(down->link.carrier);
    EXPECT_NE(wait_for<OperStateChanged>([&](const OperStateChanged& e) {
                  return e.link.index == a && e.link.operstate == OperState::LowerLayerDown;
              }),
              nullptr);

    ip("link set veth1 up");
    auto* up = wait_for<CarrierChanged>([&](const CarrierChanged& e) { return e.link.index == a && e.link.carrier; });
    ASSERT_NE(up, nullptr);
    EXPECT_NE(wait_for<OperStateChanged>(
                  [&](const OperStateChanged& e) { return e.link.index == a && e.link.operstate == OperState::Up; }),
              nullptr);
}

TEST_F(MonitorTest, SeesALinkCreatedAfterItStartedAndItsRemoval) {
    start();
    ip("link add late0 type veth peer name late1");
    auto* added = wait_for<LinkAdded>([](const LinkAdded& e) { return e.link.name == "late0"; });
    ASSERT_NE(added, nullptr);
    EXPECT_EQ(added->link.kind, "veth");
    IfIndex index = added->link.index;
    ip("link set late0 mtu 1400");
    auto* changed = wait_for<LinkChanged>([&](const LinkChanged& e) { return e.link.index == index; });
    ASSERT_NE(changed, nullptr);
    EXPECT_EQ(changed->link.mtu, 1400u);
    EXPECT_EQ(changed->previous.mtu, 1500u);
    ip("link del late0");
    EXPECT_NE(wait_for<LinkRemoved>([&](const LinkRemoved& e) { return e.link.index == index; }), nullptr);
    EXPECT_FALSE(monitor_->state().links().count(index.value));
}

TEST_F(MonitorTest, SeesIpv6AddressGoFromTentativeToUsable) {
    auto [a, b] = add_veth("veth0", "veth1");
    ASSERT_TRUE(link::set_up(sock(), b));
    ASSERT_TRUE(link::set_up(sock(), a));
    start();
    Address addr{a, prefix("2001:db8:7::1", 64)};
    ASSERT_TRUE(address::add(sock(), addr));
    auto* added = wait_for<AddressAdded>([&](const AddressAdded& e) { return e.address.local == addr.local; });
    ASSERT_NE(added, nullptr);
    EXPECT_TRUE(added->address.flags.has(AddressFlag::Tentative));
    auto* usable = wait_for<AddressUsable>([&](const AddressUsable& e) { return e.address.local == addr.local; });
    ASSERT_NE(usable, nullptr);
    EXPECT_FALSE(usable->address.flags.has(AddressFlag::Tentative));
}

TEST_F(MonitorTest, SeesIpv6DuplicateAddressDetectionFail) {
    auto [a, b] = add_veth("veth0", "veth1");
    ASSERT_TRUE(link::set_up(sock(), b));
    ASSERT_TRUE(link::set_up(sock(), a));
    // veth1 owns the address already; veth0's DAD probe reaches it over the wire.
    Address owner{b, prefix("2001:db8:8::1", 64)};
    owner.flags = AddressFlag::NoDad;
    ASSERT_TRUE(address::add(sock(), owner));
    start();
    Address dup{a, prefix("2001:db8:8::1", 64)};
    ASSERT_TRUE(address::add(sock(), dup));
    auto* failed = wait_for<AddressDadFailed>([&](const AddressDadFailed& e) { return e.address.ifindex == a; });
    ASSERT_NE(failed, nullptr);
    EXPECT_TRUE(failed->address.flags.has(AddressFlag::DadFailed));
    EXPECT_NE(ip("-6 addr show dev veth0").find("dadfailed"), std::string::npos);
}

TEST_F(MonitorTest, SeesRoutesAddedChangedAndRemoved) {
    auto [a, b] = add_veth("veth0", "veth1");
    ASSERT_TRUE(link::set_up(sock(), b));
    ASSERT_TRUE(link::set_up(sock(), a));
    ASSERT_TRUE(address::add(sock(), Address{a, prefix("192.0.2.1", 24)}));
    start();
    Route r{prefix("198.51.100.0", 24), *IpAddress::parse("192.0.2.254"), a};
    ASSERT_TRUE(route::add(sock(), r));
    EXPECT_NE(wait_for<RouteAdded>([&](const RouteAdded& e) { return e.route.destination == r.destination; }), nullptr);
    r.gateway = *IpAddress::parse("192.0.2.253");
    ASSERT_TRUE(route::replace(sock(), r));
    auto* changed = wait_for<RouteChanged>([&](const RouteChanged& e) { return e.route.destination == r.destination; });
    ASSERT_NE(changed, nullptr);
    EXPECT_EQ(changed->route.gateway, r.gateway);
    EXPECT_EQ(changed->previous.gateway, IpAddress::parse("192.0.2.254"));
    ASSERT_TRUE(route::remove(sock(), r));
    EXPECT_NE(wait_for<RouteRemoved>([&](const RouteRemoved& e) { return e.route.destination == r.destination; }),
              nullptr);
}

// With a receive buffer far too small for the burst, the kernel drops
// notifications (ENOBUFS). The monitor must re-dump and report every address
// it did not see, so that the union of events is still complete.
TEST_F(MonitorTest, SurvivesAnOverrunByRedumpingAndReportingTheDifferences) {
    auto [a, b] = add_veth("veth0", "veth1");
    start(Monitor::Options{.receive_buffer_bytes = 4096});
    constexpr int kAddresses = 300;
    std::set<IpPrefix> expected;
    for (int i = 0; i < kAddresses; ++i) {
        Address x{a, IpPrefix{Ipv4Address::from_host(0x0A400000u + static_cast<unsigned>(i) + 1), 32}};
        ASSERT_TRUE(address::add(sock(), x));
        expected.insert(x.local);
    }
    // The loop has not run during the burst: the small buffer overran.
    std::set<IpPrefix> seen;
    bool resynced = false;
    loop_.run_until(
        [&] {
            for (const auto& e : events_) {
                if (auto* added = std::get_if<AddressAdded>(&e)) seen.insert(added->address.local);
                if (std::holds_alternative<Resynced>(e)) resynced = true;
            }
            return seen.size() == expected.size();
        },
        10s);
    EXPECT_TRUE(resynced);
    EXPECT_GE(monitor_->resyncs(), 1u);
    EXPECT_EQ(seen, expected);
    for (const auto& e : events_) EXPECT_FALSE(std::holds_alternative<MonitorFailed>(e));
    std::size_t in_state = 0;
    for (const auto& [key, address] : monitor_->state().addresses()) in_state += expected.count(address.local);
    EXPECT_EQ(in_state, expected.size());
}

TEST_F(MonitorTest, HandlerMayDestroyTheMonitor) {
    add_veth("veth0", "veth1");
    int batches = 0;
    auto m = Monitor::start(loop_.get(), [&](std::vector<MonitorEvent>) {
        ++batches;
        monitor_.reset();
    });
    ASSERT_TRUE(m);
    monitor_ = std::move(*m);
    ip("link set veth0 up");
    EXPECT_TRUE(loop_.run_until([&] { return monitor_ == nullptr; }, 5s));
    ip("link set veth0 down");
    loop_.run_until([] { return false; }, 100ms);
    EXPECT_EQ(batches, 1) << "no callback after the monitor is gone";
}

}  // namespace
}  // namespace earlynet::netlink
