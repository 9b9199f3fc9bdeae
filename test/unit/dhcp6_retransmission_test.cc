// RFC 8415 section 15 schedules, with time and randomness passed in: every
// bound is checked over many seeds, so a formula that strays outside the
// RFC's ranges (or never randomizes) fails.
#include "dhcp/dhcp6_retransmission.h"

#include <gtest/gtest.h>

namespace earlynet::dhcp {
namespace {

using namespace std::chrono_literals;

BootTime at(Duration d) {
    return BootTime{d};
}

// Drives the schedule through `steps` timeouts and returns each RT.
std::vector<Duration> rts(const Dhcp6RetransmissionParameters& p, std::uint64_t seed, int steps) {
    Random random(seed);
    Dhcp6Retransmission r(p);
    r.start(at(0s), random);
    std::vector<Duration> out{r.current_rt()};
    for (int i = 0; i < steps; ++i) {
        if (r.on_timeout(r.deadline(), random) != Dhcp6Retransmission::Step::Retransmit) break;
        out.push_back(r.current_rt());
    }
    return out;
}

TEST(Dhcp6RetransmissionTest, SolicitsFirstWaitIsStrictlyLongerThanIrtAndAtMostATenthMore) {
    bool varied = false;
    Duration first_seen = rts(dhcp6_timing::kSolicit, 1, 0).front();
    for (std::uint64_t seed = 1; seed <= 1000; ++seed) {
        Duration first = rts(dhcp6_timing::kSolicit, seed, 0).front();
        EXPECT_GT(first, 1s) << seed;
        EXPECT_LE(first, 1100ms) << seed;
        varied = varied || first != first_seen;
    }
    EXPECT_TRUE(varied) << "RAND never varied";
}

TEST(Dhcp6RetransmissionTest, OtherFirstWaitsMayBeShorterThanIrt) {
    bool shorter = false;
    for (std::uint64_t seed = 1; seed <= 1000; ++seed) {
        Duration first = rts(dhcp6_timing::kRequest, seed, 0).front();
        EXPECT_GE(first, 900ms) << seed;
        EXPECT_LE(first, 1100ms) << seed;
        shorter = shorter || first < 1s;
    }
    EXPECT_TRUE(shorter) << "RAND is in [-0.1, +0.1], not only positive";
}

TEST(Dhcp6RetransmissionTest, EachWaitIsTwiceThePreviousPlusATenthOfItUntilMrt) {
    for (std::uint64_t seed = 1; seed <= 200; ++seed) {
        auto waits = rts(dhcp6_timing::kSolicit, seed, 20);
        ASSERT_EQ(waits.size(), 21u) << "SOLICIT has no MRC and no MRD: it never gives up";
        for (std::size_t i = 1; i < waits.size(); ++i) {
            Duration prev = waits[i - 1], rt = waits[i];
            if (2 * prev < 3600s - prev / 10) {  // far from the cap: 2*RTprev + RAND*RTprev
                EXPECT_GE(rt, 2 * prev - prev / 10) << seed << " step " << i;
                EXPECT_LE(rt, 2 * prev + prev / 10) << seed << " step " << i;
            }
            EXPECT_LE(rt, 3960s) << "MRT + RAND*MRT at most";
        }
        // After 12 doublings of ~1 s the cap holds: MRT + RAND*MRT.
        EXPECT_GE(waits.back(), 3240s) << seed;
    }
}

TEST(Dhcp6RetransmissionTest, RequestGivesUpAfterTenTransmissions) {
    Random random(7);
    Dhcp6Retransmission r(dhcp6_timing::kRequest);
    r.start(at(0s), random);
    int retransmits = 0;
    while (r.on_timeout(r.deadline(), random) == Dhcp6Retransmission::Step::Retransmit) {
        ++retransmits;
        EXPECT_LE(r.current_rt(), 33s) << "REQ_MAX_RT 30 s + a tenth";
        ASSERT_LT(retransmits, 100);
    }
    EXPECT_EQ(retransmits, 9);
    EXPECT_EQ(r.transmissions(), 10);
}

TEST(Dhcp6RetransmissionTest, ConfirmEndsAtItsMaximumDurationWhateverTheLastWait) {
    for (std::uint64_t seed = 1; seed <= 100; ++seed) {
        Random random(seed);
        Dhcp6Retransmission r(dhcp6_timing::kConfirm);
        r.start(at(5s), random);
        BootTime last = at(5s);
        while (true) {
            BootTime when = r.deadline();
            EXPECT_LE(when, at(15s)) << "never past first transmission + CNF_MAX_RD";
            EXPECT_GT(when, last);
            last = when;
            if (r.on_timeout(when, random) == Dhcp6Retransmission::Step::GiveUp) break;
            EXPECT_LE(r.current_rt(), 4400ms) << "CNF_MAX_RT 4 s + a tenth";
        }
        EXPECT_EQ(last, at(15s)) << seed;
    }
}

TEST(Dhcp6RetransmissionTest, ARenewCanBeBoundedByTheLeasesT2) {
    Dhcp6RetransmissionParameters renew = dhcp6_timing::kRenew;
    renew.mrd = 50s;  // T2 - T1 of the lease
    Random random(3);
    Dhcp6Retransmission r(renew);
    r.start(at(100s), random);
    EXPECT_GE(r.current_rt(), 9s);
    EXPECT_LE(r.current_rt(), 11s);
    int sends = 1;
    while (r.on_timeout(r.deadline(), random) == Dhcp6Retransmission::Step::Retransmit) ++sends;
    EXPECT_EQ(r.deadline(), at(150s));
    EXPECT_EQ(sends, 3) << "about 0, 10 and 30 s; the next wait (~40 s) passes T2";
}

TEST(Dhcp6RetransmissionTest, ElapsedTimeIsInHundredthsAndSaturates) {
    Random random(1);
    Dhcp6Retransmission r(dhcp6_timing::kSolicit);
    r.start(at(10s), random);
    EXPECT_EQ(r.elapsed_centiseconds(at(10s)), 0);
    EXPECT_EQ(r.elapsed_centiseconds(at(11500ms)), 150);
    EXPECT_EQ(r.elapsed_centiseconds(at(10s + 655350ms)), 0xffff);
    EXPECT_EQ(r.elapsed_centiseconds(at(10s + 3600s)), 0xffff);
}

TEST(Dhcp6RetransmissionTest, ReleaseAndDeclineAreSentFourTimesAtMost) {
    for (const auto& p : {dhcp6_timing::kRelease, dhcp6_timing::kDecline}) {
        Random random(9);
        Dhcp6Retransmission r(p);
        r.start(at(0s), random);
        while (r.on_timeout(r.deadline(), random) == Dhcp6Retransmission::Step::Retransmit) {
        }
        EXPECT_EQ(r.transmissions(), 4);
    }
}

}  // namespace
}  // namespace earlynet::dhcp
