// ActivationEngine with time passed in: the carrier wait and its timeout,
// NetworkManager's may-fail and required-timeout rules, carrier lost and back
// (before and after activation), a device that disappears, an internal error,
// a device taken down on request.
// The namespace suites (run, fault) prove the same against the real kernel.
#include "device/activation_engine.h"

#include <gtest/gtest.h>

#include <variant>
#include <vector>

namespace earlynet::device {
namespace {

using namespace std::chrono_literals;
using state::DeviceOutcome;

const BootTime kRunStarted{std::chrono::hours(2)};
BootTime at(Duration d) {
    return kRunStarted + d;
}

FamilyReport pending() {
    return {FamilyState::Pending, {}};
}
FamilyReport ready() {
    return {FamilyState::Ready, {}};
}
FamilyReport skipped() {
    return {FamilyState::Skipped, {}};
}
FamilyReport failed(std::string why) {
    return {FamilyState::Failed, std::move(why)};
}

class ActivationEngineTest : public ::testing::Test {
protected:
    ActivationEngine::Config config() {
        ActivationEngine::Config c;
        c.name = "eth0";
        c.carrier_timeout = 10s;
        c.run_started = kRunStarted;
        return c;
    }

    static std::vector<ActivationAction> drain(ActivationEngine& e) {
        std::vector<ActivationAction> all;
        while (auto a = e.next_action()) all.push_back(*a);
        return all;
    }
    template <typename T>
    static bool has(const std::vector<ActivationAction>& actions) {
        for (const auto& a : actions)
            if (std::holds_alternative<T>(a)) return true;
        return false;
    }

