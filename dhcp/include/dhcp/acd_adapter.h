// AcdAdapter: binds an AcdEngine to sd-event and an ArpSocket. It performs
// the engine's sends (telling the engine of a send that failed), keeps one
// timer at engine.next_deadline(), and queues every other action (Ready,
// Conflict, Defended, Lost, Failed, StateChanged) for its owner to pull with
// next_action(), as ClientAdapter does.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "base/c_handle.h"
#include "base/result.h"
#include "dhcp/acd_engine.h"
#include "dhcp/arp_socket.h"

typedef struct sd_event sd_event;
typedef struct sd_event_source sd_event_source;
extern "C" sd_event_source* sd_event_source_disable_unref(sd_event_source* s);

namespace earlynet::dhcp {

class AcdAdapter {
public:
    // Called from the event loop when actions are waiting, as the last thing
    // the adapter does there: the owner drains next_action() and may destroy
    // the adapter.
    using Wake = std::function<void()>;

    [[nodiscard]] static Result<std::unique_ptr<AcdAdapter>> create(sd_event* loop, IfIndex ifindex,
                                                                    AcdEngine::Config config, std::uint64_t seed,
                                                                    Wake wake);
    AcdAdapter(const AcdAdapter&) = delete;
    AcdAdapter& operator=(const AcdAdapter&) = delete;
    ~AcdAdapter();

    void start();
    // AcdEngine::watch(): an address in use already, watched and defended.
    void watch();
    void stop();
    std::optional<AcdAction> next_action();
    const AcdEngine& engine() const { return engine_; }

private:
    AcdAdapter(sd_event* loop, ArpSocket socket, AcdEngine::Config config, std::uint64_t seed, Wake wake);
    static int on_readable(sd_event_source*, int fd, std::uint32_t revents, void* userdata);
    static int on_timer(sd_event_source*, std::uint64_t usec, void* userdata);
    void process();
    template <typename F>
    void dispatch(F&& work);

    sd_event* loop_;
    ArpSocket socket_;
    AcdEngine engine_;
    Wake wake_;
    CHandle<sd_event_source, sd_event_source_disable_unref> io_source_;
    CHandle<sd_event_source, sd_event_source_disable_unref> timer_source_;
    std::deque<AcdAction> pending_;
};

}  // namespace earlynet::dhcp
