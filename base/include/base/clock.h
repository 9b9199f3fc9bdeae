// Clock vocabulary. Engines take `now` as an argument on CLOCK_BOOTTIME, which
// keeps counting across suspend (a lease keeps expiring while the machine sleeps).
#pragma once

#include <time.h>

#include <chrono>
#include <cstdint>

namespace earlynet {

using Duration = std::chrono::nanoseconds;
using Milliseconds = std::chrono::milliseconds;
using Seconds = std::chrono::seconds;

// A point on CLOCK_BOOTTIME.
struct BootTime {
    Duration since_boot{0};
    auto operator<=>(const BootTime&) const = default;
    BootTime operator+(Duration d) const { return BootTime{since_boot + d}; }
    Duration operator-(BootTime o) const { return since_boot - o.since_boot; }
};

inline BootTime boot_time_now() {
    timespec ts{};
    ::clock_gettime(CLOCK_BOOTTIME, &ts);
    return BootTime{std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec)};
}

// sd-event timers count microseconds on CLOCK_BOOTTIME. Rounding an engine's
// nanosecond deadline down would wake the adapter just before it, to an
// on_timer() that finds nothing due and a timer re-armed in the past,
// spinning until the deadline: round up.
inline std::uint64_t usec_at_or_after(BootTime t) {
    return static_cast<std::uint64_t>(std::chrono::ceil<std::chrono::microseconds>(t.since_boot).count());
}

// sd-event's accuracy 0 means its default, 250 ms, which would let a 200 ms
// ACD probe or a 4 s retransmission slip by a quarter second each time.
inline constexpr std::uint64_t kTimerAccuracyUsec = 1;

}  // namespace earlynet
