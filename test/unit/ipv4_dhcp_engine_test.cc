// Ipv4DhcpEngine with time passed in: every fault path of ipv4.method=auto
// (conflict while probing and after bind, with and without a network root,
// NAK, expiry, a kernel that refuses the address or a renewal, carrier back,
// stop) as events in and actions out. The namespace suites (test/netns/
// fault_test.cc) prove the same paths against the real kernel and dnsmasq.
#include "device/ipv4_dhcp_engine.h"

#include <gtest/gtest.h>

#include <variant>
#include <vector>

namespace earlynet::device {
namespace {

using namespace std::chrono_literals;

Ipv4Address v4(const char* s) {
    return *Ipv4Address::parse(s);
}
BootTime at(Duration d) {
    return BootTime{std::chrono::hours(1) + d};
}
const HardwareAddress kMac = *HardwareAddress::parse_ethernet("52:54:00:12:34:56");
const HardwareAddress kIntruder = *HardwareAddress::parse_ethernet("02:00:00:00:00:99");

dhcp::Lease lease_of(const char* address, BootTime acquired, Seconds time = 3600s) {
    dhcp::Lease l;
    l.address = v4(address);
    l.prefix_length = 24;
    l.server_id = v4("10.77.0.1");
    l.lease_time = time;
    l.t1 = time / 2;
    l.t2 = time * 7 / 8;
    l.acquired_at = acquired;
    return l;
}

Result<void> refused() {
    return unexpected(ErrorCode::Invalid, "Operation not permitted");
}

class Ipv4DhcpEngineTest : public ::testing::Test {
protected:
    Ipv4DhcpEngine::Config config(bool network_root = false) {
        Ipv4DhcpEngine::Config c;
        c.name = "eth0";
        c.mac = kMac;
        c.dad_timeout = 200ms;
        c.network_root = network_root;
        return c;
    }

    static std::vector<Ipv4DhcpAction> drain(Ipv4DhcpEngine& e) {
        std::vector<Ipv4DhcpAction> all;
        while (auto a = e.next_action()) all.push_back(std::move(*a));
        return all;
    }
    template <typename T>
    static std::vector<T> of(const std::vector<Ipv4DhcpAction>& actions) {
        std::vector<T> r;
        for (const auto& a : actions)
            if (auto* t = std::get_if<T>(&a)) r.push_back(*t);
        return r;
    }
    template <typename T>
    static bool has(const std::vector<Ipv4DhcpAction>& actions) {
        return !of<T>(actions).empty();
    }

