// ClientAdapter: binds a ClientEngine to sd-event, a PacketSocket (before the
// address is ours) and a UdpSocket (after). It performs the engine's sends,
// keeps exactly one timer armed at engine.next_deadline(), and queues every
// other action (Offered, Granted, Extended, Lost, Failed, StateChanged,
// Ignored) for its owner to pull with next_action(). The owner answers
// through select()/accept()/decline(), which only queue more: nothing ever
// calls back into an object while it is delivering.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>

#include "base/c_handle.h"
#include "base/ip_address.h"
#include "base/result.h"
#include "dhcp/client_engine.h"
#include "dhcp/packet_socket.h"
#include "dhcp/udp_socket.h"

// From <systemd/sd-event.h>, which only the adapters' .cc files include.
typedef struct sd_event sd_event;
typedef struct sd_event_source sd_event_source;
extern "C" sd_event_source* sd_event_source_disable_unref(sd_event_source* s);

namespace earlynet::dhcp {

class ClientAdapter {
public:
    // Called from the event loop (never from inside a call of the owner's)
    // when actions are waiting: the owner drains next_action(). It is the
    // last thing the adapter does in that callback, so the owner may destroy
    // the adapter from it.
    using Wake = std::function<void()>;

    // How long the packet socket stays open once the lease is bound, so that
    // a reply already on its way (a duplicate ACK, a slow second server's
    // OFFER) is read and dropped by the engine instead of lost in a closed
    // socket and retransmitted for; one second covers any LAN round trip.
    static constexpr Duration kPacketSocketDrain = std::chrono::seconds(1);

    // Opens the packet socket on ifindex (in the caller's network namespace).
    [[nodiscard]] static Result<std::unique_ptr<ClientAdapter>> create(sd_event* loop, IfIndex ifindex,
                                                                       ClientConfig config, std::uint64_t seed,
                                                                       Wake wake);
    ClientAdapter(const ClientAdapter&) = delete;
    ClientAdapter& operator=(const ClientAdapter&) = delete;
    ~ClientAdapter();

    void start();
    void start_init_reboot(Ipv4Address address);
    void start_bound(const Lease& lease);
    void select(const Lease& offer);
    void link_up();
    // ClientEngine::renew(): a RENEW (or the next acquisition message) now.
    [[nodiscard]] Result<void> renew();
    // Call once the granted address is configured on the interface: renewal
    // sends from it.
    void accept();
    void decline();
    void release();
    void stop();

    // The next action for the owner (never a SendAction: those are performed).
    std::optional<ClientAction> next_action();

    // Sees every DHCP payload sent and every one received (before parsing),
    // for packet-level debug logs (--debug, rd.debug) and test captures.
    enum class Direction { Sent, Received };
    using PacketObserver = std::function<void(Direction, std::span<const std::uint8_t>)>;
    void set_packet_observer(PacketObserver observer) { observer_ = std::move(observer); }

    const ClientEngine& engine() const { return engine_; }
    IfIndex ifindex() const { return ifindex_; }

private:
    ClientAdapter(sd_event* loop, IfIndex ifindex, ClientConfig config, std::uint64_t seed, Wake wake);

    static int on_packet_readable(sd_event_source*, int fd, std::uint32_t revents, void* userdata);
    static int on_udp_readable(sd_event_source*, int fd, std::uint32_t revents, void* userdata);
    static int on_timer(sd_event_source*, std::uint64_t usec, void* userdata);
    static int on_drain_done(sd_event_source*, std::uint64_t usec, void* userdata);

    // Drains the engine: performs sends, adjusts sockets and the timer, and
    // queues the rest for the owner.
    void process();
    // The end of every sd-event callback: runs `work` with exceptions caught
    // (one becomes a Failed action and stops the client), then wakes the owner.
    template <typename F>
    void dispatch(F&& work);
    void perform(const SendAction& send);
    void feed(Result<std::vector<std::uint8_t>> datagram);
    Result<void> sync_sockets();
    Result<void> open_packet_socket();
    Result<void> open_udp_socket();
    void arm_timer();

    sd_event* loop_;
    IfIndex ifindex_;
    ClientEngine engine_;
    Wake wake_;
    PacketObserver observer_;
    std::optional<PacketSocket> packet_;
    std::optional<UdpSocket> udp_;
    CHandle<sd_event_source, sd_event_source_disable_unref> packet_source_;
    CHandle<sd_event_source, sd_event_source_disable_unref> udp_source_;
    CHandle<sd_event_source, sd_event_source_disable_unref> timer_source_;
    CHandle<sd_event_source, sd_event_source_disable_unref> drain_source_;
    std::deque<ClientAction> pending_;  // actions for the owner, in order
};

}  // namespace earlynet::dhcp
