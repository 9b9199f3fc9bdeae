// Timeline marks for the benchmarks (test/bench): with --debug, one line per
// milestone of a start (profiles read, link up, DISCOVER, ACK, address, files,
// online, exit), stamped with the wall clock so a harness can put them beside
// its own stamps of when it started the process.
#pragma once

#include <time.h>

#include <string_view>

#include "base/log.h"

namespace earlynet::device {

// An event that happened at `ts` (CLOCK_REALTIME), logged now.
inline void timeline_mark_at(std::string_view event, const timespec& ts, std::string_view interface = {}) {
    if (!spdlog::should_log(spdlog::level::debug)) return;
    if (interface.empty())
        spdlog::debug("timeline {} {}.{:06}", event, ts.tv_sec, ts.tv_nsec / 1000);
    else
        spdlog::debug("timeline {}:{} {}.{:06}", event, interface, ts.tv_sec, ts.tv_nsec / 1000);
}

inline void timeline_mark(std::string_view event, std::string_view interface = {}) {
    if (!spdlog::should_log(spdlog::level::debug)) return;
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    timeline_mark_at(event, ts, interface);
}

}  // namespace earlynet::device
