// IpFamily: how one address family of one device gets configured (DHCPv4,
// static IPv4, IPv6 SLAAC/manual/link-local). The device activation starts
// every family of its profile at once and decides, from their states, when
// the device is activated or failed (NetworkManager's may-fail and
// required-timeout rules, see device_activation.cc).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include "base/ip_address.h"
#include "device/family_state.h"
#include "netlink/monitor_event.h"
#include "netlink/socket.h"
#include "state/device_record.h"

typedef struct sd_event sd_event;

namespace earlynet::device {

// What every family needs to know about its link.
struct LinkContext {
    sd_event* loop = nullptr;
    netlink::Socket* sock = nullptr;
    IfIndex ifindex;
    std::string name;
    HardwareAddress mac;
    std::uint64_t seed = 0;  // for xids, jitter: from getrandom, per device
};

class IpFamily {
public:
    using State = FamilyState;
    // Called after the state or anything fill() reports changed (a lease
    // renewed), as the last thing the family does in that call: the
    // activation may stop it from there, but destroys nothing.
    using Listener = std::function<void()>;

    explicit IpFamily(Listener listener) : listener_(std::move(listener)) {}
    IpFamily(const IpFamily&) = delete;
    IpFamily& operator=(const IpFamily&) = delete;
    virtual ~IpFamily() = default;

    virtual void start() = 0;
    virtual void on_monitor_event(const netlink::MonitorEvent&) {}
    // Carrier came back after it was lost; the family was started.
    virtual void on_carrier_regained() {}
    // Stops clients, probes and retries; configured addresses stay.
    virtual void stop() {}
    // Asked from outside (`earlynet renew`): renew the lease now. Only a
    // family with a DHCP client has one.
    [[nodiscard]] virtual Result<void> renew() { return unexpected(ErrorCode::NotSupported, "no DHCP lease to renew"); }
    // Adds this family's addresses, routes, DNS and lease to the record.
    virtual void fill(state::DeviceRecord& record) const = 0;
    // Whether fill() would add an address (without building the record).
    virtual bool has_address() const = 0;

    State state() const { return state_; }
    const std::string& reason() const { return reason_; }

protected:
    void set_state(State s, std::string reason = {}) {
        state_ = s;
        reason_ = std::move(reason);
        report();
    }
    void changed() { report(); }
    // Every entry point (a call of the activation's, a callback of the
    // loop's) runs its work in here: what it reports reaches the listener
    // once, after the work, so the listener never interrupts it.
    template <typename F>
    void deliver(F&& work) {
        if (delivering_) return work();
        delivering_ = true;
        {
            struct Done {
                bool& flag;
                ~Done() { flag = false; }
            } done{delivering_};
            work();
        }
        if (std::exchange(report_due_, false)) listener_();
    }

private:
    void report() {
        if (delivering_)
            report_due_ = true;
        else
            listener_();
    }

    Listener listener_;
    State state_ = State::Pending;
    std::string reason_;
    bool delivering_ = false;
    bool report_due_ = false;
};

}  // namespace earlynet::device