    // Started, granted, probed and configured: bound to `address` at `now`.
    void bind(Ipv4DhcpEngine& e, const dhcp::Lease& lease, BootTime now) {
        e.start(now);
        drain(e);
        e.on_client(dhcp::Granted{lease}, now);
        ASSERT_TRUE(has<ProbeStart>(drain(e)));
        e.on_acd(dhcp::AcdReady{}, now + 200ms);
        auto configure = of<ConfigureLease>(drain(e));
        ASSERT_EQ(configure.size(), 1u);
        e.on_configured({}, now + 200ms);
        auto done = drain(e);
        ASSERT_TRUE(has<ClientAccept>(done));
        ASSERT_EQ(e.state(), Ipv4DhcpEngine::State::Ready);
    }
};

TEST_F(Ipv4DhcpEngineTest, StartsTheClientAndSelectsAnOffer) {
    Ipv4DhcpEngine e(config());
    e.start(at(0s));
    auto started = drain(e);
    ASSERT_EQ(started.size(), 1u);
    EXPECT_TRUE(std::holds_alternative<ClientStart>(started[0]));
    auto offer = lease_of("10.77.0.23", at(1s));
    e.on_client(dhcp::Offered{offer}, at(1s));
    auto selected = of<ClientSelect>(drain(e));
    ASSERT_EQ(selected.size(), 1u);
    EXPECT_EQ(selected[0].offer, offer);
    EXPECT_EQ(e.state(), Ipv4DhcpEngine::State::Pending);
}

TEST_F(Ipv4DhcpEngineTest, AGrantedAddressIsProbedThenConfiguredForWhatIsLeftThenAccepted) {
    Ipv4DhcpEngine e(config());
    e.start(at(0s));
    drain(e);
    auto lease = lease_of("10.77.0.23", at(1s));
    e.on_client(dhcp::Granted{lease}, at(1s));
    auto probing = drain(e);
    auto probe = of<ProbeStart>(probing);
    ASSERT_EQ(probe.size(), 1u);
    EXPECT_EQ(probe[0].config.address, lease.address);
    EXPECT_EQ(probe[0].config.mac, kMac);
    EXPECT_EQ(probe[0].config.defence, dhcp::AcdDefence::Once);
    EXPECT_FALSE(has<ConfigureLease>(probing)) << "configured before the probe said it is free";

    e.on_acd(dhcp::AcdReady{}, at(11s));
    auto configure = of<ConfigureLease>(drain(e));
    ASSERT_EQ(configure.size(), 1u);
    EXPECT_EQ(configure[0].lease, lease);
    ASSERT_TRUE(configure[0].lifetime);
    EXPECT_EQ(*configure[0].lifetime, 3590s) << "the lifetime is what is left of the lease";
    EXPECT_EQ(e.state(), Ipv4DhcpEngine::State::Pending) << "ready before the kernel took it";

    e.on_configured({}, at(11s));
    auto accepted = drain(e);
    EXPECT_TRUE(has<ClientAccept>(accepted));
    EXPECT_TRUE(has<LeaseChanged>(accepted));
    EXPECT_EQ(e.state(), Ipv4DhcpEngine::State::Ready);
    ASSERT_TRUE(e.lease());
    EXPECT_EQ(e.lease()->address, lease.address);
}

TEST_F(Ipv4DhcpEngineTest, AnInfiniteLeaseHasNoLifetime) {
    Ipv4DhcpEngine e(config());
    e.start(at(0s));
    drain(e);
    e.on_client(dhcp::Granted{lease_of("10.77.0.23", at(0s), dhcp::Lease::kInfinite)}, at(0s));
    drain(e);
    e.on_acd(dhcp::AcdReady{}, at(1s));
    auto configure = of<ConfigureLease>(drain(e));
    ASSERT_EQ(configure.size(), 1u);
    EXPECT_FALSE(configure[0].lifetime);
}

TEST_F(Ipv4DhcpEngineTest, ZeroDadTimeoutConfiguresWithoutProbing) {
    auto c = config();
    c.dad_timeout = Duration::zero();
    Ipv4DhcpEngine e(c);
    e.start(at(0s));
    drain(e);
    e.on_client(dhcp::Granted{lease_of("10.77.0.23", at(0s))}, at(0s));
    auto actions = drain(e);
    EXPECT_FALSE(has<ProbeStart>(actions));
    EXPECT_TRUE(has<ConfigureLease>(actions));
}

TEST_F(Ipv4DhcpEngineTest, AConflictWhileProbingDeclinesAndConfiguresNothing) {
    Ipv4DhcpEngine e(config());
    e.start(at(0s));
    drain(e);
    e.on_client(dhcp::Granted{lease_of("10.77.0.23", at(0s))}, at(0s));
    drain(e);
    e.on_acd(dhcp::AcdConflict{kIntruder}, at(100ms));
    auto actions = drain(e);
    EXPECT_TRUE(has<ProbeStop>(actions));
    EXPECT_TRUE(has<ClientDecline>(actions));
    EXPECT_FALSE(has<ConfigureLease>(actions));
    EXPECT_FALSE(has<RemoveAddress>(actions)) << "nothing was configured";
    EXPECT_EQ(e.state(), Ipv4DhcpEngine::State::Pending);
    EXPECT_FALSE(e.lease());
    // A late word of the stopped probe changes nothing.
    e.on_acd(dhcp::AcdReady{}, at(200ms));
    EXPECT_TRUE(drain(e).empty());
}

// A second conflict after bind gives the address up: removed, then
// DECLINEd (the client waits 10 s and starts over), the record follows.
TEST_F(Ipv4DhcpEngineTest, ASecondConflictAfterBindRemovesAndDeclinesTheAddress) {
    Ipv4DhcpEngine e(config());
    auto lease = lease_of("10.77.0.23", at(0s));
    bind(e, lease, at(0s));
    e.on_acd(dhcp::AcdDefended{kIntruder, true}, at(60s));
    auto defended = drain(e);
    EXPECT_FALSE(has<RemoveAddress>(defended));
    EXPECT_FALSE(has<ClientDecline>(defended));

    e.on_acd(dhcp::AcdLost{kIntruder}, at(65s));
    auto actions = drain(e);
    ASSERT_TRUE(has<ProbeStop>(actions));
    auto removed = of<RemoveAddress>(actions);
    ASSERT_EQ(removed.size(), 1u);
    EXPECT_EQ(removed[0].lease.address, lease.address);
    EXPECT_TRUE(has<ClientDecline>(actions));
    EXPECT_TRUE(has<LeaseChanged>(actions));
    EXPECT_FALSE(e.lease());
    // Removal first, then DECLINE: the address is not used after we said it is taken.
    std::size_t remove_at = 0, decline_at = 0;
    for (std::size_t i = 0; i < actions.size(); ++i) {
        if (std::holds_alternative<RemoveAddress>(actions[i])) remove_at = i;
        if (std::holds_alternative<ClientDecline>(actions[i])) decline_at = i;
    }
    EXPECT_LT(remove_at, decline_at);

    // The next grant is probed anew.
    auto next = lease_of("10.77.0.24", at(76s));
    e.on_client(dhcp::Granted{next}, at(76s));
    auto probe = of<ProbeStart>(drain(e));
    ASSERT_EQ(probe.size(), 1u);
    EXPECT_EQ(probe[0].config.address, next.address);
}

// RFC 5227 2.4(c): with the root on the network the address is never given up.
TEST_F(Ipv4DhcpEngineTest, WithANetworkRootTheAddressIsDefendedIndefinitely) {
    Ipv4DhcpEngine e(config(true));
    e.start(at(0s));
    drain(e);
    e.on_client(dhcp::Granted{lease_of("10.77.0.23", at(0s))}, at(0s));
    auto probe = of<ProbeStart>(drain(e));
    ASSERT_EQ(probe.size(), 1u);
    EXPECT_EQ(probe[0].config.defence, dhcp::AcdDefence::Indefinitely);
    e.on_acd(dhcp::AcdReady{}, at(200ms));
    drain(e);
    e.on_configured({}, at(200ms));
    drain(e);
    for (int i = 0; i < 5; ++i) {
        e.on_acd(dhcp::AcdDefended{kIntruder, i % 2 == 0}, at(Seconds(60 + i)));
        auto actions = drain(e);
        EXPECT_FALSE(has<RemoveAddress>(actions));
        EXPECT_FALSE(has<ClientDecline>(actions));
        EXPECT_FALSE(has<ProbeStop>(actions));
    }
    EXPECT_TRUE(e.lease());
    EXPECT_EQ(e.state(), Ipv4DhcpEngine::State::Ready);
}

// A NAK or an expiry takes the address and its defender.
TEST_F(Ipv4DhcpEngineTest, ALostLeaseTakesItsAddressAndItsDefender) {
    for (auto reason : {dhcp::LossReason::Nak, dhcp::LossReason::Expired}) {
        Ipv4DhcpEngine e(config());
        auto lease = lease_of("10.77.0.23", at(0s));
        bind(e, lease, at(0s));
        e.on_client(dhcp::Lost{lease, reason}, at(1800s));
        auto actions = drain(e);
        EXPECT_TRUE(has<ProbeStop>(actions));
        auto removed = of<RemoveAddress>(actions);
        ASSERT_EQ(removed.size(), 1u);
        EXPECT_EQ(removed[0].lease.address, lease.address);
        EXPECT_FALSE(has<ClientDecline>(actions)) << "a NAK or an expiry is not a conflict";
        EXPECT_TRUE(has<LeaseChanged>(actions));
        EXPECT_FALSE(e.lease());
        // The old defender's words are not acted on any more.
        e.on_acd(dhcp::AcdLost{kIntruder}, at(1801s));
        EXPECT_TRUE(drain(e).empty());
    }
}

// A new address the kernel refuses is retried 0.25, 0.5, 1 s apart,
// then the family fails; never DECLINEd.
TEST_F(Ipv4DhcpEngineTest, AKernelRefusingANewAddressIsRetriedThenFailsWithoutDecline) {
    Ipv4DhcpEngine e(config());
    e.start(at(0s));
    drain(e);
    auto lease = lease_of("10.77.0.23", at(0s));
    e.on_client(dhcp::Granted{lease}, at(0s));
    drain(e);
    e.on_acd(dhcp::AcdReady{}, at(200ms));
    ASSERT_EQ(of<ConfigureLease>(drain(e)).size(), 1u);

    BootTime now = at(200ms);
    std::vector<Duration> waits;
    for (int attempt = 1; attempt < Ipv4DhcpEngine::kConfigureAttempts; ++attempt) {
        e.on_configured(refused(), now);
        auto actions = drain(e);
        EXPECT_FALSE(has<ClientDecline>(actions));
        ASSERT_TRUE(e.next_deadline());
        waits.push_back(*e.next_deadline() - now);
        e.on_timer(BootTime{e.next_deadline()->since_boot - 1ms});  // early: nothing
        EXPECT_TRUE(drain(e).empty());
        now = *e.next_deadline();
        e.on_timer(now);
        auto retried = of<ConfigureLease>(drain(e));
        ASSERT_EQ(retried.size(), 1u);
        EXPECT_EQ(retried[0].lease.address, lease.address);
    }
    EXPECT_EQ(waits, (std::vector<Duration>{250ms, 500ms, 1000ms}));
    e.on_configured(refused(), now);
    auto last = drain(e);
    EXPECT_FALSE(has<ClientDecline>(last));
    EXPECT_TRUE(has<ClientStop>(last));
    EXPECT_TRUE(has<ProbeStop>(last));
    EXPECT_EQ(e.state(), Ipv4DhcpEngine::State::Failed);
    EXPECT_NE(e.reason().find("cannot configure 10.77.0.23"), std::string::npos) << e.reason();
    EXPECT_FALSE(e.next_deadline());
}

TEST_F(Ipv4DhcpEngineTest, AKernelRefusalThatPassesEndsInABoundLease) {
    Ipv4DhcpEngine e(config());
    e.start(at(0s));
    drain(e);
    e.on_client(dhcp::Granted{lease_of("10.77.0.23", at(0s))}, at(0s));
    drain(e);
    e.on_acd(dhcp::AcdReady{}, at(200ms));
    drain(e);
    e.on_configured(refused(), at(200ms));
    drain(e);
    e.on_timer(*e.next_deadline());
    ASSERT_EQ(of<ConfigureLease>(drain(e)).size(), 1u);
    e.on_configured({}, at(450ms));
    auto actions = drain(e);
    EXPECT_TRUE(has<ClientAccept>(actions));
    EXPECT_EQ(e.state(), Ipv4DhcpEngine::State::Ready);
    EXPECT_FALSE(e.next_deadline());
}

// A renewal the kernel refuses would let the kernel drop the address
// at the old lifetime: retried (backing off to 30 s) with what is left of the
// lease then, until it takes; the lease stays in use meanwhile.
TEST_F(Ipv4DhcpEngineTest, ARefusedRenewalIsRetriedUntilItTakes) {
    Ipv4DhcpEngine e(config());
    auto lease = lease_of("10.77.0.23", at(0s));
    bind(e, lease, at(0s));
    auto renewed = lease_of("10.77.0.23", at(1800s));
    e.on_client(dhcp::Extended{renewed}, at(1800s));
    auto actions = drain(e);
    ASSERT_EQ(of<ConfigureLease>(actions).size(), 1u);
    EXPECT_EQ(*of<ConfigureLease>(actions)[0].lifetime, 3600s);
    EXPECT_TRUE(has<LeaseChanged>(actions));

    BootTime now = at(1800s);
    Duration last_wait{};
    for (int failure = 1; failure <= 10; ++failure) {
        e.on_configured(refused(), now);
        EXPECT_TRUE(drain(e).empty());
        ASSERT_TRUE(e.next_deadline());
        last_wait = *e.next_deadline() - now;
        now = *e.next_deadline();
        e.on_timer(now);
        auto retry = of<ConfigureLease>(drain(e));
        ASSERT_EQ(retry.size(), 1u);
        EXPECT_EQ(*retry[0].lifetime, 3600s - std::chrono::duration_cast<Seconds>(now - at(1800s)));
        EXPECT_EQ(e.state(), Ipv4DhcpEngine::State::Ready);
        EXPECT_TRUE(e.lease());
    }
    EXPECT_EQ(last_wait, Ipv4DhcpEngine::kLastConfigureRetry);
    e.on_configured({}, now);
    EXPECT_TRUE(drain(e).empty());
    EXPECT_FALSE(e.next_deadline()) << "retried after it took";
}

TEST_F(Ipv4DhcpEngineTest, ALeaseLostWhileARetryWaitsCancelsTheRetry) {
    Ipv4DhcpEngine e(config());
    auto lease = lease_of("10.77.0.23", at(0s));
    bind(e, lease, at(0s));
    e.on_client(dhcp::Extended{lease_of("10.77.0.23", at(1800s))}, at(1800s));
    drain(e);
    e.on_configured(refused(), at(1800s));
    ASSERT_TRUE(e.next_deadline());
    e.on_client(dhcp::Lost{lease, dhcp::LossReason::Nak}, at(1800s) + 100ms);
    drain(e);
    EXPECT_FALSE(e.next_deadline());
    e.on_timer(at(1801s));
    EXPECT_TRUE(drain(e).empty());
}

TEST_F(Ipv4DhcpEngineTest, ASavedLeaseIsContinuedWithoutTouchingTheAddressAndItsAddressIsWatched) {
    auto c = config();
    auto saved = lease_of("10.77.0.23", at(0s));
    c.saved_lease = saved;
    Ipv4DhcpEngine e(c);
    e.start(at(100s));
    auto actions = drain(e);
    auto bound = of<ClientStartBound>(actions);
    ASSERT_EQ(bound.size(), 1u);
    EXPECT_EQ(bound[0].lease, saved);
    EXPECT_FALSE(has<ClientStart>(actions));
    EXPECT_FALSE(has<ConfigureLease>(actions));
    // Watched, not probed: a conflict in the real root is defended too.
    auto watch = of<ProbeStart>(actions);
    ASSERT_EQ(watch.size(), 1u);
    EXPECT_TRUE(watch[0].watch_only);
    EXPECT_EQ(watch[0].config.address, saved.address);
    EXPECT_EQ(e.state(), Ipv4DhcpEngine::State::Ready);
    ASSERT_TRUE(e.lease());
    // A second conflict gives it up as in the initrd.
    e.on_acd(dhcp::AcdLost{kIntruder}, at(200s));
    auto lost = drain(e);
    EXPECT_EQ(of<RemoveAddress>(lost).size(), 1u);
    EXPECT_TRUE(has<ClientDecline>(lost));
}

// The address of a trusted saved lease is gone (someone flushed
// it between the initrd and the real root): put back at once, for what is
// left of the lease, and retried until the kernel takes it.
TEST_F(Ipv4DhcpEngineTest, AVanishedAddressOfASavedLeaseIsPutBackForWhatIsLeft) {
    auto c = config();
    auto saved = lease_of("10.77.0.23", at(0s));
    c.saved_lease = saved;
    Ipv4DhcpEngine e(c);
    e.start(at(100s));
    drain(e);
    e.on_saved_address_gone(at(100s));
    auto put_back = of<ConfigureLease>(drain(e));
    ASSERT_EQ(put_back.size(), 1u);
    EXPECT_EQ(put_back[0].lease.address, saved.address);
    EXPECT_EQ(*put_back[0].lifetime, 3500s);
    e.on_configured(refused(), at(100s));
    ASSERT_TRUE(e.next_deadline());
    e.on_timer(*e.next_deadline());
    EXPECT_EQ(of<ConfigureLease>(drain(e)).size(), 1u);
    EXPECT_EQ(e.state(), Ipv4DhcpEngine::State::Ready);
}

TEST_F(Ipv4DhcpEngineTest, TheAddressOfALeaseThatCannotBeContinuedIsAskedForAgain) {
    auto c = config();
    c.init_reboot_address = v4("10.77.0.23");
    Ipv4DhcpEngine e(c);
    e.start(at(0s));
    auto actions = drain(e);
    auto reboot = of<ClientStartInitReboot>(actions);
    ASSERT_EQ(reboot.size(), 1u);
    EXPECT_EQ(reboot[0].address, v4("10.77.0.23"));
    EXPECT_FALSE(has<ClientStart>(actions));
    EXPECT_EQ(e.state(), Ipv4DhcpEngine::State::Pending);
    // The server's ACK is a grant like any other: probed, then used.
    e.on_client(dhcp::Granted{lease_of("10.77.0.23", at(1s))}, at(1s));
    EXPECT_TRUE(has<ProbeStart>(drain(e)));
}

TEST_F(Ipv4DhcpEngineTest, CarrierBackConfirmsTheLease) {
    Ipv4DhcpEngine e(config());
    bind(e, lease_of("10.77.0.23", at(0s)), at(0s));
    e.on_carrier_regained();
    auto actions = drain(e);
    EXPECT_TRUE(has<ClientLinkUp>(actions));
    EXPECT_FALSE(has<RemoveAddress>(actions)) << "carrier loss does not cost the address";
}

TEST_F(Ipv4DhcpEngineTest, StopKeepsTheAddressAndIgnoresWhatWasQueued) {
    Ipv4DhcpEngine e(config());
    bind(e, lease_of("10.77.0.23", at(0s)), at(0s));
    e.stop();
    auto actions = drain(e);
    EXPECT_TRUE(has<ClientStop>(actions));
    EXPECT_TRUE(has<ProbeStop>(actions));
    EXPECT_FALSE(has<RemoveAddress>(actions)) << "the handover needs the address";
    EXPECT_TRUE(e.lease());
    e.on_client(dhcp::Granted{lease_of("10.77.0.24", at(1s))}, at(1s));
    e.on_acd(dhcp::AcdLost{kIntruder}, at(1s));
    e.on_carrier_regained();
    EXPECT_TRUE(drain(e).empty());
}

TEST_F(Ipv4DhcpEngineTest, AnAddressThatCannotBeProbedIsUsedUnprobed) {
    Ipv4DhcpEngine e(config());
    e.start(at(0s));
    drain(e);
    e.on_client(dhcp::Granted{lease_of("10.77.0.23", at(0s))}, at(0s));
    drain(e);
    e.on_probe_unavailable("no ARP socket", at(0s));
    EXPECT_EQ(of<ConfigureLease>(drain(e)).size(), 1u);

    Ipv4DhcpEngine f(config());
    f.start(at(0s));
    drain(f);
    f.on_client(dhcp::Granted{lease_of("10.77.0.23", at(0s))}, at(0s));
    drain(f);
    f.on_acd(dhcp::AcdFailed{"three probes not sent"}, at(1s));
    auto actions = drain(f);
    EXPECT_TRUE(has<ProbeStop>(actions));
    EXPECT_EQ(of<ConfigureLease>(actions).size(), 1u);
}

TEST_F(Ipv4DhcpEngineTest, AWatchThatFailsAfterBindKeepsTheAddress) {
    Ipv4DhcpEngine e(config());
    bind(e, lease_of("10.77.0.23", at(0s)), at(0s));
    e.on_acd(dhcp::AcdFailed{"socket gone"}, at(10s));
    auto actions = drain(e);
    EXPECT_TRUE(has<ProbeStop>(actions));
    EXPECT_FALSE(has<RemoveAddress>(actions));
    EXPECT_FALSE(has<ConfigureLease>(actions));
    EXPECT_TRUE(e.lease());
}

TEST_F(Ipv4DhcpEngineTest, AClientThatGivesUpFailsTheFamily) {
    Ipv4DhcpEngine e(config());
    e.start(at(0s));
    drain(e);
    e.on_client(dhcp::Failed{Error{ErrorCode::Timeout, "no lease after 45 s"}}, at(45s));
    drain(e);
    EXPECT_EQ(e.state(), Ipv4DhcpEngine::State::Failed);
    EXPECT_EQ(e.reason(), "no lease after 45 s");
}

}  // namespace
}  // namespace earlynet::device
