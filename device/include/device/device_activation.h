// DeviceActivation: one device brought up with one profile, each step logged
// with the interface name: MAC and MTU -> (port: attach to its controller)
// -> up -> carrier wait -> IPv4 and IPv6 in parallel. It is the adapter of
// ActivationEngine, which decides (NetworkManager's may-fail and
// required-timeout rules, the carrier timeout): this class does the netlink
// steps, owns the families and a timer, and feeds the engine what happened.
// Every entry point runs through one drain, and the listener is told last,
// so nothing is called back while it is delivering.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "base/clock.h"
#include "device/activation_engine.h"
#include "device/event_timer.h"
#include "device/ip_family.h"
#include "netlink/link.h"
#include "profile/profile_set.h"
#include "state/device_record.h"

namespace earlynet::device {

struct ActivationSettings {
    std::chrono::milliseconds carrier_timeout{10000};
    BootTime run_started;             // timings are measured from here
    bool network_root = false;        // see RunSettings::network_root
    std::string network_root_device;  // see RunSettings::network_root_device
};

// What an earlier earlynet left for this device (`run --import`, after
// switch_root).
struct SavedDevice {
    // Trusted (state::check_adoptable): the device is taken over as it is.
    // MAC, MTU, addresses, sysctls and link state stay; a saved lease is
    // continued (renewed at its T1), its client identifier kept, and its
    // address put back if it went missing.
    std::optional<state::DeviceRecord> adopted;
    // Not trusted but of this device's profile (another MAC, an ended lease,
    // another boot): the device is activated anew, and DHCPv4 first asks
    // for this lease's address again (INIT-REBOOT) with its client identifier.
    std::optional<state::LeaseRecord> remembered_lease;
    // The same for DHCPv6: its DUID and IAID are used again (SOLICIT).
    std::optional<state::Lease6Record> remembered_lease6;
};

class DeviceActivation {
public:
    // Called when the outcome or anything in record() changed. May not
    // destroy the activation.
    using Listener = std::function<void(DeviceActivation&)>;

    DeviceActivation(LinkContext link, const profile::LoadedProfile& profile, std::optional<IfIndex> controller,
                     ActivationSettings settings, Listener listener, SavedDevice saved = {});
    DeviceActivation(const DeviceActivation&) = delete;
    DeviceActivation& operator=(const DeviceActivation&) = delete;
    ~DeviceActivation();

    void start(const netlink::Link& link);
    void on_link_changed(const netlink::Link& link);
    void on_link_removed();
    void on_monitor_event(const netlink::MonitorEvent& event);
    // Stops DHCP clients and probes; addresses stay (the handover needs them).
    void stop();
    // The DHCPv4 lease renewed now (IpFamily::renew()); why not, when not.
    [[nodiscard]] Result<void> renew();
    // Taken down on request: DHCP clients and probes stopped (no RELEASE:
    // the lease may serve again), the addresses earlynet configured removed,
    // the link set down; outcome Down from then on. Bringing it up again is
    // a new activation (DeviceManager::bring_up). An error says what could
    // not be undone; the device is Down all the same.
    [[nodiscard]] Result<void> take_down();
    // A bug of ours surfaced while this device handled an event (an
    // exception caught at the loop): this device fails, alone.
    void fail_internal(const std::string& reason);

    state::DeviceOutcome outcome() const { return engine_.outcome(); }
    const std::string& failure_reason() const { return engine_.failure_reason(); }
    const std::string& name() const { return link_.name; }
    IfIndex ifindex() const { return link_.ifindex; }
    const profile::Profile& profile() const { return profile_.profile; }
    const std::string& profile_path() const { return profile_.path; }
    bool is_port() const { return profile_.profile.is_port(); }
    bool adopted() const { return adopted_.has_value(); }
    state::DeviceRecord record() const;

private:
    // Runs `event` (a call into the engine or a family), then drains the
    // engine's actions and the families' news until none is left, re-arms
    // the timer, and tells the listener last. A nested call (a family that
    // reports while we start it) runs its event and leaves the rest to the
    // running drain. An exception fails this device, alone.
    template <typename F>
    void handle(F&& event);
    void drain();
    void perform(const ActivationAction& action);
    Result<void> arm_timer();
    Result<void> prepare_link();
    void apply_link_settings(const profile::EthernetSettings& e);
    void make_ipv4();
    void start_ip();
    void on_family_changed();
    Result<void> deconfigure(const std::vector<IpPrefix>& addresses);

    LinkContext link_;
    profile::LoadedProfile profile_;
    std::optional<IfIndex> controller_;
    ActivationSettings settings_;
    Listener listener_;
    std::optional<state::DeviceRecord> adopted_;
    std::optional<state::LeaseRecord> remembered_lease_;
    std::optional<state::Lease6Record> remembered_lease6_;
    std::string kind_;
    bool created_ = false;

    ActivationEngine engine_;
    EventTimer timer_;
    std::unique_ptr<IpFamily> v4_;
    std::unique_ptr<IpFamily> v6_;
    bool handling_ = false;
    bool families_changed_ = false;
    bool changed_ = false;
};

}  // namespace earlynet::device