    // Seen at 100 ms, up with carrier at 200 ms: IP started.
    void start_with_carrier(ActivationEngine& e) {
        e.start(at(100ms));
        e.on_link_up(true, at(200ms));
        ASSERT_TRUE(has<StartIp>(drain(e)));
    }
};

TEST_F(ActivationEngineTest, NoCarrierWithinTheTimeoutFailsTheDevice) {
    ActivationEngine e(config());
    e.start(at(0s));
    e.on_link_up(false, at(100ms));
    EXPECT_TRUE(drain(e).empty());
    ASSERT_TRUE(e.next_deadline());
    EXPECT_EQ(*e.next_deadline(), at(100ms) + 10s);
    e.on_timer(at(10s));  // early
    EXPECT_TRUE(drain(e).empty());
    EXPECT_EQ(e.outcome(), DeviceOutcome::Activating);
    e.on_timer(at(100ms) + 10s);
    auto actions = drain(e);
    EXPECT_FALSE(has<StartIp>(actions));
    EXPECT_TRUE(has<StopFamilies>(actions));
    EXPECT_TRUE(has<DeviceChanged>(actions));
    EXPECT_EQ(e.outcome(), DeviceOutcome::Failed);
    EXPECT_EQ(e.failure_reason(), "no carrier after 10 s");
    EXPECT_FALSE(e.next_deadline());
    // Carrier after the failure starts nothing.
    e.on_carrier(true, at(11s));
    EXPECT_FALSE(has<StartIp>(drain(e)));
}

TEST_F(ActivationEngineTest, CarrierWithinTheTimeoutStartsIp) {
    ActivationEngine e(config());
    e.start(at(0s));
    e.on_link_up(false, at(100ms));
    e.on_carrier(true, at(3s));
    EXPECT_TRUE(has<StartIp>(drain(e)));
    EXPECT_FALSE(e.next_deadline()) << "the carrier timeout still runs";
    ASSERT_TRUE(e.timings().to_carrier);
    EXPECT_EQ(*e.timings().to_carrier, 3000ms);
    e.on_timer(at(11s));
    EXPECT_EQ(e.outcome(), DeviceOutcome::Activating);
}

TEST_F(ActivationEngineTest, APortIsDoneWhenItIsUp) {
    auto c = config();
    c.port = true;
    ActivationEngine e(c);
    e.start(at(0s));
    e.on_link_up(false, at(50ms));
    auto actions = drain(e);
    EXPECT_FALSE(has<StartIp>(actions));
    EXPECT_EQ(e.outcome(), DeviceOutcome::Activated);
}

TEST_F(ActivationEngineTest, ALinkThatCannotBePreparedFails) {
    ActivationEngine e(config());
    e.start(at(0s));
    e.on_link_failed("cannot attach it: Operation not supported", at(10ms));
    drain(e);
    EXPECT_EQ(e.outcome(), DeviceOutcome::Failed);
    EXPECT_EQ(e.failure_reason(), "cannot attach it: Operation not supported");
}

TEST_F(ActivationEngineTest, OneReadyFamilyIsEnoughWhenBothMayFail) {
    ActivationEngine e(config());
    start_with_carrier(e);
    e.on_families(pending(), pending(), false, at(300ms));
    EXPECT_EQ(e.outcome(), DeviceOutcome::Activating);
    e.on_families(ready(), pending(), true, at(1500ms));
    EXPECT_TRUE(has<DeviceChanged>(drain(e)));
    EXPECT_EQ(e.outcome(), DeviceOutcome::Activated);
    EXPECT_EQ(*e.timings().to_link, 100ms);
    EXPECT_EQ(*e.timings().to_carrier, 200ms);
    EXPECT_EQ(*e.timings().to_address, 1500ms);
    EXPECT_EQ(*e.timings().to_online, 1500ms);
}

TEST_F(ActivationEngineTest, AFamilyThatMayNotFailHoldsAndDecides) {
    auto c = config();
    c.v6.may_fail = false;
    ActivationEngine e(c);
    start_with_carrier(e);
    e.on_families(ready(), pending(), true, at(1s));
    EXPECT_EQ(e.outcome(), DeviceOutcome::Activating) << "IPv6 may not fail: it is waited for";
    e.on_families(ready(), failed("no usable IPv6 address after 45 s"), true, at(46s));
    auto actions = drain(e);
    EXPECT_TRUE(has<StopFamilies>(actions));
    EXPECT_EQ(e.outcome(), DeviceOutcome::Failed);
    EXPECT_EQ(e.failure_reason(), "no usable IPv6 address after 45 s");
}

TEST_F(ActivationEngineTest, ARequiredTimeoutHoldsActivationUntilItRunsOut) {
    auto c = config();
    c.v6.required_timeout = 5s;
    ActivationEngine e(c);
    start_with_carrier(e);
    ASSERT_TRUE(e.next_deadline());
    EXPECT_EQ(*e.next_deadline(), at(200ms) + 5s);
    e.on_families(ready(), pending(), true, at(1s));
    EXPECT_EQ(e.outcome(), DeviceOutcome::Activating);
    e.on_timer(at(5s));
    EXPECT_EQ(e.outcome(), DeviceOutcome::Activating);
    e.on_timer(at(200ms) + 5s);
    EXPECT_EQ(e.outcome(), DeviceOutcome::Activated);
    EXPECT_EQ(*e.timings().to_online, 5200ms);
}

TEST_F(ActivationEngineTest, ARequiredTimeoutMetEarlyActivatesAtOnce) {
    auto c = config();
    c.v6.required_timeout = 5s;
    ActivationEngine e(c);
    start_with_carrier(e);
    e.on_families(ready(), pending(), true, at(1s));
    e.on_families(ready(), ready(), true, at(2s));
    EXPECT_EQ(e.outcome(), DeviceOutcome::Activated);
    EXPECT_EQ(*e.timings().to_online, 2000ms);
}

TEST_F(ActivationEngineTest, EveryFamilyFailedFailsWithEveryReason) {
    ActivationEngine e(config());
    start_with_carrier(e);
    e.on_families(failed("no lease after 45 s"), failed("no router advertisement"), false, at(45s));
    EXPECT_EQ(e.outcome(), DeviceOutcome::Failed);
    EXPECT_EQ(e.failure_reason(), "no lease after 45 s; no router advertisement");
}

TEST_F(ActivationEngineTest, NothingToDoIsActivated) {
    ActivationEngine e(config());
    start_with_carrier(e);
    e.on_families(skipped(), skipped(), false, at(300ms));
    EXPECT_EQ(e.outcome(), DeviceOutcome::Activated);
}

// Carrier lost and back while bound: nothing given up; the lease confirmed.
TEST_F(ActivationEngineTest, CarrierLostAndBackAfterActivationConfirmsTheLease) {
    ActivationEngine e(config());
    start_with_carrier(e);
    e.on_families(ready(), skipped(), true, at(1s));
    drain(e);
    e.on_carrier(false, at(60s));
    auto lost = drain(e);
    EXPECT_FALSE(has<StopFamilies>(lost));
    EXPECT_FALSE(has<DropFamilies>(lost));
    EXPECT_FALSE(e.next_deadline()) << "no carrier timeout once activated";
    e.on_carrier(true, at(70s));
    auto back = drain(e);
    EXPECT_TRUE(has<ConfirmLease>(back));
    EXPECT_FALSE(has<StartIp>(back));
    EXPECT_EQ(e.outcome(), DeviceOutcome::Activated);
}

// Carrier back during acquisition: the client restarts its stalled DISCOVER.
TEST_F(ActivationEngineTest, CarrierBackDuringAcquisitionConfirmsToo) {
    ActivationEngine e(config());
    start_with_carrier(e);
    e.on_families(pending(), pending(), false, at(1s));
    e.on_carrier(false, at(2s));
    e.on_carrier(true, at(20s));
    auto back = drain(e);
    EXPECT_TRUE(has<ConfirmLease>(back));
    EXPECT_FALSE(has<StartIp>(back)) << "IP started once only";
    EXPECT_EQ(e.outcome(), DeviceOutcome::Activating);
}

TEST_F(ActivationEngineTest, ADeviceThatDisappearsWhileActivatingFails) {
    ActivationEngine e(config());
    start_with_carrier(e);
    e.on_link_removed(at(1s));
    auto actions = drain(e);
    EXPECT_TRUE(has<DropFamilies>(actions));
    EXPECT_EQ(e.outcome(), DeviceOutcome::Failed);
    EXPECT_EQ(e.failure_reason(), "the device disappeared");
}

TEST_F(ActivationEngineTest, ADeviceThatDisappearsAfterActivationKeepsItsOutcome) {
    ActivationEngine e(config());
    start_with_carrier(e);
    e.on_families(ready(), skipped(), true, at(1s));
    drain(e);
    e.on_link_removed(at(5s));
    EXPECT_TRUE(has<DropFamilies>(drain(e)));
    EXPECT_EQ(e.outcome(), DeviceOutcome::Activated);
}

TEST_F(ActivationEngineTest, AnInternalErrorFailsAnActivatingDeviceAndStopsAnActivatedOne) {
    ActivationEngine activating(config());
    start_with_carrier(activating);
    activating.fail_internal("internal error: boom", at(1s));
    EXPECT_TRUE(has<StopFamilies>(drain(activating)));
    EXPECT_EQ(activating.outcome(), DeviceOutcome::Failed);
    EXPECT_EQ(activating.failure_reason(), "internal error: boom");

    ActivationEngine activated(config());
    start_with_carrier(activated);
    activated.on_families(ready(), skipped(), true, at(1s));
    drain(activated);
    activated.fail_internal("internal error: boom", at(2s));
    EXPECT_TRUE(has<StopFamilies>(drain(activated)));
    EXPECT_EQ(activated.outcome(), DeviceOutcome::Activated) << "its addresses stay, and so does its outcome";
}

TEST_F(ActivationEngineTest, AfterActivationEveryChangeIsReported) {
    ActivationEngine e(config());
    start_with_carrier(e);
    e.on_families(skipped(), skipped(), false, at(1s));
    drain(e);
    EXPECT_FALSE(e.timings().to_address);
    e.on_families(skipped(), ready(), true, at(9s));  // a late IPv6 address
    EXPECT_TRUE(has<DeviceChanged>(drain(e)));
    ASSERT_TRUE(e.timings().to_address);
    EXPECT_EQ(*e.timings().to_address, 9000ms);
}

// Taken down (activated or still activating): the families go, the timers
// stop, and what the link does afterwards (carrier lost as it is set down,
// back later) changes nothing.
TEST_F(ActivationEngineTest, ADeviceTakenDownStaysDown) {
    ActivationEngine activated(config());
    start_with_carrier(activated);
    activated.on_families(ready(), skipped(), true, at(1s));
    drain(activated);
    activated.take_down(at(30s));
    auto actions = drain(activated);
    EXPECT_TRUE(has<TakeDown>(actions));
    EXPECT_TRUE(has<DeviceChanged>(actions));
    EXPECT_EQ(activated.outcome(), DeviceOutcome::Down);
    activated.on_carrier(false, at(31s));
    activated.on_carrier(true, at(40s));
    activated.on_families({}, {}, false, at(41s));
    EXPECT_TRUE(drain(activated).empty()) << "no lease confirmed, nothing reported";
    EXPECT_EQ(activated.outcome(), DeviceOutcome::Down);
    activated.take_down(at(50s));
    EXPECT_TRUE(drain(activated).empty()) << "down twice is down once";

    ActivationEngine activating(ActivationEngine::Config{config()});
    activating.start(at(100ms));
    activating.on_link_up(false, at(200ms));
    ASSERT_TRUE(activating.next_deadline()) << "waiting for carrier";
    activating.take_down(at(1s));
    EXPECT_TRUE(has<TakeDown>(drain(activating)));
    EXPECT_FALSE(activating.next_deadline()) << "no carrier timeout for a device taken down";
    activating.on_timer(at(20s));
    activating.on_carrier(true, at(21s));
    EXPECT_FALSE(has<StartIp>(drain(activating)));
    EXPECT_EQ(activating.outcome(), DeviceOutcome::Down);
    EXPECT_EQ(activating.failure_reason(), "");
}

}  // namespace
}  // namespace earlynet::device
