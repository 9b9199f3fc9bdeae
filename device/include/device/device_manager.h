// DeviceManager: matches profiles to links (present at start or appearing
// later), creates the bonds, bridges and VLANs profiles describe, runs one
// DeviceActivation per matched device, all in parallel on one sd-event loop
// fed by the netlink monitor, and knows when startup is complete: every
// device with a matching profile has tried, and no profile still waits for
// its device (connection.wait-device-timeout).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "device/device_activation.h"
#include "device/event_timer.h"
#include "netlink/monitor.h"
#include "profile/profile_set.h"

namespace earlynet::device {

// What `run --configure-and-quit` reports before exiting, one line each
// (each failed device said why when it failed).
struct RunOutcome {
    // Profiles that came up on no device: these make the exit status
    // non-zero. A catch-all profile is up when any of its devices is.
    std::vector<std::string> profile_failures;
};

class DeviceManager {
public:
    struct Callbacks {
        // A device finished activating (either way), or its record changed later.
        std::function<void(DeviceActivation&)> device_changed;
        std::function<void()> startup_complete;
    };

    DeviceManager(sd_event* loop, netlink::Socket& sock, profile::ProfileSet profiles, ActivationSettings settings,
                  Callbacks callbacks);
    DeviceManager(const DeviceManager&) = delete;
    DeviceManager& operator=(const DeviceManager&) = delete;
    ~DeviceManager();

    // Before start(): what an earlier earlynet left (`run --import`), by
    // interface name. A device whose record names the profile it matches
    // and its ifindex is adopted as it is rather than activated anew.
    // `state_dir` names the files in what is reported.
    void set_adoptable(std::map<std::string, state::DeviceRecord> records, std::string state_dir) {
        adoptable_ = std::move(records);
        adoptable_dir_ = std::move(state_dir);
    }
    [[nodiscard]] Result<void> start();
    bool startup_complete() const { return complete_; }
    void stop_all();

    // Asked from outside (the local API), each for the device named
    // `interface`; ErrorCode::NotFound when no such device is managed, else
    // an error names the device and why not.
    // Its DHCPv4 lease renewed now.
    [[nodiscard]] Result<void> renew(const std::string& interface);
    // Taken down (DeviceActivation::take_down). A device that may carry the
    // network root is not, unless `force` (ErrorCode::Conflict).
    [[nodiscard]] Result<void> take_down(const std::string& interface, bool force);
    // A device taken down or failed activated anew with the profile it
    // matches now, as if it had just appeared; one activating or activated
    // is left as it is.
    [[nodiscard]] Result<void> bring_up(const std::string& interface);
    // Devices in the order they were matched.
    std::vector<const DeviceActivation*> devices() const;
    // Settled::Only leaves out the profiles still being tried (a device of
    // theirs still activating, or their device awaited): what has failed
    // for good before startup is complete.
    enum class Settled { All, Only };
    RunOutcome outcome(Settled which = Settled::All) const;

private:
    void on_events(std::vector<netlink::MonitorEvent> events);
    void consider(const netlink::Link& link);
    void consider_guarded(const netlink::Link& link);
    void create_virtual_links();
    bool has_ports(IfIndex controller) const;
    void check_complete();
    std::optional<IfIndex> controller_of(const profile::Profile& port) const;
    const profile::LoadedProfile* profile_by_uuid_or_name(const std::string& ref) const;
    std::uint64_t next_seed();
    DeviceActivation* find(const std::string& interface);
    bool may_carry_network_root(const std::string& interface) const;

    sd_event* loop_;
    netlink::Socket& sock_;
    profile::ProfileSet profiles_;
    ActivationSettings settings_;
    Callbacks callbacks_;
    std::unique_ptr<netlink::Monitor> monitor_;
    std::map<std::string, state::DeviceRecord> adoptable_;
    // What a device taken down had (its record before take_down): `up` asks
    // for the same address again if it comes back with the same profile.
    std::map<std::string, state::DeviceRecord> taken_down_;
    std::string adoptable_dir_;
    std::map<int, std::unique_ptr<DeviceActivation>> activations_;  // by ifindex
    std::vector<int> order_;
    std::set<std::string> waiting_profiles_;  // uuids waiting for a device (wait-device-timeout)
    std::vector<std::unique_ptr<EventTimer>> wait_timers_;
    std::vector<std::string> profile_errors_;  // virtual links that could not be created
    bool started_ = false;
    bool complete_ = false;
    EventTimer complete_check_;
};

}  // namespace earlynet::device
