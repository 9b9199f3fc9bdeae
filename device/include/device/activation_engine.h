// ActivationEngine: what DeviceActivation decides, with no I/O. It takes the
// link's progress (prepared and up, carrier, removed), the IPv4 and IPv6
// families' states and timer expiries, each with the time (CLOCK_BOOTTIME),
// and returns actions for its adapter (DeviceActivation): start the
// families, confirm the lease when carrier comes back, stop them, report.
//
// The outcome follows NetworkManager's rules: a family with may-fail=false
// must succeed; otherwise one success is enough, once every family with a
// required-timeout has succeeded or run out of it. A device without carrier
// within the carrier timeout fails; so does one that disappears while it is
// activating. Carrier lost after activation costs nothing (the addresses
// stay); its return makes DHCPv4 confirm the lease.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <variant>

#include "base/clock.h"
#include "device/family_state.h"
#include "state/device_record.h"

namespace earlynet::device {

// Create and start the IP families: carrier is there.
struct StartIp {};
// Carrier came back after IP started: DHCPv4 confirms its lease.
struct ConfirmLease {};
// Stop DHCP clients, probes and retries; addresses stay.
struct StopFamilies {};
// The device is gone: so are its families.
struct DropFamilies {};
// Taken down on request: families stopped and dropped, the addresses they
// configured removed, the link set down.
struct TakeDown {};
// The outcome or the record changed: report the device (state files, hooks).
struct DeviceChanged {};
using ActivationAction = std::variant<StartIp, ConfirmLease, StopFamilies, DropFamilies, TakeDown, DeviceChanged>;

class ActivationEngine {
public:
    struct FamilyPolicy {
        bool may_fail = true;
        Duration required_timeout = Duration::zero();  // zero: none
    };
    struct Config {
        std::string name;   // the interface, for the log
        bool port = false;  // a bond/bridge/team port: done once up, no IP
        Duration carrier_timeout = std::chrono::seconds(10);
        FamilyPolicy v4;
        FamilyPolicy v6;
        BootTime run_started;  // timings are measured from here
    };

    explicit ActivationEngine(Config config);

    // The device was seen.
    void start(BootTime now);
    // Prepared (MAC, MTU, port attached) and set up; `carrier` is whether it
    // can be trusted to have one already.
    void on_link_up(bool carrier, BootTime now);
    // Preparing or setting it up failed.
    void on_link_failed(std::string reason, BootTime now);
    void on_carrier(bool carrier, BootTime now);
    void on_link_removed(BootTime now);
    // The families' states; `has_address`: the device's record holds one.
    void on_families(FamilyReport v4, FamilyReport v6, bool has_address, BootTime now);
    // Does what is due at `now`; early calls do nothing.
    void on_timer(BootTime now);
    // A bug of ours surfaced while this device handled an event.
    void fail_internal(std::string reason, BootTime now);
    void stop();
    // Taken down on request, whatever its outcome was: outcome Down, and
    // nothing it hears afterwards changes that (a new engine brings it up).
    void take_down(BootTime now);

    std::optional<BootTime> next_deadline() const;
    std::optional<ActivationAction> next_action();

    state::DeviceOutcome outcome() const { return outcome_; }
    const std::string& failure_reason() const { return failure_; }
    const state::DeviceTimings& timings() const { return timings_; }
    bool ip_started() const { return ip_started_; }

private:
    struct Family {
        FamilyPolicy policy;
        FamilyReport report;
        std::optional<BootTime> required_until;  // the required-timeout runs
        bool required_over = false;
        const char* name;
    };

    void start_ip(BootTime now);
    void evaluate(BootTime now);
    void finish(state::DeviceOutcome outcome, std::string reason, BootTime now);
    std::chrono::milliseconds since_start(BootTime now) const;
    void push(ActivationAction a) { pending_.push_back(a); }

    Config config_;
    Family v4_;
    Family v6_;
    bool link_up_ = false;
    bool carrier_ = false;
    bool ip_started_ = false;
    bool has_address_ = false;
    std::optional<BootTime> carrier_until_;
    state::DeviceOutcome outcome_ = state::DeviceOutcome::Activating;
    std::string failure_;
    state::DeviceTimings timings_;
    std::deque<ActivationAction> pending_;
};

}  // namespace earlynet::device
