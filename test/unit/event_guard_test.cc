// An exception thrown where sd-event calls us must not
// unwind through the loop (it would end the daemon and the root's network).
#include <gtest/gtest.h>
#include <systemd/sd-event.h>

#include <stdexcept>

#include "base/c_handle.h"
#include "base/guard.h"
#include "device/event_timer.h"

namespace earlynet::device {
namespace {

using namespace std::chrono_literals;

TEST(CallGuardedTest, TurnsAnExceptionIntoAnInternalErrorNamingIt) {
    auto r = call_guarded([] { throw std::out_of_range("map::at"); });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::Internal);
    EXPECT_EQ(r.error().message, "internal error: map::at");
    EXPECT_TRUE(call_guarded([] {}));
    auto unknown = call_guarded([] { throw 42; });
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().message, "internal error: unknown exception");
}

TEST(EventTimerTest, AThrowingCallbackDoesNotEndTheLoopAndLaterTimersStillFire) {
    sd_event* raw = nullptr;
    ASSERT_GE(sd_event_new(&raw), 0);
    CHandle<sd_event, sd_event_unref> loop(raw);
    EventTimer throwing(loop.get());
    EventTimer later(loop.get());
    bool fired = false;
    ASSERT_TRUE(throwing.arm_in(0ms, [] { throw std::runtime_error("boom"); }));
    ASSERT_TRUE(later.arm_in(5ms, [&] { fired = true; }));
    for (int i = 0; i < 20 && !fired; ++i) ASSERT_GE(sd_event_run(loop.get(), 100000), 0);
    EXPECT_TRUE(fired);
}

}  // namespace
}  // namespace earlynet::device
