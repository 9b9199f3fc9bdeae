// Dhcp6Engine: the DHCPv6 client of RFC 8415 (stateful address
// configuration with IA_NA, and stateless INFORMATION-REQUEST), with no I/O,
// like ClientEngine for DHCPv4. The adapter feeds it the server's messages
// and timer expiries with the current time (CLOCK_BOOTTIME), then drains
// next_action(). It never sends RELEASE: the root may still need the address
// after this process has gone.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/clock.h"
#include "base/ip_address.h"
#include "base/result.h"
#include "dhcp/dhcp6_message.h"
#include "dhcp/dhcp6_retransmission.h"
#include "dhcp/random.h"

namespace earlynet::dhcp {

enum class Dhcp6State {
    Stopped,
    Soliciting,  // SOLICIT sent, collecting ADVERTISEs
    Requesting,  // REQUEST to the chosen server sent
    Bound,
    Renewing,               // T1 passed: RENEW to the server that granted the lease
    Rebinding,              // T2 passed: REBIND to any server
    Confirming,             // link came back: CONFIRM the addresses still fit the link
    Declining,              // DAD failed: DECLINE sent, then SOLICIT again
    InformationRequesting,  // stateless: INFORMATION-REQUEST sent
    Informed,               // stateless: configuration received, refreshed later
};
const char* to_string(Dhcp6State state);

struct Dhcp6Config {
    std::vector<std::uint8_t> duid;  // option 1: the same in the initrd and the real root
    std::uint32_t iaid = 0;          // the same across boot stages too
    bool rapid_commit = true;        // SOLICIT with option 14: a REPLY may bind at once
    // Acquisition gives up after this long without a lease (zero = never).
    Duration timeout = std::chrono::seconds(45);
};

// The options a client asks for (option 6): DNS servers, search list, SNTP,
// information refresh time, NTP server, boot file URL and parameters,
// SOL_MAX_RT.
const std::vector<std::uint16_t>& dhcp6_requested_options();

// What a server granted: its identity, the IA_NA with the addresses and
// their lifetimes, and the whole REPLY's options as received (the state keeps
// them raw, as for DHCPv4). T1/T2 are the server's, or 0.5 and 0.8 of the
// shortest preferred lifetime when it left them to the client (RFC 8415
// 18.2.4). Times run from `acquired_at`, when the REPLY was received.
struct Dhcp6Lease {
    std::vector<std::uint8_t> server_duid;
    Dhcp6IaNa ia;
    std::vector<Dhcp6Option> options;
    BootTime acquired_at;
    Seconds t1{0};
    Seconds t2{0};
    // The longest valid lifetime of its addresses: the lease ends then.
    Seconds valid() const;
    bool operator==(const Dhcp6Lease&) const = default;
};

// An address's lifetimes counted from `now` instead of from `since` (when
// the REPLY came); nullopt once its valid lifetime is over. Elapsed time is
// rounded up, so a lifetime is never stretched; infinity stays.
std::optional<Dhcp6IaAddress> dhcp6_remaining(Dhcp6IaAddress address, BootTime since, BootTime now);

struct Dhcp6Send {
    Dhcp6Message message;  // to ff02::1:2 port 547, from our link-local address, port 546
};
struct Dhcp6StateChanged {
    Dhcp6State from;
    Dhcp6State to;
};
// A new lease (after REQUEST, or a rapid-commit REPLY): configure its addresses.
struct Dhcp6Bound {
    Dhcp6Lease lease;
};
// The same binding with new lifetimes (RENEW, REBIND, CONFIRM's answer).
// Addresses the REPLY left out stay for what is left of their lifetimes,
// counted from the new acquired_at (RFC 8415 18.2.10.1).
struct Dhcp6Extended {
    Dhcp6Lease lease;
};
enum class Dhcp6LossReason { Expired, NotOnLink, NoBinding, Declined, Revoked };
// The addresses must go; the engine solicits again.
struct Dhcp6Lost {
    Dhcp6Lease lease;
    Dhcp6LossReason reason;
};
// Stateless configuration (REPLY to INFORMATION-REQUEST).
struct Dhcp6InformationReceived {
    std::vector<Dhcp6Option> options;
};
struct Dhcp6Failed {
    Error error;
};
struct Dhcp6Ignored {
    std::string reason;
};
using Dhcp6Action = std::variant<Dhcp6Send, Dhcp6StateChanged, Dhcp6Bound, Dhcp6Extended, Dhcp6Lost,
                                 Dhcp6InformationReceived, Dhcp6Failed, Dhcp6Ignored>;

class Dhcp6Engine {
public:
    Dhcp6Engine(Dhcp6Config config, std::uint64_t seed);

