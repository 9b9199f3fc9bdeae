#include "dhcp/dhcp6_adapter.h"

#include <systemd/sd-event.h>

#include <utility>

#include "base/guard.h"

namespace earlynet::dhcp {

Dhcp6Adapter::Dhcp6Adapter(sd_event* loop, IfIndex ifindex, Dhcp6Config config, std::uint64_t seed, Wake wake)
    : loop_(loop), ifindex_(ifindex), engine_(std::move(config), seed), wake_(std::move(wake)) {}

Dhcp6Adapter::~Dhcp6Adapter() = default;

Result<std::unique_ptr<Dhcp6Adapter>> Dhcp6Adapter::create(sd_event* loop, IfIndex ifindex, Dhcp6Config config,
                                                           std::uint64_t seed, Wake wake) {
    std::unique_ptr<Dhcp6Adapter> a(new Dhcp6Adapter(loop, ifindex, std::move(config), seed, std::move(wake)));
    auto socket = Dhcp6Socket::open(ifindex);
    if (!socket) return unexpected(std::move(socket.error()));
    sd_event_source* io = nullptr;
    int r = sd_event_add_io(loop, &io, socket->fd(), EPOLLIN, &Dhcp6Adapter::on_readable, a.get());
    if (r < 0) return unexpected(Error::system(-r, "dhcp6 client: watch socket"));
    a->socket_.emplace(std::move(*socket));
    a->io_source_.reset(io);
    sd_event_source* timer = nullptr;
    r = sd_event_add_time(loop, &timer, CLOCK_BOOTTIME, UINT64_MAX, kTimerAccuracyUsec, &Dhcp6Adapter::on_timer,
                          a.get());
    if (r < 0) return unexpected(Error::system(-r, "dhcp6 client: timer"));
    a->timer_source_.reset(timer);
    sd_event_source_set_enabled(timer, SD_EVENT_OFF);
    return a;
}

void Dhcp6Adapter::start() {
    engine_.start(boot_time_now());
    process();
}

void Dhcp6Adapter::start_information_request() {
    engine_.start_information_request(boot_time_now());
    process();
}

void Dhcp6Adapter::start_bound(const Dhcp6Lease& lease) {
    engine_.start_bound(lease, boot_time_now());
    process();
}

void Dhcp6Adapter::link_up() {
    engine_.link_up(boot_time_now());
    process();
}

Result<void> Dhcp6Adapter::renew() {
    auto renewed = engine_.renew(boot_time_now());
    process();
    return renewed;
}

void Dhcp6Adapter::decline() {
    engine_.decline(boot_time_now());
    process();
}

void Dhcp6Adapter::stop() {
    engine_.stop();
    process();
}

void Dhcp6Adapter::process() {
    while (auto action = engine_.next_action()) {
        if (auto* send = std::get_if<Dhcp6Send>(&*action)) {
            std::vector<std::uint8_t> bytes = serialize_dhcp6_message(send->message);
            if (observer_) observer_(Direction::Sent, bytes);
            // A failed send (no usable link-local address yet) is retried by
            // the engine's own retransmission.
            if (auto sent = socket_->send(bytes); !sent)
                pending_.push_back(Dhcp6Ignored{std::string("send ") + to_string(send->message.type) +
                                                " failed: " + sent.error().message + ", retrying later"});
        } else {
            pending_.push_back(std::move(*action));
        }
    }
    arm_timer();
}

std::optional<Dhcp6Action> Dhcp6Adapter::next_action() {
    if (pending_.empty()) return std::nullopt;
    Dhcp6Action a = std::move(pending_.front());
    pending_.pop_front();
    return a;
}

template <typename F>
void Dhcp6Adapter::dispatch(F&& work) {
    if (auto done = call_guarded(std::forward<F>(work)); !done) {
        engine_.stop();
        (void)call_guarded([this] { process(); });
        pending_.push_back(Dhcp6Failed{done.error()});
    }
    if (pending_.empty()) return;
    Wake wake = wake_;
    (void)call_guarded(wake);
}

void Dhcp6Adapter::arm_timer() {
    auto deadline = engine_.next_deadline();
    if (!deadline) {
        sd_event_source_set_enabled(timer_source_.get(), SD_EVENT_OFF);
        return;
    }
    sd_event_source_set_time(timer_source_.get(), usec_at_or_after(*deadline));
    sd_event_source_set_enabled(timer_source_.get(), SD_EVENT_ONESHOT);
}

int Dhcp6Adapter::on_readable(sd_event_source*, int, std::uint32_t, void* userdata) {
    auto* self = static_cast<Dhcp6Adapter*>(userdata);
    self->dispatch([self] {
        // Bounded, so a flood cannot starve the loop.
        for (int i = 0; i < 16; ++i) {
            auto datagram = self->socket_->receive();
            if (!datagram) break;  // EAGAIN: drained
            if (self->observer_) self->observer_(Direction::Received, *datagram);
            auto message = parse_dhcp6_message(*datagram);
            if (!message) {
                self->pending_.push_back(
                    Dhcp6Ignored{"malformed DHCPv6 message: " + message.error().message + ", ignoring"});
                continue;
            }
            self->engine_.receive(*message, boot_time_now());
        }
        self->process();
    });
    return 0;
}

int Dhcp6Adapter::on_timer(sd_event_source*, std::uint64_t, void* userdata) {
    auto* self = static_cast<Dhcp6Adapter*>(userdata);
    self->dispatch([self] {
        self->engine_.on_timer(boot_time_now());
        self->process();
    });
    return 0;
}

}  // namespace earlynet::dhcp
