// HookRunner: fires dracut's initqueue/online hooks for an interface that
// came up, then dracut's netroot for it, in a child shell, one interface at
// a time in the order they came up (nm-dracut-contract.md 4.6 steps 5-6).
// The interface name reaches the shell only as a positional parameter, never
// inside the script text.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <deque>
#include <functional>
#include <string>

#include "base/c_handle.h"

typedef struct sd_event sd_event;
typedef struct sd_event_source sd_event_source;
extern "C" sd_event_source* sd_event_source_disable_unref(sd_event_source* s);

namespace earlynet::device {

class HookRunner {
public:
    // SIGCHLD must be blocked in the calling thread (run_verb does it).
    HookRunner(sd_event* loop, std::string hook_dir, std::string netroot);
    HookRunner(const HookRunner&) = delete;
    HookRunner& operator=(const HookRunner&) = delete;
    ~HookRunner();

    void queue_online(const std::string& interface);
    bool idle() const { return running_ < 0 && queue_.empty(); }
    // Called each time the queue has drained.
    void set_idle_handler(std::function<void()> handler) { on_idle_ = std::move(handler); }

    // The script run per interface: $1 interface, $2 hook dir, $3 netroot.
    static const char* script();

private:
    void run_next();
    static int on_child(sd_event_source* s, const siginfo_t* si, void* userdata);
    void on_child_exited(const siginfo_t* si);

    sd_event* loop_;
    std::string hook_dir_;
    std::string netroot_;
    std::deque<std::string> queue_;
    std::string current_;
    pid_t running_ = -1;
    CHandle<sd_event_source, sd_event_source_disable_unref> child_;
    std::function<void()> on_idle_;
};

}  // namespace earlynet::device
