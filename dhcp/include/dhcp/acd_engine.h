// AcdEngine: IPv4 Address Conflict Detection (RFC 5227) for one address, with
// no I/O: probe before use, announce, then watch and defend once. Time is an
// argument (CLOCK_BOOTTIME), jitter comes from a seeded Random; the caller
// feeds ARP packets and timer expiries and drains next_action().
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <variant>

#include "base/clock.h"
#include "base/ip_address.h"
#include "dhcp/arp_packet.h"
#include "dhcp/random.h"

namespace earlynet::dhcp {

// The RFC 5227 section 1.1 constants, optionally scaled.
struct AcdTiming {
    Duration probe_wait;         // random delay before the first probe
    int probe_num = 3;           // probes sent
    Duration probe_min;          // random gap between probes, from ...
    Duration probe_max;          // ... to
    Duration announce_wait;      // quiet time after the last probe before the address is ours
    int announce_num = 2;        // announcements sent
    Duration announce_interval;  // between them
    Duration defend_interval;    // a second conflict within this gives the address up

    // RFC-exact: 0-1 s wait, 3 probes 1-2 s apart, 2 s quiet: 3 to 7 s before
    // an address may be used. For networks where a duplicate is likelier
    // than a slow boot matters.
    static AcdTiming rfc5227();
    // The probe phase fitted into `total` (NetworkManager's ipv4.dad-timeout,
    // which n-acd treats the same way): every wait of rfc5227() scaled by
    // total / 7 s, three probes still sent. Zero is not valid (no ACD).
    static AcdTiming scaled(Duration total);
    // earlynet's default (kDefaultProbeTime) fitted this way.
    static AcdTiming boot_default();
};

// The probe time when a profile leaves ipv4.dad-timeout unset. Every address
// is probed by default (a duplicate on a boot LAN takes a diskless node's
// root file system down with it), but an initramfs cannot spend RFC 5227's
// 3-7 s per address: three probes in 200 ms still catch any host that answers
// ARP. This is n-acd's figure for NetworkManager when ipv4.dad-timeout is
// configured; NetworkManager 1.42 itself probes only when it is (its -1 means
// "zero unless configured", nm-settings(5)), which is why it exits faster
// than earlynet by default; ipv4.dad-timeout=0 turns the probe off here too.
inline constexpr std::chrono::milliseconds kDefaultProbeTime{200};
inline AcdTiming AcdTiming::boot_default() {
    return scaled(kDefaultProbeTime);
}

// What a conflict while the address is in use leads to (RFC 5227 2.4).
enum class AcdDefence {
    // (b): defend once; a second conflict within DEFEND_INTERVAL gives the
    // address up (AcdLost).
    Once,
    // (c): never give it up, at most one announcement per DEFEND_INTERVAL:
    // for an address a network root depends on, whose loss would kill it.
    Indefinitely,
};

struct AcdSend {
    ArpPacket packet;
};
// Probing found nobody: configure the address now. The first announcement
// is due at once (next_deadline() == now), so it goes out on the next timer
// expiry, after the caller has configured the address and the kernel answers
// for it (n-acd makes the caller announce explicitly for the same reason).
struct AcdReady {};
// Someone has (or is probing for) the address: it must not be used.
struct AcdConflict {
    HardwareAddress mac;
};
// A conflicting ARP while the address is in use; we announced it once more
// (`announced`), or, defending indefinitely, had already within DEFEND_INTERVAL.
struct AcdDefended {
    HardwareAddress mac;
    bool announced = true;
};
// A second conflict within the defend interval: give the address up
// (RFC 5227 2.4(b)).
struct AcdLost {
    HardwareAddress mac;
};
// Probes could not be sent (the ARP socket refused them): nothing is known
// about the address, which is not the same as nobody answering.
struct AcdFailed {
    std::string reason;
};
enum class AcdState {
    Idle,        // not started
    Probing,     // probes sent from 0.0.0.0; the address must not be used yet
    Announcing,  // found free (Ready given); announcements going out
    Watching,    // announced; defending the address against conflicting ARP
    Stopped,     // stopped, conflict while probing, or address lost: does nothing more
};
const char* to_string(AcdState s);

// Every state change, from the one place that makes them, for the caller's
// debug log ("eth0: ACD 10.0.0.5 probing -> announcing").
struct AcdStateChanged {
    AcdState from;
    AcdState to;
};
using AcdAction = std::variant<AcdSend, AcdReady, AcdConflict, AcdDefended, AcdLost, AcdFailed, AcdStateChanged>;

class AcdEngine {
public:
    struct Config {
        Ipv4Address address;
        HardwareAddress mac;
        AcdTiming timing = AcdTiming::boot_default();
        AcdDefence defence = AcdDefence::Once;
    };

    AcdEngine(Config config, std::uint64_t seed);

    // Starts (or restarts) probing: the first probe after a random delay of
    // up to probe_wait.
    void start(BootTime now);
    // Starts watching an address in use already (adopted after switch_root):
    // no probe and no announcement (the address has been on the link all
    // along); conflicts are defended as Config::defence says (RFC 5227 2.4).
    void watch();
    // An ARP packet seen on the interface, our own included (they are ignored).
    void receive(const ArpPacket& packet, BootTime now);
    // Does what is due at `now`; early calls do nothing.
    void on_timer(BootTime now);
    // The last AcdSend could not be sent. While probing, that probe is sent
    // again and not counted; after three such failures in one probe phase,
    // AcdFailed.
    void send_failed(BootTime now);
    // Stops at once; nothing is sent afterwards.
    void stop();

    std::optional<BootTime> next_deadline() const { return timer_; }
    std::optional<AcdAction> next_action();
    AcdState state() const { return state_; }
    const Config& config() const { return config_; }

private:
    void set_state(AcdState to);
    void send_announcement(BootTime now);
    void conflict(const HardwareAddress& mac, BootTime now);

    Config config_;
    Random random_;
    AcdState state_ = AcdState::Idle;
    std::deque<AcdAction> actions_;
    std::optional<BootTime> timer_;
    int probes_sent_ = 0;
    int announcements_sent_ = 0;
    int send_failures_ = 0;  // probes not sent in this probe phase
    std::optional<BootTime> last_defence_;
};

}  // namespace earlynet::dhcp
