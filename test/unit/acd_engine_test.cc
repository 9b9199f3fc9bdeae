// AcdEngine (RFC 5227) driven by synthetic ARP packets and a fake clock, and
// the ARP codec it speaks. Every test uses a fixed seed, so the same schedule
// comes out on every run.
#include "dhcp/acd_engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <variant>
#include <vector>

#include "dhcp/arp_packet.h"

namespace earlynet::dhcp {
namespace {

using namespace std::chrono_literals;

constexpr std::uint64_t kSeed = 5227;

Ipv4Address v4(const char* s) {
    return *Ipv4Address::parse(s);
}
HardwareAddress mac(const char* s) {
    return *HardwareAddress::parse_ethernet(s);
}

const HardwareAddress kOurMac = mac("52:54:00:00:00:01");
const HardwareAddress kTheirMac = mac("52:54:00:00:00:02");
const HardwareAddress kZeroMac = mac("00:00:00:00:00:00");
const Ipv4Address kAddress = v4("10.77.0.23");
const Ipv4Address kOtherAddress = v4("10.77.0.99");

// Another host's packets.
ArpPacket reply_from(const HardwareAddress& m, Ipv4Address sender, const HardwareAddress& target_mac = kOurMac,
                     Ipv4Address target = Ipv4Address()) {
    return ArpPacket{ArpOp::Reply, m, sender, target_mac, target};
}
ArpPacket request_from(const HardwareAddress& m, Ipv4Address sender, Ipv4Address target) {
    return ArpPacket{ArpOp::Request, m, sender, kZeroMac, target};
}
ArpPacket probe_from(const HardwareAddress& m, Ipv4Address target) {
    return request_from(m, Ipv4Address(), target);
}

template <typename T>
std::vector<T> of(const std::vector<AcdAction>& actions) {
    std::vector<T> r;
    for (const auto& a : actions)
        if (auto* t = std::get_if<T>(&a)) r.push_back(*t);
    return r;
}

class AcdEngineTest : public ::testing::Test {
protected:
    struct Sent {
        BootTime at;
        ArpPacket packet;
    };

    static AcdEngine::Config config(AcdTiming timing = AcdTiming::rfc5227()) {
        return AcdEngine::Config{kAddress, kOurMac, timing};
    }

    // Every action queued so far; sends are also kept in sent_ with the time.
    std::vector<AcdAction> drain(AcdEngine& e) {
        std::vector<AcdAction> all;
        while (auto a = e.next_action()) {
            if (auto* s = std::get_if<AcdSend>(&*a)) sent_.push_back({now_, s->packet});
            all.push_back(std::move(*a));
        }
        return all;
    }

    // Moves the clock to the engine's deadline and fires it.
    std::vector<AcdAction> fire(AcdEngine& e) {
        EXPECT_TRUE(e.next_deadline());
        if (!e.next_deadline()) return {};
        now_ = *e.next_deadline();
        e.on_timer(now_);
        return drain(e);
    }

    std::vector<AcdAction> receive(AcdEngine& e, const ArpPacket& p, Duration after = Duration::zero()) {
        now_ = now_ + after;
        e.receive(p, now_);
        return drain(e);
    }

    // Starts and fires timers until Ready; returns the time of Ready.
    BootTime probe_until_ready(AcdEngine& e) {
        e.start(now_);
        drain(e);
        for (int i = 0; i < 10; ++i)
            if (!of<AcdReady>(fire(e)).empty()) return now_;
        ADD_FAILURE() << "no Ready after 10 timer expiries";
        return now_;
    }

    // Probed, Ready, both announcements sent: watching.
    void bring_to_watching(AcdEngine& e) {
        probe_until_ready(e);
        while (e.next_deadline()) fire(e);
        ASSERT_EQ(e.state(), AcdState::Watching);
        sent_.clear();
    }

