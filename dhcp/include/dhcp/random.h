// Random: the engines' only source of randomness (xids, retransmission
// jitter, ACD probe delays). Seeded by the caller: the adapter seeds it from
// getrandom(2), tests with a constant so the same test gives the same bytes.
#pragma once

#include <cstdint>

#include "base/clock.h"

namespace earlynet::dhcp {

// splitmix64 (Steele, Lea, Flood 2014): tiny, statistically fine for jitter and
// xids, which need to be unpredictable to other hosts only as much as RFC 2131
// asks (a fresh getrandom seed per client gives that).
class Random {
public:
    explicit Random(std::uint64_t seed) : state_(seed) {}

    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    std::uint32_t next_u32() { return static_cast<std::uint32_t>(next() >> 32); }
    // Uniform in [low, high] (inclusive), for durations.
    Duration between(Duration low, Duration high) {
        if (high <= low) return low;
        auto span = static_cast<std::uint64_t>((high - low).count()) + 1;
        return low + Duration(static_cast<Duration::rep>(next() % span));
    }

private:
    std::uint64_t state_;
};

}  // namespace earlynet::dhcp

#include <sys/random.h>

namespace earlynet::dhcp {

// A seed from the kernel's entropy pool (getrandom(2); never blocks once the
// pool is initialised, and falls back to the clock when it would).
inline std::uint64_t random_seed() {
    std::uint64_t seed = 0;
    if (::getrandom(&seed, sizeof seed, GRND_NONBLOCK) != static_cast<ssize_t>(sizeof seed))
        seed = static_cast<std::uint64_t>(boot_time_now().since_boot.count()) * 0x9e3779b97f4a7c15ULL;
    return seed;
}

}  // namespace earlynet::dhcp
