#include "device/event_timer.h"

#include <systemd/sd-event.h>

#include <cstring>

#include "base/guard.h"
#include "base/log.h"

namespace earlynet::device {

Result<void> EventTimer::arm_in(Duration delay, std::function<void()> on_expiry) {
    source_.reset();
    on_expiry_ = std::move(on_expiry);
    sd_event_source* s = nullptr;
    auto usec = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(delay).count());
    int r = sd_event_add_time_relative(loop_, &s, CLOCK_BOOTTIME, usec, kTimerAccuracyUsec, &EventTimer::on_time, this);
    if (r < 0) return unexpected(Error::system(-r, std::string("timer: ") + std::strerror(-r)));
    source_.reset(s);
    return {};
}

int EventTimer::on_time(sd_event_source*, std::uint64_t, void* userdata) {
    auto* self = static_cast<EventTimer*>(userdata);
    self->source_.reset();
    // Moved out first: the function may re-arm or destroy the timer.
    auto fn = std::move(self->on_expiry_);
    // The owner guards what it can fail (a device); this is the last net,
    // so that nothing unwinds into sd-event.
    if (auto done = call_guarded(fn); !done) spdlog::error("timer: {}, ignoring", done.error().message);
    return 0;
}

}  // namespace earlynet::device
