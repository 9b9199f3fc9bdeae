// Ipv4DhcpEngine: what ipv4.method=auto decides, with no I/O. It takes the
// DHCP client's and the ACD probe's results, the kernel's answer to each
// configuration it asked for, timer expiries and carrier changes, each with
// the time (CLOCK_BOOTTIME), and returns actions for its adapter (Ipv4Dhcp):
// steer the client, start or stop the probe, configure or remove the address.
//
// The policy (see ipv4_dhcp.h for the why): a granted address is probed
// before use and DECLINEd on conflict; after bind it is defended once and
// given up on a second conflict, or defended indefinitely when the network
// root depends on it; a lease lost by NAK or expiry takes its address and
// its defender with it; a kernel that refuses a new address is retried
// 0.25, 0.5, 1 s apart, then the family fails; one that refuses a renewal is
// retried until it takes. A kernel refusal is never answered with DECLINE.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <variant>

#include "base/clock.h"
#include "base/result.h"
#include "device/family_state.h"
#include "dhcp/acd_engine.h"
#include "dhcp/client_engine.h"

namespace earlynet::device {

// Steering the DHCP client (dhcp::ClientAdapter's calls of the same names).
struct ClientStart {};
struct ClientStartBound {
    dhcp::Lease lease;
};
struct ClientStartInitReboot {
    Ipv4Address address;
};
struct ClientSelect {
    dhcp::Lease offer;
};
struct ClientAccept {};
struct ClientDecline {};
struct ClientLinkUp {};
struct ClientStop {};
// Start an ACD probe (which then watches the address), replacing any other;
// `watch_only`: the address is in use already (a continued lease), only
// watched and defended, not probed or announced.
struct ProbeStart {
    dhcp::AcdEngine::Config config;
    bool watch_only = false;
};
struct ProbeStop {};
// Put the lease's address into the kernel (replace: a renewal moves the
// lifetimes in place), then its MTU and routes. The adapter answers with
// on_configured().
struct ConfigureLease {
    dhcp::Lease lease;
    // What is left of the lease at the time of the action; nullopt: infinite.
    std::optional<Seconds> lifetime;
};
struct RemoveAddress {
    dhcp::Lease lease;
};
// The lease in use changed (new, renewed, gone) or the state did: the
// device's record must be written again.
struct LeaseChanged {};
using Ipv4DhcpAction =
    std::variant<ClientStart, ClientStartBound, ClientStartInitReboot, ClientSelect, ClientAccept, ClientDecline,
                 ClientLinkUp, ClientStop, ProbeStart, ProbeStop, ConfigureLease, RemoveAddress, LeaseChanged>;

class Ipv4DhcpEngine {
public:
    using State = FamilyState;  // never Skipped

    struct Config {
        std::string name;  // the interface, for the log
        HardwareAddress mac;
        // ipv4.dad-timeout: zero skips the probe.
        Duration dad_timeout = std::chrono::milliseconds(200);
        // The root file system depends on this device: defend indefinitely.
        bool network_root = false;
        // A lease an earlier earlynet configured (`run --import`): continued
        // from BOUND, its address left as it is.
        std::optional<dhcp::Lease> saved_lease;
        // Else, the address of a lease that cannot be continued (another MAC,
        // an ended lease): asked for again (INIT-REBOOT, RFC 2131 3.2), then
        // DISCOVER.
        std::optional<Ipv4Address> init_reboot_address;
    };

    // A new address the kernel refuses is tried this often (0.25, 0.5, 1 s
    // apart) before the family fails: a transient refusal (an interface
    // being renamed, a full netlink buffer) passes in that time, a real one
    // does not.
    static constexpr int kConfigureAttempts = 4;
    static constexpr std::chrono::milliseconds kFirstConfigureRetry{250};
    // A refused renewal is retried at most this far apart: the kernel
    // removes the address at its old lifetime otherwise.
    static constexpr std::chrono::milliseconds kLastConfigureRetry{30000};

    explicit Ipv4DhcpEngine(Config config);

    void start(BootTime now);
    // The saved lease's address is not on the interface (someone removed
    // it): it is put back at once with what is left of the lease.
    void on_saved_address_gone(BootTime now);
    void on_client(const dhcp::ClientAction& action, BootTime now);
    void on_acd(const dhcp::AcdAction& action, BootTime now);
    // The probe could not even be set up (no ARP socket): used unprobed.
    void on_probe_unavailable(const std::string& reason, BootTime now);
    // The kernel's answer to the last ConfigureLease.
    void on_configured(const Result<void>& result, BootTime now);
    // Does what is due at `now`; early calls do nothing.
    void on_timer(BootTime now);
    // Carrier came back: the client confirms its lease (or restarts a
    // stalled acquisition).
    void on_carrier_regained();
    // Stops the client and the probe; the address stays (handover).
    void stop();
    // A bug of ours surfaced around this family: it fails, alone.
    void fail(std::string reason);

    std::optional<BootTime> next_deadline() const { return retry_at_; }
    std::optional<Ipv4DhcpAction> next_action();

    State state() const { return state_; }
    const std::string& reason() const { return reason_; }
    // The lease whose address is configured.
    const std::optional<dhcp::Lease>& lease() const { return lease_; }

private:
    enum class Configuring { Nothing, NewLease, Renewal };

    void probe(const dhcp::Lease& lease, BootTime now);
    dhcp::AcdEngine::Config probe_config(const dhcp::Lease& lease) const;
    void use(const dhcp::Lease& lease, BootTime now);
    void configure(const dhcp::Lease& lease, Configuring what, BootTime now);
    void on_new_lease_configured(const Result<void>& result, BootTime now);
    void on_renewal_configured(const Result<void>& result, BootTime now);
    void stop_probe();
    void give_up_address(const std::string& why);
    void log_warnings(const dhcp::Lease& lease) const;
    std::string probed_address() const;
    void push(Ipv4DhcpAction action) { pending_.push_back(std::move(action)); }

    Config config_;
    State state_ = State::Pending;
    std::string reason_;
    bool stopped_ = false;
    bool probing_ = false;                // a ProbeStart not yet stopped
    std::optional<dhcp::Lease> granted_;  // being probed
    std::optional<dhcp::Lease> lease_;    // configured
    Configuring configuring_ = Configuring::Nothing;
    std::optional<dhcp::Lease> configuring_lease_;
    int configure_failures_ = 0;
    std::optional<BootTime> retry_at_;
    std::deque<Ipv4DhcpAction> pending_;
};

}  // namespace earlynet::device
