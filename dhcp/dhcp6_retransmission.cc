#include "dhcp/dhcp6_retransmission.h"

#include <algorithm>

namespace earlynet::dhcp {

// base + RAND*base, RAND uniform in [-0.1, +0.1] (in (0, +0.1] when positive).
Duration Dhcp6Retransmission::randomized(Duration base, Random& random, bool positive) const {
    Duration tenth = base / 10;
    Duration low = positive ? Duration(1) : -tenth;
    return base + random.between(low, tenth);
}

void Dhcp6Retransmission::start(BootTime now, Random& random) {
    started_ = now;
    last_sent_ = now;
    transmissions_ = 1;
    rt_ = randomized(p_.irt, random, p_.first_rand_positive);
}

Dhcp6Retransmission::Step Dhcp6Retransmission::on_timeout(BootTime now, Random& random) {
    if (p_.mrd.count() != 0 && now >= started_ + p_.mrd) return Step::GiveUp;
    if (p_.mrc != 0 && transmissions_ >= p_.mrc) return Step::GiveUp;
    // 2*RTprev + RAND*RTprev: the randomness is a tenth of RTprev, not of 2*RTprev.
    Duration next = rt_ + randomized(rt_, random, false);
    if (p_.mrt.count() != 0 && next > p_.mrt) next = randomized(p_.mrt, random, false);
    rt_ = next;
    last_sent_ = now;
    ++transmissions_;
    return Step::Retransmit;
}

BootTime Dhcp6Retransmission::deadline() const {
    BootTime at = last_sent_ + rt_;
    if (p_.mrd.count() != 0) at = std::min(at, started_ + p_.mrd);
    return at;
}

std::uint16_t Dhcp6Retransmission::elapsed_centiseconds(BootTime now) const {
    if (transmissions_ == 0 || now <= started_) return 0;
    auto cs = std::chrono::duration_cast<std::chrono::milliseconds>(now - started_).count() / 10;
    return static_cast<std::uint16_t>(std::min<long long>(cs, 0xffff));
}

}  // namespace earlynet::dhcp
