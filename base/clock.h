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

}  // namespace earlynet