    // SOLICIT at once. RFC 8415 18.2.1 suggests a random delay up to 1 s
    // first; as for DHCPv4, an initramfs does not wait (NetworkManager and
    // systemd-networkd do not either).
    void start(BootTime now);
    // Stateless: the router said "other configuration" only (O flag).
    void start_information_request(BootTime now);
    // BOUND from a saved lease (the handover): RENEW at its T1, REBIND at T2,
    // as if the time since acquired_at had passed here.
    void start_bound(const Dhcp6Lease& lease, BootTime now);

    void receive(const Dhcp6Message& message, BootTime now);
    void on_timer(BootTime now);
    // Carrier came back while bound: CONFIRM (RFC 8415 18.2.3); while
    // acquiring: a fresh SOLICIT now.
    void link_up(BootTime now);
    // DAD found the leased address in use: DECLINE it, then SOLICIT again.
    void decline(BootTime now);
    // Asked from outside (`earlynet renew`): bound, a RENEW now (the lease's
    // own schedule follows); soliciting, a fresh SOLICIT; stateless, a new
    // INFORMATION-REQUEST; already asking, nothing more.
    [[nodiscard]] Result<void> renew(BootTime now);
    void stop();

    std::optional<BootTime> next_deadline() const;
    std::optional<Dhcp6Action> next_action();

    Dhcp6State state() const { return state_; }
    const std::optional<Dhcp6Lease>& lease() const { return lease_; }

private:
    void set_state(Dhcp6State to);
    void emit(Dhcp6Action action) { actions_.push_back(std::move(action)); }

    void begin_exchange(Dhcp6State state, const Dhcp6RetransmissionParameters& parameters, BootTime now);
    void send_current(BootTime now);
    Dhcp6Message build(Dhcp6MessageType type, BootTime now) const;
    void solicit(BootTime now);
    void arm_lease_timers();
    void renew_now(BootTime now);
    void lose(Dhcp6LossReason reason, BootTime now);
    void on_exchange_failed(BootTime now);
    // Bound, or renewing, rebinding, confirming a lease: its addresses are in use.
    bool holds_lease() const;
    // When the last address's valid lifetime ends; nullopt for never.
    std::optional<BootTime> lease_end() const;

    std::optional<std::string> not_for_us(const Dhcp6Message& m) const;
    void on_advertise(const Dhcp6Message& m, BootTime now);
    void on_reply(const Dhcp6Message& m, BootTime now);
    // The lease a message grants, or nullopt and `why`. With `held` (the
    // lease being renewed), the addresses the message leaves out stay for
    // what is left of their lifetimes.
    std::optional<Dhcp6Lease> lease_from(const Dhcp6Message& m, BootTime now, std::string& why,
                                         const Dhcp6Lease* held = nullptr) const;
    void request_from_advertise(BootTime now);

    Dhcp6Config config_;
    Random random_;
    Dhcp6State state_ = Dhcp6State::Stopped;
    std::deque<Dhcp6Action> actions_;

    std::uint32_t transaction_id_ = 0;
    std::optional<Dhcp6Retransmission> exchange_;  // the message being (re)sent
    std::optional<BootTime> timer_;                // exchange deadline, or T1/T2/expiry/refresh
    std::optional<BootTime> give_up_at_;           // end of this acquisition
    std::optional<Dhcp6Message> best_advertise_;   // highest preference so far
    int best_preference_ = -1;
    std::optional<Dhcp6Lease> lease_;
};

}  // namespace earlynet::dhcp
