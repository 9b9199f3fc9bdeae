// StartupHandoff: `run --configure-and-quit` is started by dracut (its
// initqueue, or earlynet-initrd.service), which waits for it to exit before
// the boot goes on. The boot needs the network up: startup complete, or the
// device the network root is reached through online. It does not need what
// follows: devices still waiting for a carrier (kept trying and handed over at
// switch_root), nor the close() of the DHCP and ARP packet sockets, each of
// which waits for an RCU grace period in the kernel (about 10 ms).
//
// So the started process forks before it does anything: the parent only waits
// for the worker to say "go on" (and with which exit status), or for its
// death, and exits with that status; the worker does the work and finishes on
// its own. Until it says "go on" the worker dies with the parent
// (PR_SET_PDEATHSIG), so stopping the started process stops both.
#pragma once

#include <sys/types.h>

#include "base/fd.h"
#include "base/result.h"

namespace earlynet::device {

class StartupHandoff {
public:
    // Forks. The parent gets one whose is_parent() is true and must return
    // wait_for_worker() from main; the worker gets the other end.
    [[nodiscard]] static Result<StartupHandoff> fork_worker();

    bool is_parent() const { return worker_ != 0; }
    // Parent: the worker's word, or its exit status if it died without one.
    int wait_for_worker();

    // Worker: the started process may exit now, with `exit_code`. Once only;
    // from then on the worker outlives the parent.
    void go_on(int exit_code);
    bool gone_on() const { return !channel_.valid(); }

private:
    StartupHandoff(pid_t worker, Fd channel) : worker_(worker), channel_(std::move(channel)) {}

    pid_t worker_;  // in the parent; 0 in the worker
    Fd channel_;    // parent: read end; worker: write end (closed once gone on)
};

}  // namespace earlynet::device
