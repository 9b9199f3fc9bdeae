#include "dhcp/acd_engine.h"

namespace earlynet::dhcp {

using std::chrono::seconds;

namespace {

// RFC 5227 section 1.1. The longest probe phase is PROBE_WAIT + 2 * PROBE_MAX
// + ANNOUNCE_WAIT = 1 + 2 + 2 + 2 = 7 s (the shortest 0 + 1 + 1 + 2 = 4 s).
constexpr Duration kRfcProbePhase = seconds(7);
// Probes of one probe phase that could not be sent before the probe fails:
// one is a transient refusal (a full queue), three mean the socket is unusable.
constexpr int kMaxSendFailures = 3;

}  // namespace

AcdTiming AcdTiming::rfc5227() {
    // RFC 5227 section 1.1: PROBE_WAIT 1 s, PROBE_NUM 3, PROBE_MIN 1 s,
    // PROBE_MAX 2 s, ANNOUNCE_WAIT 2 s, ANNOUNCE_NUM 2, ANNOUNCE_INTERVAL 2 s,
    // DEFEND_INTERVAL 10 s.
    return AcdTiming{seconds(1), 3, seconds(1), seconds(2), seconds(2), 2, seconds(2), seconds(10)};
}

AcdTiming AcdTiming::scaled(Duration total) {
    // Every probe-phase wait shrinks (or grows) by total / 7 s, so that the
    // longest phase takes `total`; scaled(7 s) is rfc5227(). Announcing and
    // defending keep the RFC's pace: they happen after the address is in use
    // and cost no boot time. The product is taken in 128 bits: 2 s * 5 s in
    // nanoseconds (1e19) is already past int64, and ipv4.dad-timeout goes
    // up to 30 s.
    AcdTiming t = rfc5227();
    auto scale = [&](Duration d) {
        return Duration(
            static_cast<Duration::rep>(static_cast<__int128>(d.count()) * total.count() / kRfcProbePhase.count()));
    };
    t.probe_wait = scale(t.probe_wait);
    t.probe_min = scale(t.probe_min);
    t.probe_max = scale(t.probe_max);
    t.announce_wait = scale(t.announce_wait);
    return t;
}

const char* to_string(AcdState s) {
    switch (s) {
        case AcdState::Idle: return "idle";
        case AcdState::Probing: return "probing";
        case AcdState::Announcing: return "announcing";
        case AcdState::Watching: return "watching";
        case AcdState::Stopped: return "stopped";
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

// The one place the state changes, so the caller's log shows every step.
void AcdEngine::set_state(AcdState to) {
    if (to == state_) return;
    actions_.push_back(AcdStateChanged{state_, to});
    state_ = to;
    // Nothing is due in a state without a schedule.
    if (to == AcdState::Watching || to == AcdState::Stopped || to == AcdState::Idle) timer_.reset();
}

void AcdEngine::start(BootTime now) {
    set_state(AcdState::Probing);
    probes_sent_ = 0;
    announcements_sent_ = 0;
    send_failures_ = 0;
    last_defence_.reset();
    // RFC 5227 2.1.1: wait a random time in [0, PROBE_WAIT] before the
    // first probe, so hosts powered on together do not probe in lockstep.
    timer_ = now + random_.between(Duration::zero(), config_.timing.probe_wait);
}

void AcdEngine::watch() {
    set_state(AcdState::Watching);
    probes_sent_ = 0;
    announcements_sent_ = 0;
    send_failures_ = 0;
    last_defence_.reset();
}

void AcdEngine::send_failed(BootTime now) {
    switch (state_) {
        case AcdState::Probing:
            if (++send_failures_ >= kMaxSendFailures) {
                set_state(AcdState::Stopped);
                actions_.push_back(AcdFailed{std::to_string(kMaxSendFailures) + " probes could not be sent"});
                return;
            }
            // Not counted: it goes again after the usual gap.
            if (probes_sent_ > 0) --probes_sent_;
            timer_ = now + random_.between(config_.timing.probe_min, config_.timing.probe_max);
            return;
        case AcdState::Announcing:
        case AcdState::Watching:
            // A lost announcement or defence only delays what others learn; the
            // address is ours already.
        case AcdState::Idle:
        case AcdState::Stopped: return;
    }
}

void AcdEngine::stop() {
    set_state(AcdState::Stopped);
}

void AcdEngine::send_announcement(BootTime now) {
    // RFC 5227 2.3: ANNOUNCE_NUM announcements, ANNOUNCE_INTERVAL apart.
    actions_.push_back(AcdSend{make_announcement(config_.mac, config_.address)});
    ++announcements_sent_;
    if (announcements_sent_ < config_.timing.announce_num)
        timer_ = now + config_.timing.announce_interval;
    else
        set_state(AcdState::Watching);
}

void AcdEngine::on_timer(BootTime now) {
    if (!timer_ || now < *timer_) return;
    timer_.reset();
    const AcdTiming& t = config_.timing;
    switch (state_) {
        case AcdState::Probing:
            if (probes_sent_ < t.probe_num) {
                // RFC 5227 2.1.1: PROBE_NUM probes, PROBE_MIN..PROBE_MAX apart;
                // after the last, ANNOUNCE_WAIT for an answer.
                actions_.push_back(AcdSend{make_probe(config_.mac, config_.address)});
                ++probes_sent_;
                timer_ =
                    now + (probes_sent_ < t.probe_num ? random_.between(t.probe_min, t.probe_max) : t.announce_wait);
                return;
            }
            // RFC 5227 2.1.1: nothing heard for ANNOUNCE_WAIT after the last
            // probe. The first announcement is due now but goes out from the
            // next timer expiry, after the caller has acted on Ready.
            if (t.announce_num > 0) {
                set_state(AcdState::Announcing);
                timer_ = now;
            } else {
                set_state(AcdState::Watching);
            }
            actions_.push_back(AcdReady{});
            return;
        case AcdState::Announcing: send_announcement(now); return;
        case AcdState::Idle:
        case AcdState::Watching:
        case AcdState::Stopped: return;
    }
}

void AcdEngine::receive(const ArpPacket& p, BootTime now) {
    // Our own frames can come back on a packet socket; they are no conflict
    // (RFC 5227 2.1.1 and 2.4 both exclude our own hardware address).
    if (p.sender_mac == config_.mac) return;
    switch (state_) {
        case AcdState::Probing:
            // RFC 5227 2.1.1: any ARP (request or reply) from the address, or
            // another host's probe for it (both probing at once), is a conflict.
            if (p.sender_ip == config_.address ||
                (p.op == ArpOp::Request && p.sender_ip.is_unspecified() && p.target_ip == config_.address)) {
                set_state(AcdState::Stopped);
                actions_.push_back(AcdConflict{p.sender_mac});
            }
            return;
        case AcdState::Announcing:
        case AcdState::Watching:
            // RFC 5227 2.4: once the address is ours only ARP *from* it conflicts;
            // another host's probe for it is answered by the kernel, which makes
            // that host back off.
            if (p.sender_ip == config_.address) conflict(p.sender_mac, now);
            return;
        case AcdState::Idle:
        case AcdState::Stopped: return;
    }
}

void AcdEngine::conflict(const HardwareAddress& mac, BootTime now) {
    // RFC 5227 2.4(b): defend once with an announcement; a second conflict
    // within DEFEND_INTERVAL of that defence means the other host insists:
    // give up. Past the interval a conflict is a first one again.
    bool recent = last_defence_ && now - *last_defence_ < config_.timing.defend_interval;
    if (recent && config_.defence == AcdDefence::Indefinitely) {
        // RFC 5227 2.4(c): keep the address, but no more than one defensive
        // announcement per DEFEND_INTERVAL, or two hosts would flood the link.
        actions_.push_back(AcdDefended{mac, false});
        return;
    }
    if (recent) {
        set_state(AcdState::Stopped);
        actions_.push_back(AcdLost{mac});
        return;
    }
    last_defence_ = now;
    actions_.push_back(AcdSend{make_announcement(config_.mac, config_.address)});
    actions_.push_back(AcdDefended{mac});
}

}  // namespace earlynet::dhcp
