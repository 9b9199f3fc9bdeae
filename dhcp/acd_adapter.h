// AcdAdapter: binds an AcdEngine to sd-event and an ArpSocket. It performs
// the engine's sends, keeps one timer at engine.next_deadline(), and hands
// every other action (Ready, Conflict, Defended, Lost, StateChanged) to the
// handler, after the sends of the same batch.
#pragma once

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
    // Called once per action; may destroy the adapter (no further action of
    // that batch is delivered then).
    using Handler = std::function<void(const AcdAction&)>;

    [[nodiscard]] static Result<std::unique_ptr<AcdAdapter>> create(sd_event* loop, IfIndex ifindex,
                                                                    AcdEngine::Config config, std::uint64_t seed,
                                                                    Handler handler);
    AcdAdapter(const AcdAdapter&) = delete;
    AcdAdapter& operator=(const AcdAdapter&) = delete;
    ~AcdAdapter();

    void start();
    void stop();
    const AcdEngine& engine() const { return engine_; }

private:
    AcdAdapter(sd_event* loop, ArpSocket socket, AcdEngine::Config config, std::uint64_t seed, Handler handler);
    static int on_readable(sd_event_source*, int fd, std::uint32_t revents, void* userdata);
    static int on_timer(sd_event_source*, std::uint64_t usec, void* userdata);
    void process();

    sd_event* loop_;
    ArpSocket socket_;
    AcdEngine engine_;
    Handler handler_;
    CHandle<sd_event_source, sd_event_source_disable_unref> io_source_;
    CHandle<sd_event_source, sd_event_source_disable_unref> timer_source_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace earlynet::dhcp
