// ClientEngine: the DHCPv4 client state machine of RFC 2131 section 4.4, with
// no I/O. The adapter feeds it messages and timer expiries with the current
// time (CLOCK_BOOTTIME), then drains next_action() until it is empty. Offers
// and granted leases are questions for the caller: it answers an Offered with
// select() and a Granted (after probing the address, RFC 5227) with accept()
// or decline().
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "base/clock.h"
#include "base/ip_address.h"
#include "base/result.h"
#include "dhcp/lease.h"
#include "dhcp/message.h"
#include "dhcp/random.h"

namespace earlynet::dhcp {

enum class ClientState {
    Init,        // about to DISCOVER (possibly after a restart delay)
    Selecting,   // DISCOVER sent, waiting for OFFERs
    Requesting,  // REQUEST for a selected offer sent
    Granted,     // ACK received; the caller checks the address, then accept() or decline()
    Bound,
    Renewing,    // T1 passed: REQUEST unicast to the server that granted the lease
    Rebinding,   // T2 passed: REQUEST broadcast to any server
    InitReboot,  // about to ask for a known address again (RFC 2131 3.2)
    Rebooting,   // REQUEST for the known address sent
    Stopped,     // released, stopped, or failed: does nothing more
};
const char* to_string(ClientState state);

struct ClientConfig {
    // Ethernet (6 bytes): chaddr. IPoIB (20 bytes): RFC 4390, htype 32, an
    // empty chaddr, the broadcast flag always, and the client identifier.
    HardwareAddress mac;
    // Option 61, sent in every message when not empty. See default_client_id().
    std::vector<std::uint8_t> client_id;
    std::string hostname;      // option 12, when not empty
    std::string vendor_class;  // option 60 (rd.net.dhcp.vendor-class), when not empty
    // Acquisition gives up after this long without a lease (ipv4.dhcp-timeout;
    // zero = never), and then starts over `attempts` times in all before Failed.
    Duration timeout = std::chrono::seconds(45);
    int attempts = 1;
    // Ask the server to broadcast its answers (RFC 2131 4.1). Off: our
    // packet socket receives replies unicast to our MAC before the address is
    // configured, and a broadcast reply reaches every host of the segment
    // (256 clients booting at once: each reply woke all of them, and the
    // server spent twice the CPU per client flooding them). IPoIB sets it
    // whatever this says. systemd-networkd and dhclient leave it off too.
    bool request_broadcast = false;
    // RFC 2131 3.1.5: after DECLINE, wait at least ten seconds before starting over.
    Duration decline_restart_delay = std::chrono::seconds(10);
    // Option 57: the largest message we accept. 576 is every host's minimum
    // (RFC 2132 9.10); a larger one lets servers send long option lists.
    std::uint16_t max_message_size = 1472;  // 1500-byte MTU minus IP and UDP headers
};

// The client identifier NetworkManager's internal client sends by default
// ("mac": type 1 then the MAC, RFC 2132 9.14), which is also what dnsmasq,
// ISC and Kea key leases on when present. It makes the lease the initrd got
// the same one the real root's NetworkManager asks for, so the address does
// not change at the handover.
// On IPoIB (RFC 4390 2.1, which requires option 61) the identifier is RFC
// 4361's: 255, an IAID, then a DUID-LL (type 3) of hardware type 32 with the
// port GUID, the last 8 bytes of the 20-byte address; the IAID is the GUID's
// last 4 bytes. The 20-byte address itself is not stable (its QPN part
// changes), the GUID is.
std::vector<std::uint8_t> default_client_id(const HardwareAddress& mac);

// A 20-byte address is IPoIB's: RFC 4390 rules (htype 32, empty chaddr).
bool is_infiniband(const HardwareAddress& mac);
// The chaddr we send and expect back: the MAC, at most 16 bytes; none on
// IPoIB, whose 20-byte address does not fit (RFC 4390 2.1).
std::span<const std::uint8_t> chaddr_of(const HardwareAddress& mac);

// The options we ask for (option 55), 17 (root-path) and 121 among them.
const std::vector<std::uint8_t>& parameter_request_list();

enum class Destination {
    Broadcast,  // 255.255.255.255 from 0.0.0.0 (or from our address when rebinding)
    Server,     // unicast to the server that granted the lease, from our address
};

struct SendAction {
    Message message;
    Destination destination = Destination::Broadcast;
    Ipv4Address server;  // for Destination::Server
};
struct StateChanged {
    ClientState from;
    ClientState to;
};
// An OFFER; answer with select() (any time while selecting) or ignore it.
struct Offered {
    Lease offer;
};
// An ACK for a new address; answer with accept() or decline().
struct Granted {
    Lease lease;
};
// An ACK that keeps the current address (renewal, rebinding): new lifetimes.
struct Extended {
    Lease lease;
};
enum class LossReason { Nak, Expired, Replaced };
// The current address must go (NAK, expiry); the engine starts over.
struct Lost {
    Lease lease;
    LossReason reason;
};
// Acquisition gave up (timeout after every attempt); the engine has stopped.
struct Failed {
    Error error;
};
// A message was not for us or not acceptable now: one debug line, no error.
struct Ignored {
    std::string reason;
};
using ClientAction = std::variant<SendAction, StateChanged, Offered, Granted, Extended, Lost, Failed, Ignored>;

class ClientEngine {
public:
    ClientEngine(ClientConfig config, std::uint64_t seed);

