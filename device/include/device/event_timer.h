// EventTimer: a one-shot CLOCK_BOOTTIME timer on an sd-event loop that calls
// a function. Re-arming replaces the previous deadline; destroying or
// cancelling it guarantees the function is not called afterwards. The
// function may destroy the timer. An exception escaping the function is
// logged and stops there (base/guard.h).
#pragma once

#include <functional>

#include "base/c_handle.h"
#include "base/clock.h"
#include "base/result.h"

typedef struct sd_event sd_event;
typedef struct sd_event_source sd_event_source;
extern "C" sd_event_source* sd_event_source_disable_unref(sd_event_source* s);

namespace earlynet::device {

class EventTimer {
public:
    explicit EventTimer(sd_event* loop) : loop_(loop) {}
    EventTimer(const EventTimer&) = delete;
    EventTimer& operator=(const EventTimer&) = delete;

    [[nodiscard]] Result<void> arm_in(Duration delay, std::function<void()> on_expiry);
    void cancel() { source_.reset(); }
    bool armed() const { return source_ != nullptr; }

private:
    static int on_time(sd_event_source* s, std::uint64_t usec, void* userdata);

    sd_event* loop_;
    std::function<void()> on_expiry_;
    CHandle<sd_event_source, sd_event_source_disable_unref> source_;
};

}  // namespace earlynet::device