    std::vector<Sent> probes() const {
        std::vector<Sent> r;
        for (const auto& s : sent_)
            if (s.packet.sender_ip.is_unspecified()) r.push_back(s);
        return r;
    }
    std::vector<Sent> announcements() const {
        std::vector<Sent> r;
        for (const auto& s : sent_)
            if (!s.packet.sender_ip.is_unspecified()) r.push_back(s);
        return r;
    }

    BootTime now_{100s};
    std::vector<Sent> sent_;
};

// ---- timing -----------------------------------------------------------------

TEST(AcdTimingTest, Rfc5227IsTheRfcsTable) {
    AcdTiming t = AcdTiming::rfc5227();
    EXPECT_EQ(t.probe_wait, 1s);
    EXPECT_EQ(t.probe_num, 3);
    EXPECT_EQ(t.probe_min, 1s);
    EXPECT_EQ(t.probe_max, 2s);
    EXPECT_EQ(t.announce_wait, 2s);
    EXPECT_EQ(t.announce_num, 2);
    EXPECT_EQ(t.announce_interval, 2s);
    EXPECT_EQ(t.defend_interval, 10s);
}

TEST(AcdTimingTest, ScaledToSevenSecondsIsRfcExact) {
    // 7 s is the RFC's longest probe phase; the product of two such
    // durations in nanoseconds does not fit in 64 bits.
    AcdTiming s = AcdTiming::scaled(7s);
    AcdTiming r = AcdTiming::rfc5227();
    EXPECT_EQ(s.probe_wait, r.probe_wait);
    EXPECT_EQ(s.probe_min, r.probe_min);
    EXPECT_EQ(s.probe_max, r.probe_max);
    EXPECT_EQ(s.announce_wait, r.announce_wait);
}

TEST(AcdTimingTest, ScaledFitsTheLongestProbePhaseIntoTheTimeout) {
    for (Duration total : {Duration(1ms), Duration(200ms), Duration(3s), Duration(9s), Duration(30s)}) {
        AcdTiming t = AcdTiming::scaled(total);
        Duration longest = t.probe_wait + (t.probe_num - 1) * t.probe_max + t.announce_wait;
        EXPECT_LE(longest, total) << total.count();
        EXPECT_GE(longest, total - 10ns) << total.count();  // truncation of four divisions
        // The RFC's proportions stay: PROBE_MAX = 2 * PROBE_MIN = 2 * PROBE_WAIT.
        EXPECT_NEAR(static_cast<double>(t.probe_max.count()), 2.0 * static_cast<double>(t.probe_min.count()), 2.0);
        EXPECT_EQ(t.probe_min, t.probe_wait);
        EXPECT_EQ(t.probe_num, 3);
        // After the probe the address is in use; those keep the RFC's pace.
        EXPECT_EQ(t.announce_interval, 2s);
        EXPECT_EQ(t.defend_interval, 10s);
    }
    EXPECT_EQ(AcdTiming::scaled(30s).probe_wait, Duration(30s) / 7);
}

TEST(AcdTimingTest, DefaultIsNetworkManagers200Milliseconds) {
    AcdTiming d = AcdTiming::boot_default();
    AcdTiming s = AcdTiming::scaled(200ms);
    EXPECT_EQ(d.probe_wait, s.probe_wait);
    EXPECT_EQ(d.probe_max, s.probe_max);
    EXPECT_EQ(d.announce_wait, s.announce_wait);
    AcdEngine::Config c{kAddress, kOurMac};
    EXPECT_EQ(c.timing.probe_max, s.probe_max);
    EXPECT_EQ(c.timing.announce_wait, s.announce_wait);
}

// ---- probing ----------------------------------------------------------------

TEST_F(AcdEngineTest, SendsThreeProbesWithinRfcTimingThenReady) {
    AcdEngine e(config(), kSeed);
    EXPECT_EQ(e.state(), AcdState::Idle);
    const BootTime start = now_;
    BootTime ready = probe_until_ready(e);

    auto p = probes();
    ASSERT_EQ(p.size(), 3u);
    EXPECT_TRUE(announcements().empty()) << "announcing before Ready";
    // RFC 5227 2.1.1: first probe within PROBE_WAIT, then PROBE_MIN..PROBE_MAX apart.
    EXPECT_GE(p[0].at, start);
    EXPECT_LE(p[0].at, start + 1s);
    for (std::size_t i = 1; i < p.size(); ++i) {
        EXPECT_GE(p[i].at - p[i - 1].at, 1s);
        EXPECT_LE(p[i].at - p[i - 1].at, 2s);
    }
    // Ready exactly ANNOUNCE_WAIT after the last probe.
    EXPECT_EQ(ready - p[2].at, 2s);
    EXPECT_EQ(e.state(), AcdState::Announcing);
    // Each probe: a request from 0.0.0.0 and our MAC, for the address, target MAC zero.
    for (const auto& s : p) {
        EXPECT_EQ(s.packet.op, ArpOp::Request);
        EXPECT_EQ(s.packet.sender_mac, kOurMac);
        EXPECT_TRUE(s.packet.sender_ip.is_unspecified());
        EXPECT_EQ(s.packet.target_mac, kZeroMac);
        EXPECT_EQ(s.packet.target_ip, kAddress);
    }
}

TEST_F(AcdEngineTest, ProbeDelaysAreRandomAndStayInsideTheirRanges) {
    // Over many seeds: every delay inside its RFC range, and not all alike.
    std::vector<Duration> first_delays, gaps;
    for (std::uint64_t seed = 1; seed <= 64; ++seed) {
        sent_.clear();
        const BootTime start = now_;
        AcdEngine e(config(), seed);
        probe_until_ready(e);
        auto p = probes();
        ASSERT_EQ(p.size(), 3u);
        first_delays.push_back(p[0].at - start);
        gaps.push_back(p[1].at - p[0].at);
        gaps.push_back(p[2].at - p[1].at);
    }
    for (Duration d : first_delays) {
        EXPECT_GE(d, 0s);
        EXPECT_LE(d, 1s);
    }
    for (Duration g : gaps) {
        EXPECT_GE(g, 1s);
        EXPECT_LE(g, 2s);
    }
    auto [min_first, max_first] = std::minmax_element(first_delays.begin(), first_delays.end());
    auto [min_gap, max_gap] = std::minmax_element(gaps.begin(), gaps.end());
    EXPECT_GT(*max_first - *min_first, 500ms);
    EXPECT_GT(*max_gap - *min_gap, 500ms);
}

TEST_F(AcdEngineTest, SameSeedGivesTheSameSchedule) {
    auto schedule = [&](std::uint64_t seed) {
        sent_.clear();
        now_ = BootTime{100s};
        AcdEngine e(config(), seed);
        probe_until_ready(e);
        std::vector<BootTime> times;
        for (const auto& s : sent_) times.push_back(s.at);
        return times;
    };
    EXPECT_EQ(schedule(kSeed), schedule(kSeed));
    EXPECT_NE(schedule(kSeed), schedule(kSeed + 1));
}

TEST_F(AcdEngineTest, NotReadyBeforeAnnounceWaitAfterTheLastProbe) {
    AcdEngine e(config(), kSeed);
    e.start(now_);
    for (int i = 0; i < 3; ++i) fire(e);
    ASSERT_EQ(probes().size(), 3u);
    const BootTime last_probe = now_;
    ASSERT_EQ(e.next_deadline(), last_probe + 2s);
    // Early timer calls do nothing.
    e.on_timer(last_probe + (2s - 1ns));
    EXPECT_TRUE(of<AcdReady>(drain(e)).empty());
    EXPECT_EQ(e.state(), AcdState::Probing);
    e.on_timer(last_probe + 2s);
    EXPECT_EQ(of<AcdReady>(drain(e)).size(), 1u);
}

TEST_F(AcdEngineTest, DefaultTimingIsReadyWithin200Milliseconds) {
    for (std::uint64_t seed = 1; seed <= 32; ++seed) {
        sent_.clear();
        const BootTime start = now_;
        AcdEngine e(AcdEngine::Config{kAddress, kOurMac}, seed);
        BootTime ready = probe_until_ready(e);
        EXPECT_EQ(probes().size(), 3u);
        EXPECT_LE(ready - start, 200ms);
        // The shortest phase is 4/7 of the longest: 0 + 1 + 1 + 2 of 7 s.
        EXPECT_GE(ready - start, 114ms);
    }
}

TEST_F(AcdEngineTest, RfcTimingTakesFourToSevenSeconds) {
    for (std::uint64_t seed = 1; seed <= 32; ++seed) {
        const BootTime start = now_;
        AcdEngine e(config(AcdTiming::rfc5227()), seed);
        BootTime ready = probe_until_ready(e);
        EXPECT_GE(ready - start, 4s);
        EXPECT_LE(ready - start, 7s);
    }
}

TEST_F(AcdEngineTest, ReplyFromTheAddressWhileProbingIsAConflict) {
    AcdEngine e(config(), kSeed);
    e.start(now_);
    fire(e);  // first probe
    auto actions = receive(e, reply_from(kTheirMac, kAddress), 10ms);
    auto conflicts = of<AcdConflict>(actions);
    ASSERT_EQ(conflicts.size(), 1u);
    EXPECT_EQ(conflicts[0].mac, kTheirMac);
    EXPECT_EQ(e.state(), AcdState::Stopped);
    EXPECT_FALSE(e.next_deadline());
    // Nothing more: no further probe, no Ready, however long we wait.
    e.on_timer(now_ + 1h);
    EXPECT_TRUE(drain(e).empty());
    EXPECT_EQ(probes().size(), 1u);
}

TEST_F(AcdEngineTest, RequestFromTheAddressWhileProbingIsAConflict) {
    // An announcement (or any request) whose sender is the address: RFC 5227
    // 2.1.1 counts requests as well as replies.
    AcdEngine e(config(), kSeed);
    e.start(now_);
    fire(e);
    auto conflicts = of<AcdConflict>(receive(e, request_from(kTheirMac, kAddress, kAddress), 10ms));
    ASSERT_EQ(conflicts.size(), 1u);
    EXPECT_EQ(conflicts[0].mac, kTheirMac);
    EXPECT_EQ(e.state(), AcdState::Stopped);
}

TEST_F(AcdEngineTest, ConflictBeforeTheFirstProbeCounts) {
    // The probing period starts at start(), not at the first probe.
    AcdEngine e(config(), kSeed);
    e.start(now_);
    drain(e);
    auto conflicts = of<AcdConflict>(receive(e, reply_from(kTheirMac, kAddress)));
    EXPECT_EQ(conflicts.size(), 1u);
    EXPECT_TRUE(probes().empty());
    EXPECT_EQ(e.state(), AcdState::Stopped);
}

TEST_F(AcdEngineTest, ConflictDuringAnnounceWaitCounts) {
    AcdEngine e(config(), kSeed);
    e.start(now_);
    for (int i = 0; i < 3; ++i) fire(e);
    auto conflicts = of<AcdConflict>(receive(e, reply_from(kTheirMac, kAddress), 1999ms));
    EXPECT_EQ(conflicts.size(), 1u);
    EXPECT_FALSE(e.next_deadline());
}

TEST_F(AcdEngineTest, AnotherHostsProbeForTheAddressIsAConflictWhileProbing) {
    // RFC 5227 2.1.1: both probing at once; both must back off.
    AcdEngine e(config(), kSeed);
    e.start(now_);
    fire(e);
    auto conflicts = of<AcdConflict>(receive(e, probe_from(kTheirMac, kAddress), 5ms));
    ASSERT_EQ(conflicts.size(), 1u);
    EXPECT_EQ(conflicts[0].mac, kTheirMac);
    EXPECT_EQ(e.state(), AcdState::Stopped);
    EXPECT_FALSE(e.next_deadline());
}

TEST_F(AcdEngineTest, OurOwnPacketsAreIgnored) {
    // A packet socket can hand our own frames back; each is echoed into the
    // engine right after it is sent.
    AcdEngine e(config(), kSeed);
    e.start(now_);
    drain(e);
    std::vector<AcdAction> all;
    for (int i = 0; i < 10 && e.next_deadline(); ++i) {
        std::size_t before = sent_.size();
        for (auto& a : fire(e)) all.push_back(a);
        for (std::size_t j = before; j < sent_.size(); ++j)
            for (auto& a : receive(e, sent_[j].packet)) all.push_back(a);
    }
    EXPECT_EQ(probes().size(), 3u);
    EXPECT_EQ(announcements().size(), 2u);
    EXPECT_EQ(of<AcdReady>(all).size(), 1u);
    EXPECT_TRUE(of<AcdConflict>(all).empty());
    EXPECT_TRUE(of<AcdDefended>(all).empty());
    EXPECT_EQ(e.state(), AcdState::Watching);
    // And in use: a reply from our own MAC with the address (the kernel
    // answering for it) is no conflict either.
    auto actions = receive(e, reply_from(kOurMac, kAddress, kTheirMac, kOtherAddress), 1s);
    EXPECT_TRUE(actions.empty());
}

TEST_F(AcdEngineTest, UnrelatedArpIsIgnoredWhileProbing) {
    AcdEngine e(config(), kSeed);
    e.start(now_);
    fire(e);
    const ArpPacket unrelated[] = {
        // someone asking for the address from an address of its own: a
        // normal lookup, not a claim (RFC 5227 2.1.1 looks at sender IP)
        request_from(kTheirMac, kOtherAddress, kAddress),
        // traffic about other addresses
        request_from(kTheirMac, kOtherAddress, v4("10.77.0.1")),
        reply_from(kTheirMac, kOtherAddress, kOurMac, kAddress),
        probe_from(kTheirMac, kOtherAddress),
        // a reply whose *target* is the address says nothing about its owner
        reply_from(kTheirMac, v4("10.77.0.1"), kZeroMac, kAddress),
    };
    for (const auto& p : unrelated) EXPECT_TRUE(receive(e, p, 1ms).empty());
    EXPECT_EQ(e.state(), AcdState::Probing);
    while (e.state() == AcdState::Probing) fire(e);
    EXPECT_EQ(e.state(), AcdState::Announcing);
    EXPECT_EQ(probes().size(), 3u);
}

TEST_F(AcdEngineTest, PacketsBeforeStartAreIgnored) {
    AcdEngine e(config(), kSeed);
    EXPECT_TRUE(receive(e, reply_from(kTheirMac, kAddress)).empty());
    EXPECT_EQ(e.state(), AcdState::Idle);
    EXPECT_FALSE(e.next_deadline());
}

// ---- announcing -------------------------------------------------------------

TEST_F(AcdEngineTest, AnnouncesTwiceAfterReadyThenWatches) {
    AcdEngine e(config(), kSeed);
    BootTime ready = probe_until_ready(e);
    // Ready comes alone, so the caller configures the address before the
    // first announcement claims it; that one is due at once.
    EXPECT_TRUE(announcements().empty());
    EXPECT_EQ(e.next_deadline(), ready);
    fire(e);
    fire(e);
    auto a = announcements();
    ASSERT_EQ(a.size(), 2u);
    // RFC 5227 2.3: ANNOUNCE_NUM announcements, ANNOUNCE_INTERVAL apart.
    EXPECT_EQ(a[0].at, ready);
    EXPECT_EQ(a[1].at - a[0].at, 2s);
    for (const auto& s : a) {
        EXPECT_EQ(s.packet.op, ArpOp::Request);
        EXPECT_EQ(s.packet.sender_mac, kOurMac);
        EXPECT_EQ(s.packet.sender_ip, kAddress);
        EXPECT_EQ(s.packet.target_ip, kAddress);
        EXPECT_EQ(s.packet.target_mac, kZeroMac);
    }
    EXPECT_EQ(e.state(), AcdState::Watching);
    EXPECT_FALSE(e.next_deadline());
    EXPECT_EQ(probes().size(), 3u);  // no probe after Ready
}

TEST_F(AcdEngineTest, StateChangesAreReportedInOrder) {
    AcdEngine e(config(), kSeed);
    std::vector<AcdStateChanged> changes;
    e.start(now_);
    for (auto& c : of<AcdStateChanged>(drain(e))) changes.push_back(c);
    while (e.next_deadline())
        for (auto& c : of<AcdStateChanged>(fire(e))) changes.push_back(c);
    e.stop();
    for (auto& c : of<AcdStateChanged>(drain(e))) changes.push_back(c);
    const std::pair<AcdState, AcdState> expected[] = {
        {AcdState::Idle, AcdState::Probing},
        {AcdState::Probing, AcdState::Announcing},
        {AcdState::Announcing, AcdState::Watching},
        {AcdState::Watching, AcdState::Stopped},
    };
    ASSERT_EQ(changes.size(), std::size(expected));
    for (std::size_t i = 0; i < changes.size(); ++i) {
        EXPECT_EQ(changes[i].from, expected[i].first) << i;
        EXPECT_EQ(changes[i].to, expected[i].second) << i;
    }
    EXPECT_STREQ(to_string(AcdState::Announcing), "announcing");
}

// ---- defending --------------------------------------------------------------

TEST_F(AcdEngineTest, ConflictWhileInUseIsDefendedOnceWithAnAnnouncement) {
    AcdEngine e(config(), kSeed);
    bring_to_watching(e);
    auto actions = receive(e, reply_from(kTheirMac, kAddress), 30s);
    auto defended = of<AcdDefended>(actions);
    ASSERT_EQ(defended.size(), 1u);
    EXPECT_EQ(defended[0].mac, kTheirMac);
    ASSERT_EQ(sent_.size(), 1u);
    EXPECT_EQ(sent_[0].packet, make_announcement(kOurMac, kAddress));
    EXPECT_EQ(sent_[0].packet.sender_ip, kAddress);
    EXPECT_TRUE(of<AcdLost>(actions).empty());
    EXPECT_EQ(e.state(), AcdState::Watching);
}

TEST_F(AcdEngineTest, ConflictWhileAnnouncingIsDefended) {
    AcdEngine e(config(), kSeed);
    probe_until_ready(e);
    fire(e);  // first announcement
    ASSERT_EQ(e.state(), AcdState::Announcing);
    auto defended = of<AcdDefended>(receive(e, request_from(kTheirMac, kAddress, kAddress), 500ms));
    EXPECT_EQ(defended.size(), 1u);
    // The announcement schedule goes on.
    fire(e);
    EXPECT_EQ(e.state(), AcdState::Watching);
    EXPECT_EQ(announcements().size(), 3u);  // two scheduled, one in defence
}

TEST_F(AcdEngineTest, SecondConflictWithinDefendIntervalGivesAddressUp) {
    AcdEngine e(config(), kSeed);
    bring_to_watching(e);
    receive(e, reply_from(kTheirMac, kAddress), 30s);
    sent_.clear();
    auto actions = receive(e, reply_from(kTheirMac, kAddress), 10s - 1ms);
    auto lost = of<AcdLost>(actions);
    ASSERT_EQ(lost.size(), 1u);
    EXPECT_EQ(lost[0].mac, kTheirMac);
    EXPECT_TRUE(of<AcdDefended>(actions).empty());
    EXPECT_TRUE(sent_.empty()) << "announced an address it is giving up";
    EXPECT_EQ(e.state(), AcdState::Stopped);
    // Given up for good: further conflicts are not reported.
    EXPECT_TRUE(of<AcdLost>(receive(e, reply_from(kTheirMac, kAddress), 1s)).empty());
}

TEST_F(AcdEngineTest, ConflictAfterTheDefendIntervalIsDefendedAgain) {
    AcdEngine e(config(), kSeed);
    bring_to_watching(e);
    receive(e, reply_from(kTheirMac, kAddress), 30s);
    auto again = receive(e, reply_from(kTheirMac, kAddress), 10s);
    EXPECT_EQ(of<AcdDefended>(again).size(), 1u);
    EXPECT_TRUE(of<AcdLost>(again).empty());
    EXPECT_EQ(e.state(), AcdState::Watching);
    EXPECT_EQ(sent_.size(), 2u);
    // The interval counts from the latest defence, not the first.
    auto third = receive(e, reply_from(kTheirMac, kAddress), 9s);
    EXPECT_EQ(of<AcdLost>(third).size(), 1u);
}

TEST_F(AcdEngineTest, AnotherHostsProbeWhileInUseIsNoConflict) {
    // RFC 5227 2.4 looks at the sender IP only; the kernel answers the probe
    // for our configured address and the other host backs off.
    AcdEngine e(config(), kSeed);
    bring_to_watching(e);
    EXPECT_TRUE(receive(e, probe_from(kTheirMac, kAddress), 1s).empty());
    EXPECT_TRUE(receive(e, request_from(kTheirMac, kOtherAddress, kAddress), 1s).empty());
    EXPECT_EQ(e.state(), AcdState::Watching);
    EXPECT_TRUE(sent_.empty());
}

// ---- stopping and restarting ------------------------------------------------

TEST_F(AcdEngineTest, StopWhileProbingEndsEverything) {
    AcdEngine e(config(), kSeed);
    e.start(now_);
    fire(e);
    e.stop();
    drain(e);
    EXPECT_EQ(e.state(), AcdState::Stopped);
    EXPECT_FALSE(e.next_deadline());
    e.on_timer(now_ + 1h);
    EXPECT_TRUE(drain(e).empty());
    EXPECT_TRUE(receive(e, reply_from(kTheirMac, kAddress)).empty());
    EXPECT_EQ(sent_.size(), 1u);
}

TEST_F(AcdEngineTest, StopWhileInUseEndsDefence) {
    AcdEngine e(config(), kSeed);
    bring_to_watching(e);
    e.stop();
    drain(e);
    EXPECT_TRUE(receive(e, reply_from(kTheirMac, kAddress), 1s).empty());
    EXPECT_TRUE(sent_.empty());
}

TEST_F(AcdEngineTest, StartAfterAConflictProbesAfresh) {
    AcdEngine e(config(), kSeed);
    e.start(now_);
    fire(e);
    receive(e, probe_from(kTheirMac, kAddress));
    ASSERT_EQ(e.state(), AcdState::Stopped);
    sent_.clear();
    BootTime ready = probe_until_ready(e);
    EXPECT_EQ(probes().size(), 3u);
    EXPECT_EQ(e.next_deadline(), ready);
}

// ---- the ARP codec ----------------------------------------------------------

// A probe that never left is not a probe nobody answered.
TEST_F(AcdEngineTest, ProbeThatCouldNotBeSentIsSentAgainNotCounted) {
    AcdEngine e(config(), kSeed);
    e.start(now_);
    drain(e);
    fire(e);  // probe 1
    e.send_failed(now_);
    drain(e);
    int ready_after = 0;
    for (int i = 0; i < 10 && e.state() == AcdState::Probing; ++i) {
        ++ready_after;
        fire(e);
    }
    EXPECT_EQ(probes().size(), 4u) << "three probes that left, plus the one that did not";
    EXPECT_EQ(e.state(), AcdState::Announcing);
}

TEST_F(AcdEngineTest, ProbesThatCannotBeSentFailInsteadOfFindingTheAddressFree) {
    AcdEngine e(config(), kSeed);
    e.start(now_);
    drain(e);
    std::vector<AcdAction> all;
    for (int i = 0; i < 10 && e.next_deadline(); ++i) {
        for (auto& a : fire(e)) all.push_back(a);
        e.send_failed(now_);
        for (auto& a : drain(e)) all.push_back(a);
    }
    EXPECT_TRUE(of<AcdReady>(all).empty());
    ASSERT_EQ(of<AcdFailed>(all).size(), 1u);
    EXPECT_EQ(e.state(), AcdState::Stopped);
}

// RFC 5227 2.4(c): the address a network root depends on is never given up;
// at most one announcement per DEFEND_INTERVAL.
TEST_F(AcdEngineTest, DefendingIndefinitelyNeverGivesUpAndAnnouncesOncePerInterval) {
    auto c = config();
    c.defence = AcdDefence::Indefinitely;
    AcdEngine e(c, kSeed);
    bring_to_watching(e);
    std::vector<AcdAction> all;
    for (int i = 0; i < 12; ++i)
        for (auto& a : receive(e, reply_from(kTheirMac, kAddress), 1s)) all.push_back(a);
    EXPECT_TRUE(of<AcdLost>(all).empty());
    EXPECT_EQ(of<AcdDefended>(all).size(), 12u);
    EXPECT_EQ(announcements().size(), 2u) << "one per 10 s over 12 s";
    EXPECT_EQ(e.state(), AcdState::Watching);
}

TEST(ArpPacketTest, ProbeHasTheWireLayoutOfRfc5227) {
    auto bytes = serialize_arp(make_probe(kOurMac, kAddress));
    const std::vector<std::uint8_t> expected = {
        0x00, 0x01, 0x08, 0x00, 6,    4,    0x00, 0x01,  // Ethernet, IPv4, 6/4, request
        0x52, 0x54, 0x00, 0x00, 0x00, 0x01,              // sender MAC
        0,    0,    0,    0,                             // sender IP 0.0.0.0
        0,    0,    0,    0,    0,    0,                 // target MAC zero
        10,   77,   0,    23,                            // target IP
    };
    EXPECT_EQ(bytes, expected);
}

TEST(ArpPacketTest, RoundTripsAndAllowsEthernetPadding) {
    ArpPacket p = reply_from(kTheirMac, kAddress, kOurMac, kOtherAddress);
    auto bytes = serialize_arp(p);
    ASSERT_EQ(bytes.size(), ArpPacket::kSize);
    bytes.resize(46, 0);  // padded to the Ethernet minimum
    auto parsed = parse_arp(bytes);
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(*parsed, p);
}

TEST(ArpPacketTest, RejectsWhatIsNotEthernetIpv4ArpRequestOrReply) {
    const auto good = serialize_arp(make_announcement(kOurMac, kAddress));
    auto with = [&](std::size_t at, std::uint8_t value) {
        auto b = good;
        b[at] = value;
        return b;
    };
    const std::vector<std::uint8_t> bad[] = {
        std::vector<std::uint8_t>(good.begin(), good.end() - 1),  // truncated
        with(1, 6),                                               // hardware type IEEE 802
        with(2, 0x86),                                            // protocol IPv6
        with(4, 8),                                               // hardware address length
        with(5, 16),                                              // protocol address length
        with(7, 3),                                               // RARP request
    };
    for (const auto& b : bad) {
        auto r = parse_arp(b);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, ErrorCode::Malformed);
    }
}

// An address adopted after switch_root: watched at once, never probed or
// announced again, and defended as any other (RFC 5227 2.4).
TEST_F(AcdEngineTest, WatchingAnAddressInUseSendsNothingAndDefendsIt) {
    AcdEngine e(config(), kSeed);
    e.watch();
    auto started = drain(e);
    EXPECT_TRUE(of<AcdSend>(started).empty());
    EXPECT_TRUE(of<AcdReady>(started).empty());
    EXPECT_EQ(e.state(), AcdState::Watching);
    EXPECT_FALSE(e.next_deadline()) << "nothing scheduled: no probe, no announcement";
    auto first = receive(e, reply_from(kTheirMac, kAddress), 1s);
    ASSERT_EQ(of<AcdDefended>(first).size(), 1u);
    EXPECT_EQ(of<AcdSend>(first).size(), 1u) << "one defensive announcement";
    auto second = receive(e, reply_from(kTheirMac, kAddress), 2s);
    EXPECT_EQ(of<AcdLost>(second).size(), 1u);
}

}  // namespace
}  // namespace earlynet::dhcp
