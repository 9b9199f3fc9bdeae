#include "dhcp/acd_engine.h"

namespace earlynet::dhcp {

using std::chrono::milliseconds;
using std::chrono::seconds;

AcdTiming AcdTiming::rfc5227() {
    // RFC 5227 section 1.1: PROBE_WAIT 1 s, PROBE_NUM 3, PROBE_MIN 1 s,
    // PROBE_MAX 2 s, ANNOUNCE_WAIT 2 s, ANNOUNCE_NUM 2, ANNOUNCE_INTERVAL 2 s,
    // DEFEND_INTERVAL 10 s.
    return AcdTiming{seconds(1), 3, seconds(1), seconds(2), seconds(2), 2, seconds(2), seconds(10)};
}

AcdTiming AcdTiming::scaled(Duration total) {
    // The longest RFC probe phase is 1 + 2 + 2 + 2 = 7 s; every wait shrinks
    // by the same factor so that the longest phase takes `total`. Announcing
    // and defending keep the RFC's pace: they happen after the address is
    // in use and cost no boot time.
    AcdTiming t = rfc5227();
    auto scale = [&](Duration d) { return Duration(d.count() * total.count() / Duration(seconds(7)).count()); };
    t.probe_wait = scale(t.probe_wait);
    t.probe_min = scale(t.probe_min);
    t.probe_max = scale(t.probe_max);
    t.announce_wait = scale(t.announce_wait);
    return t;
}

const char* to_string(AcdState s) {
    switch (s) {
    case AcdState::Idle:
        return "idle";
    case AcdState::Probing:
        return "probing";
    case AcdState::Announcing:
        return "announcing";
    case AcdState::Watching:
        return "watching";
    case AcdState::Stopped:
        return "stopped";
    }
    return "?";
}

AcdEngine::AcdEngine(Config config, std::uint64_t seed) : config_(std::move(config)), random_(seed) {}

// g++ 12 warns that moving a variant holding vectors out of a deque reads
// uninitialised members (a known false positive of -Wmaybe-uninitialized
// with std::variant, GCC PR 105562 and relatives); the code is plain.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
std::optional<AcdAction> AcdEngine::next_action() {
    if (actions_.empty()) return std::nullopt;
    AcdAction a = std::move(actions_.front());
    actions_.pop_front();
    return a;
}
#pragma GCC diagnostic pop

void AcdEngine::start(BootTime now) {
    state_ = AcdState::Probing;
    probes_sent_ = 0;
    announcements_sent_ = 0;
    last_defence_.reset();
    timer_ = now + random_.between(Duration::zero(), config_.timing.probe_wait);
}

void AcdEngine::stop() {
    state_ = AcdState::Stopped;
    timer_.reset();
}

void AcdEngine::send_announcement() {
    actions_.push_back(AcdSend{make_announcement(config_.mac, config_.address)});
    ++announcements_sent_;
}

void AcdEngine::on_timer(BootTime now) {
    if (!timer_ || now < *timer_) return;
    timer_.reset();
    const AcdTiming& t = config_.timing;
    switch (state_) {
    case AcdState::Probing:
        if (probes_sent_ < t.probe_num) {
            actions_.push_back(AcdSend{make_probe(config_.mac, config_.address)});
            ++probes_sent_;
            timer_ = now + (probes_sent_ < t.probe_num ? random_.between(t.probe_min, t.probe_max) : t.announce_wait);
            return;
        }
        // RFC 5227 2.1.1: nothing heard for ANNOUNCE_WAIT after the last probe.
        actions_.push_back(AcdReady{});
        state_ = AcdState::Announcing;
        send_announcement();
        if (announcements_sent_ < t.announce_num) timer_ = now + t.announce_interval;
        else state_ = AcdState::Watching;
        return;
    case AcdState::Announcing:
        send_announcement();
        if (announcements_sent_ < t.announce_num) timer_ = now + t.announce_interval;
        else state_ = AcdState::Watching;
        return;
    case AcdState::Idle:
    case AcdState::Watching:
    case AcdState::Stopped:
        return;
    }
}

void AcdEngine::receive(const ArpPacket& p, BootTime now) {
    // Our own frames come back on a packet socket; they are no conflict.
    if (p.sender_mac == config_.mac) return;
    switch (state_) {
    case AcdState::Probing:
        // RFC 5227 2.1.1: any ARP from the address, or another host's probe
        // for it (both probing at once), is a conflict.
        if (p.sender_ip == config_.address ||
            (p.op == ArpOp::Request && p.sender_ip.is_unspecified() && p.target_ip == config_.address)) {
            state_ = AcdState::Stopped;
            timer_.reset();
            actions_.push_back(AcdConflict{p.sender_mac});
        }
        return;
    case AcdState::Announcing:
    case AcdState::Watching:
        if (p.sender_ip == config_.address) conflict(p.sender_mac, now);
        return;
    case AcdState::Idle:
    case AcdState::Stopped:
        return;
    }
}

void AcdEngine::conflict(const HardwareAddress& mac, BootTime now) {
    // RFC 5227 2.4(b): defend once with an announcement; a second conflict
    // within DEFEND_INTERVAL means the other host insists: give up.
    if (last_defence_ && now - *last_defence_ < config_.timing.defend_interval) {
        state_ = AcdState::Stopped;
        timer_.reset();
        actions_.push_back(AcdLost{mac});
        return;
    }
    last_defence_ = now;
    actions_.push_back(AcdSend{make_announcement(config_.mac, config_.address)});
    actions_.push_back(AcdDefended{mac});
}

}  // namespace earlynet::dhcp
