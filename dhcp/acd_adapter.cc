#include "dhcp/acd_adapter.h"

#include <systemd/sd-event.h>

#include <cerrno>
#include <utility>

#include "base/guard.h"

namespace earlynet::dhcp {

AcdAdapter::AcdAdapter(sd_event* loop, ArpSocket socket, AcdEngine::Config config, std::uint64_t seed, Wake wake)
    : loop_(loop), socket_(std::move(socket)), engine_(std::move(config), seed), wake_(std::move(wake)) {}

AcdAdapter::~AcdAdapter() = default;

Result<std::unique_ptr<AcdAdapter>> AcdAdapter::create(sd_event* loop, IfIndex ifindex, AcdEngine::Config config,
                                                       std::uint64_t seed, Wake wake) {
    auto socket = ArpSocket::open(ifindex, config.address);
    if (!socket) return unexpected(std::move(socket.error()));
    std::unique_ptr<AcdAdapter> a(new AcdAdapter(loop, std::move(*socket), std::move(config), seed, std::move(wake)));
    sd_event_source* io = nullptr;
    int r = sd_event_add_io(loop, &io, a->socket_.fd(), EPOLLIN, &AcdAdapter::on_readable, a.get());
    if (r < 0) return unexpected(Error::system(-r, "ACD: watch ARP socket"));
    a->io_source_.reset(io);
    sd_event_source* timer = nullptr;
    // Accuracy 1 us: sd-event reads 0 as its default of 250 ms, which would
    // let every probe gap of a 200 ms probe slip by up to a quarter second.
    r = sd_event_add_time(loop, &timer, CLOCK_BOOTTIME, UINT64_MAX, kTimerAccuracyUsec, &AcdAdapter::on_timer, a.get());
    if (r < 0) return unexpected(Error::system(-r, "ACD: timer"));
    a->timer_source_.reset(timer);
    sd_event_source_set_enabled(timer, SD_EVENT_OFF);
    return a;
}

void AcdAdapter::start() {
    engine_.start(boot_time_now());
    process();
}

void AcdAdapter::watch() {
    engine_.watch();
    process();
}

void AcdAdapter::stop() {
    engine_.stop();
    process();
}

void AcdAdapter::process() {
    while (auto action = engine_.next_action()) {
        if (auto* send = std::get_if<AcdSend>(&*action)) {
            // A probe that never left proves nothing: the engine sends it
            // again, and fails the probe if the socket keeps refusing.
            if (!socket_.send(send->packet)) engine_.send_failed(boot_time_now());
        } else {
            pending_.push_back(std::move(*action));
        }
    }
    if (auto deadline = engine_.next_deadline()) {
        sd_event_source_set_time(timer_source_.get(), usec_at_or_after(*deadline));
        sd_event_source_set_enabled(timer_source_.get(), SD_EVENT_ONESHOT);
    } else {
        sd_event_source_set_enabled(timer_source_.get(), SD_EVENT_OFF);
    }
}

std::optional<AcdAction> AcdAdapter::next_action() {
    if (pending_.empty()) return std::nullopt;
    AcdAction a = std::move(pending_.front());
    pending_.pop_front();
    return a;
}

template <typename F>
void AcdAdapter::dispatch(F&& work) {
    if (auto done = call_guarded(std::forward<F>(work)); !done) {
        engine_.stop();
        (void)call_guarded([this] { process(); });
        pending_.push_back(AcdFailed{done.error().message});
    }
    if (pending_.empty()) return;
    Wake wake = wake_;  // last: the owner may destroy us from here
    (void)call_guarded(wake);
}

int AcdAdapter::on_readable(sd_event_source*, int, std::uint32_t, void* userdata) {
    auto* self = static_cast<AcdAdapter*>(userdata);
    self->dispatch([self] {
        for (int i = 0; i < 16; ++i) {
            auto packet = self->socket_.receive();
            if (!packet) {
                if (packet.error().code == ErrorCode::System) break;  // EAGAIN, or an error the next read repeats
                continue;                                             // malformed: drop, read on
            }
            self->engine_.receive(*packet, boot_time_now());
        }
        self->process();
    });
    return 0;
}

int AcdAdapter::on_timer(sd_event_source*, std::uint64_t, void* userdata) {
    auto* self = static_cast<AcdAdapter*>(userdata);
    self->dispatch([self] {
        self->engine_.on_timer(boot_time_now());
        self->process();
    });
    return 0;
}

}  // namespace earlynet::dhcp
