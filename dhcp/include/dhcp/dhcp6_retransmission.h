// Dhcp6Retransmission: when a DHCPv6 client sends a message again and when it
// gives up, as RFC 8415 section 15 computes it, without I/O: time and
// randomness are passed in, so every schedule is a unit test.
//
//   RT = IRT + RAND*IRT for the first wait (RAND > 0 for SOLICIT: section
//   15, so that the first ADVERTISEs may all be collected), then
//   RT = 2*RTprev + RAND*RTprev, capped near MRT (RT = MRT + RAND*MRT), RAND
//   uniform in [-0.1, +0.1]. The exchange fails after MRC transmissions or
//   MRD since the first one (either, when both are set; never, when neither).
#pragma once

#include <cstdint>

#include "base/clock.h"
#include "dhcp/random.h"

namespace earlynet::dhcp {

struct Dhcp6RetransmissionParameters {
    Duration irt{0};                   // initial retransmission time
    Duration mrt{0};                   // maximum retransmission time; 0 = none
    int mrc = 0;                       // maximum transmissions; 0 = none
    Duration mrd{0};                   // maximum duration; 0 = none
    bool first_rand_positive = false;  // SOLICIT's first RT must exceed IRT
};

// RFC 8415 section 7.6 and the sections of each message (18.2.x). RENEW and
// REBIND have an MRD of their own (until T2, until the last valid lifetime
// ends): the client sets it from the lease.
namespace dhcp6_timing {
using std::chrono::seconds;
inline constexpr Dhcp6RetransmissionParameters kSolicit{seconds(1), seconds(3600), 0, seconds(0), true};
inline constexpr Dhcp6RetransmissionParameters kRequest{seconds(1), seconds(30), 10, seconds(0)};
inline constexpr Dhcp6RetransmissionParameters kConfirm{seconds(1), seconds(4), 0, seconds(10)};
inline constexpr Dhcp6RetransmissionParameters kRenew{seconds(10), seconds(600), 0, seconds(0)};
inline constexpr Dhcp6RetransmissionParameters kRebind{seconds(10), seconds(600), 0, seconds(0)};
inline constexpr Dhcp6RetransmissionParameters kInformationRequest{seconds(1), seconds(3600), 0, seconds(0)};
inline constexpr Dhcp6RetransmissionParameters kRelease{seconds(1), seconds(0), 4, seconds(0)};
inline constexpr Dhcp6RetransmissionParameters kDecline{seconds(1), seconds(0), 4, seconds(0)};
}  // namespace dhcp6_timing

class Dhcp6Retransmission {
public:
    explicit Dhcp6Retransmission(const Dhcp6RetransmissionParameters& parameters) : p_(parameters) {}

    // The first transmission happens at `now`.
    void start(BootTime now, Random& random);

    enum class Step { Retransmit, GiveUp };
    // The deadline passed (the caller calls this at or after deadline()):
    // send again now (counted), or the exchange has failed.
    Step on_timeout(BootTime now, Random& random);

    // When on_timeout() is due: the last transmission + RT, or the end of
    // MRD when that comes first.
    BootTime deadline() const;
    int transmissions() const { return transmissions_; }
    Duration current_rt() const { return rt_; }
    // Option 8 (elapsed time, RFC 8415 21.9): hundredths of a second since
    // the first transmission, 0xffff at most.
    std::uint16_t elapsed_centiseconds(BootTime now) const;

private:
    Duration randomized(Duration base, Random& random, bool positive) const;

    Dhcp6RetransmissionParameters p_;
    BootTime started_;
    BootTime last_sent_;
    Duration rt_{0};
    int transmissions_ = 0;
};

}  // namespace earlynet::dhcp
