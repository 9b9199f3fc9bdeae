// Dhcp6Adapter: binds a Dhcp6Engine to sd-event and a Dhcp6Socket, as
// ClientAdapter does for DHCPv4: it performs the engine's sends, keeps one
// timer armed at engine.next_deadline(), and queues every other action for
// its owner to pull with next_action(); nothing calls back into an object
// while it is delivering.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>

#include "base/c_handle.h"
#include "base/ip_address.h"
#include "base/result.h"
#include "dhcp/dhcp6_engine.h"
#include "dhcp/dhcp6_socket.h"

typedef struct sd_event sd_event;
typedef struct sd_event_source sd_event_source;
extern "C" sd_event_source* sd_event_source_disable_unref(sd_event_source* s);

namespace earlynet::dhcp {

class Dhcp6Adapter {
public:
    // Called from the event loop when actions are waiting; the last thing
    // the adapter does in that callback, so the owner may destroy it there.
    using Wake = std::function<void()>;

    // Opens the socket on ifindex (in the caller's network namespace).
    [[nodiscard]] static Result<std::unique_ptr<Dhcp6Adapter>> create(sd_event* loop, IfIndex ifindex,
                                                                      Dhcp6Config config, std::uint64_t seed,
                                                                      Wake wake);
    Dhcp6Adapter(const Dhcp6Adapter&) = delete;
    Dhcp6Adapter& operator=(const Dhcp6Adapter&) = delete;
    ~Dhcp6Adapter();

    void start();
    void start_information_request();
    void start_bound(const Dhcp6Lease& lease);
    void link_up();
    [[nodiscard]] Result<void> renew();  // Dhcp6Engine::renew
    void decline();
    void stop();

    // The next action for the owner (never a Dhcp6Send: those are performed).
    std::optional<Dhcp6Action> next_action();

    enum class Direction { Sent, Received };
    using PacketObserver = std::function<void(Direction, std::span<const std::uint8_t>)>;
    void set_packet_observer(PacketObserver observer) { observer_ = std::move(observer); }

    const Dhcp6Engine& engine() const { return engine_; }

private:
    Dhcp6Adapter(sd_event* loop, IfIndex ifindex, Dhcp6Config config, std::uint64_t seed, Wake wake);

    static int on_readable(sd_event_source*, int fd, std::uint32_t revents, void* userdata);
    static int on_timer(sd_event_source*, std::uint64_t usec, void* userdata);

    void process();
    template <typename F>
    void dispatch(F&& work);
    void arm_timer();

    sd_event* loop_;
    IfIndex ifindex_;
    Dhcp6Engine engine_;
    Wake wake_;
    PacketObserver observer_;
    std::optional<Dhcp6Socket> socket_;
    CHandle<sd_event_source, sd_event_source_disable_unref> io_source_;
    CHandle<sd_event_source, sd_event_source_disable_unref> timer_source_;
    std::deque<Dhcp6Action> pending_;
};

}  // namespace earlynet::dhcp
