#include "dhcp/client_adapter.h"

#include <systemd/sd-event.h>

#include <cerrno>
#include <utility>

#include "base/guard.h"

namespace earlynet::dhcp {

namespace {

bool uses_udp(ClientState s) {
    switch (s) {
        case ClientState::Bound:
        case ClientState::Renewing:
        case ClientState::Rebinding: return true;
        case ClientState::Init:
        case ClientState::Selecting:
        case ClientState::Requesting:
        case ClientState::Granted:
        case ClientState::InitReboot:
        case ClientState::Rebooting:
        case ClientState::Stopped: return false;
    }
    return false;
}

}  // namespace

ClientAdapter::ClientAdapter(sd_event* loop, IfIndex ifindex, ClientConfig config, std::uint64_t seed, Wake wake)
    : loop_(loop), ifindex_(ifindex), engine_(std::move(config), seed), wake_(std::move(wake)) {}

ClientAdapter::~ClientAdapter() = default;

Result<std::unique_ptr<ClientAdapter>> ClientAdapter::create(sd_event* loop, IfIndex ifindex, ClientConfig config,
                                                             std::uint64_t seed, Wake wake) {
    std::unique_ptr<ClientAdapter> a(new ClientAdapter(loop, ifindex, std::move(config), seed, std::move(wake)));
    EARLYNET_TRY(a->open_packet_socket());
    sd_event_source* timer = nullptr;
    int r = sd_event_add_time(loop, &timer, CLOCK_BOOTTIME, UINT64_MAX, kTimerAccuracyUsec, &ClientAdapter::on_timer,
                              a.get());
    if (r < 0) return unexpected(Error::system(-r, "dhcp client: timer"));
    a->timer_source_.reset(timer);
    sd_event_source_set_enabled(timer, SD_EVENT_OFF);
    return a;
}

Result<void> ClientAdapter::open_udp_socket() {
    if (udp_) return {};
    auto socket = UdpSocket::open(ifindex_);
    if (!socket) return unexpected(std::move(socket.error()));
    sd_event_source* source = nullptr;
    int r = sd_event_add_io(loop_, &source, socket->fd(), EPOLLIN, &ClientAdapter::on_udp_readable, this);
    if (r < 0) return unexpected(Error::system(-r, "dhcp client: watch udp socket"));
    udp_.emplace(std::move(*socket));
    udp_source_.reset(source);
    return {};
}

Result<void> ClientAdapter::open_packet_socket() {
    if (packet_) return {};
    auto socket = PacketSocket::open(ifindex_, chaddr_of(engine_.config().mac));
    if (!socket) return unexpected(std::move(socket.error()));
    sd_event_source* source = nullptr;
    int r = sd_event_add_io(loop_, &source, socket->fd(), EPOLLIN, &ClientAdapter::on_packet_readable, this);
    if (r < 0) return unexpected(Error::system(-r, "dhcp client: watch packet socket"));
    packet_.emplace(std::move(*socket));
    packet_source_.reset(source);
    return {};
}

// Packet socket while acquiring; UDP socket while the address is ours, with
// the packet socket kept for kPacketSocketDrain after the switch.
Result<void> ClientAdapter::sync_sockets() {
    ClientState s = engine_.state();
    if (s == ClientState::Stopped) {
        packet_source_.reset(), packet_.reset(), udp_source_.reset(), udp_.reset(), drain_source_.reset();
        return {};
    }
    if (!uses_udp(s)) {
        udp_source_.reset(), udp_.reset(), drain_source_.reset();
        return open_packet_socket();
    }
    EARLYNET_TRY(open_udp_socket());
    if (packet_ && !drain_source_) {
        sd_event_source* drain = nullptr;
        int r = sd_event_add_time_relative(loop_, &drain, CLOCK_BOOTTIME,
                                           static_cast<std::uint64_t>(kPacketSocketDrain.count() / 1000),
                                           kTimerAccuracyUsec, &ClientAdapter::on_drain_done, this);
        if (r < 0) return unexpected(Error::system(-r, "dhcp client: drain timer"));
        drain_source_.reset(drain);
    }
    return {};
}

void ClientAdapter::start() {
    engine_.start(boot_time_now());
    process();
}
void ClientAdapter::start_init_reboot(Ipv4Address address) {
    engine_.start_init_reboot(address, boot_time_now());
    process();
}
void ClientAdapter::start_bound(const Lease& lease) {
    engine_.start_bound(lease, boot_time_now());
    process();
}
void ClientAdapter::select(const Lease& offer) {
    engine_.select(offer, boot_time_now());
    process();
}
void ClientAdapter::link_up() {
    engine_.link_up(boot_time_now());
    process();
}
Result<void> ClientAdapter::renew() {
    auto renewed = engine_.renew(boot_time_now());
    process();
    return renewed;
}
void ClientAdapter::accept() {
    engine_.accept(boot_time_now());
    process();
}
void ClientAdapter::decline() {
    engine_.decline(boot_time_now());
    process();
}
void ClientAdapter::release() {
    engine_.release(boot_time_now());
    process();
}
void ClientAdapter::stop() {
    engine_.stop();
    process();
}

// Unicast (RENEWING, RELEASE) and broadcasts while the address is ours go by
// UDP from that address; everything else from 0.0.0.0 by the packet socket.
void ClientAdapter::perform(const SendAction& send) {
    std::vector<std::uint8_t> bytes = serialize_message(send.message);
    if (observer_) observer_(Direction::Sent, bytes);
    Result<void> sent;
    if (send.destination == Destination::Server || !send.message.ciaddr.is_unspecified()) {
        sent = open_udp_socket();
        if (sent) {
            Ipv4Address to = send.destination == Destination::Server ? send.server : Ipv4Address::from_host(0xffffffff);
            sent = udp_->send(to, bytes);
        }
    } else {
        sent = open_packet_socket();
        if (sent) sent = packet_->send_broadcast(bytes);
    }
    // A failed send is retried by the engine's own retransmission.
    if (!sent)
        pending_.push_back(Ignored{"send " + std::string(to_string(*send.message.type())) +
                                   " failed: " + sent.error().message + ", retrying later"});
}

void ClientAdapter::process() {
    while (auto action = engine_.next_action()) {
        if (auto* send = std::get_if<SendAction>(&*action)) {
            perform(*send);
        } else {
            pending_.push_back(std::move(*action));
        }
    }
    if (auto r = sync_sockets(); !r) pending_.push_back(Ignored{"socket: " + r.error().message});
    arm_timer();
}

std::optional<ClientAction> ClientAdapter::next_action() {
    if (pending_.empty()) return std::nullopt;
    ClientAction a = std::move(pending_.front());
    pending_.pop_front();
    return a;
}

template <typename F>
void ClientAdapter::dispatch(F&& work) {
    if (auto done = call_guarded(std::forward<F>(work)); !done) {
        // The engine may be half-way through a transition: stop it rather
        // than trust it, and let the owner fail this device alone.
        engine_.stop();
        (void)call_guarded([this] { process(); });
        pending_.push_back(Failed{done.error()});
    }
    if (pending_.empty()) return;
    // Last: the owner may destroy us from here. What it throws stays out of
    // the loop; it has its own guard, this is the final net.
    Wake wake = wake_;
    (void)call_guarded(wake);
}

void ClientAdapter::arm_timer() {
    auto deadline = engine_.next_deadline();
    if (!deadline) {
        sd_event_source_set_enabled(timer_source_.get(), SD_EVENT_OFF);
        return;
    }
    sd_event_source_set_time(timer_source_.get(), usec_at_or_after(*deadline));
    sd_event_source_set_enabled(timer_source_.get(), SD_EVENT_ONESHOT);
}

void ClientAdapter::feed(Result<std::vector<std::uint8_t>> datagram) {
    if (!datagram) {
        pending_.push_back(Ignored{datagram.error().message + ", ignoring"});
        return;
    }
    if (observer_) observer_(Direction::Received, *datagram);
    auto message = parse_message(*datagram);
    if (!message) {
        pending_.push_back(Ignored{"malformed DHCP message: " + message.error().message + ", ignoring"});
        return;
    }
    engine_.receive(*message, boot_time_now());
}

int ClientAdapter::on_packet_readable(sd_event_source*, int, std::uint32_t, void* userdata) {
    auto* self = static_cast<ClientAdapter*>(userdata);
    self->dispatch([self] {
        // Bounded, so a flood cannot starve the loop; the rest waits for the next wakeup.
        for (int i = 0; i < 16 && self->packet_; ++i) {
            auto datagram = self->packet_->receive();
            if (!datagram && datagram.error().code == ErrorCode::System &&
                (datagram.error().sys_errno == EAGAIN || datagram.error().sys_errno == EINTR))
                break;
            self->feed(std::move(datagram));
        }
        self->process();
    });
    return 0;
}

int ClientAdapter::on_udp_readable(sd_event_source*, int, std::uint32_t, void* userdata) {
    auto* self = static_cast<ClientAdapter*>(userdata);
    self->dispatch([self] {
        for (int i = 0; i < 16 && self->udp_; ++i) {
            auto datagram = self->udp_->receive();
            if (!datagram && datagram.error().code == ErrorCode::System &&
                (datagram.error().sys_errno == EAGAIN || datagram.error().sys_errno == EINTR))
                break;
            self->feed(std::move(datagram));
        }
        self->process();
    });
    return 0;
}

int ClientAdapter::on_timer(sd_event_source*, std::uint64_t, void* userdata) {
    auto* self = static_cast<ClientAdapter*>(userdata);
    self->dispatch([self] {
        self->engine_.on_timer(boot_time_now());
        self->process();
    });
    return 0;
}

int ClientAdapter::on_drain_done(sd_event_source*, std::uint64_t, void* userdata) {
    auto* self = static_cast<ClientAdapter*>(userdata);
    if (uses_udp(self->engine_.state())) {
        self->packet_source_.reset();
        self->packet_.reset();
    }
    self->drain_source_.reset();
    return 0;
}

}  // namespace earlynet::dhcp