    // INIT: DISCOVER at once. RFC 2131 4.4.1 suggests a random 1-10 s delay
    // first, against a thundering herd after a power cut; NetworkManager and
    // systemd send at once, and in an initramfs every second counts.
    void start(BootTime now);
    // INIT-REBOOT: ask for an address we had before (RFC 2131 3.2).
    void start_init_reboot(Ipv4Address address, BootTime now);
    // BOUND from a saved lease (the handover): renews at T1 of that lease
    // without acquiring anew; a lease already past T1, T2 or its end moves on
    // to RENEWING, REBINDING or starts over, as if the time had passed here.
    void start_bound(const Lease& lease, BootTime now);

    void receive(const Message& message, BootTime now);
    // Carrier came back: the link may now lead elsewhere. A lease in use is
    // confirmed at once (a REQUEST as at T1, again 4 and 8 s later: RFC 2131
    // 3.7 lets a client verify its lease when it may have moved, RFC 4436
    // does it on link up), then the lease's own schedule;
    // an acquisition in progress starts a fresh transaction now instead of
    // waiting out a backoff grown while the cable was out.
    void link_up(BootTime now);
    // Asked from outside (`earlynet renew`): a lease in use is confirmed now
    // as after carrier came back; an acquisition sends its next message now.
    // An error says why nothing was sent (stopped, the address being checked,
    // the wait after a DECLINE, an infinite lease).
    [[nodiscard]] Result<void> renew(BootTime now);
    void on_timer(BootTime now);

    // SELECTING: request this offer (from an Offered action).
    void select(const Lease& offer, BootTime now);
    // GRANTED: the address is ours (ACD found it free and it is configured).
    void accept(BootTime now);
    // GRANTED, or BOUND/RENEWING/REBINDING when ACD gave the address up (RFC
    // 5227 2.4): the address is in use by someone else. Sends DECLINE, drops
    // the lease, and starts over after decline_restart_delay (RFC 2131
    // 3.1.5), or after a minute once there were ten conflicts (RFC 5227
    // 2.1.1). A lease dropped after bind is acquired again without deadline.
    void decline(BootTime now);
    // Gives the lease back to the server (only when asked: an initrd never
    // does, the handover keeps the lease) and stops.
    void release(BootTime now);
    // Stops without a word to the server.
    void stop();

    // When on_timer() wants to be called next; nullopt when nothing is pending.
    std::optional<BootTime> next_deadline() const;
    std::optional<ClientAction> next_action();

    ClientState state() const { return state_; }
    // The lease in use (BOUND, RENEWING, REBINDING) or granted.
    const std::optional<Lease>& lease() const { return lease_; }
    const ClientConfig& config() const { return config_; }

private:
    void set_state(ClientState to);
    void emit(ClientAction action) { actions_.push_back(std::move(action)); }

    void begin_acquisition(BootTime now);  // a fresh attempt: deadline, then INIT
    void restart(BootTime now, Duration delay);
    void new_transaction(BootTime now);
    void lose_lease(BootTime now);
    void send_discover(BootTime now);
    void send_request(BootTime now);
    void arm_retransmission(BootTime now);
    void arm_lease_timer(BootTime now);
    void arm_confirmation(BootTime now);
    void confirm_lease(BootTime now);
    void on_lease_timer(BootTime now);
    void on_acquisition_timeout(BootTime now);

    void on_offer(const Message& message, BootTime now);
    void on_ack(const Message& message, BootTime now);
    void on_nak(const Message& message, BootTime now);
    std::optional<std::string> not_for_us(const Message& message) const;

    Message base_message(MessageType type, BootTime now) const;

    ClientConfig config_;
    Random random_;
    ClientState state_ = ClientState::Stopped;
    std::deque<ClientAction> actions_;

    Xid xid_;
    BootTime transaction_started_;        // first send of this xid: the lease starts then
    BootTime acquisition_started_;        // for the secs field
    std::optional<BootTime> timer_;       // retransmission, restart, or T1/T2/expiry
    std::optional<BootTime> give_up_at_;  // end of this acquisition attempt
    Duration retransmit_delay_{0};        // current base delay (4, 8, ... 64 s)
    int attempts_left_ = 0;
    int requests_sent_ = 0;            // in REQUESTING/REBOOTING, before giving up on the offer
    Duration nak_delay_{0};            // restart delay after a NAK, doubles
    int conflicts_ = 0;                // DECLINEs sent (RFC 5227 MAX_CONFLICTS)
    int confirm_retransmissions_ = 0;  // quick REQUESTs left after link_up() while bound
    std::optional<Lease> selected_;    // the offer being requested
    std::optional<Lease> lease_;       // granted or in use
    std::optional<Ipv4Address> reboot_address_;
};

}  // namespace earlynet::dhcp
