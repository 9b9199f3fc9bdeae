// Monitor: watches the kernel's links, IPv4/IPv6 addresses and routes on an
// sd-event loop and hands typed events to a handler, one batch per wakeup.
// A receive-buffer overrun (ENOBUFS) is answered by re-dumping everything and
// reporting the differences after a Resynced event, so no change goes unseen.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "base/c_handle.h"
#include "base/fd.h"
#include "base/result.h"
#include "netlink/monitor_cache.h"
#include "netlink/monitor_event.h"
#include "netlink/socket.h"

// From <systemd/sd-event.h>, which only monitor.cc includes.
typedef struct sd_event sd_event;
typedef struct sd_event_source sd_event_source;
extern "C" sd_event_source* sd_event_source_disable_unref(sd_event_source* s);

namespace earlynet::netlink {

class Monitor {
public:
    // Called with every batch of events, as the last thing the monitor does
    // in its callback: the handler may destroy the monitor.
    using Handler = std::function<void(std::vector<MonitorEvent>)>;

    struct Options {
        // SO_RCVBUFFORCE (as root), else SO_RCVBUF capped by rmem_max. Large,
        // because a boot with many NICs and IPv6 bursts events; an overrun
        // is survived but costs a full re-dump.
        int receive_buffer_bytes = 8 * 1024 * 1024;
    };

    // Subscribes, then dumps links, addresses and routes into state() (no
    // events for what already exists), then watches. Sockets belong to the
    // calling thread's network namespace.
    [[nodiscard]] static Result<std::unique_ptr<Monitor>> start(sd_event* loop, Handler handler, Options options);
    [[nodiscard]] static Result<std::unique_ptr<Monitor>> start(sd_event* loop, Handler handler) {
        return start(loop, std::move(handler), Options{});
    }

    // sd-event holds `this`: neither copyable nor movable.
    Monitor(const Monitor&) = delete;
    Monitor& operator=(const Monitor&) = delete;
    ~Monitor();

    // What the monitor believes the kernel has, as of the last batch.
    const MonitorCache& state() const { return cache_; }
    // How many overruns were survived by re-dumping.
    std::uint64_t resyncs() const { return resyncs_; }

private:
    Monitor(Fd fd, Socket dump_socket, Handler handler);

    static int on_readable(sd_event_source* s, int fd, std::uint32_t revents, void* userdata);
    // Reads what is queued into out; returns false when the socket overran.
    bool read_pending(std::vector<MonitorEvent>& out);
    Result<void> resync(std::vector<MonitorEvent>& out);

    Fd fd_;
    Socket dump_socket_;
    Handler handler_;
    CHandle<sd_event_source, sd_event_source_disable_unref> source_;
    MonitorCache cache_;
    std::vector<std::byte> buffer_;
    bool need_resync_ = false;
    std::uint64_t resyncs_ = 0;
};

}  // namespace earlynet::netlink
