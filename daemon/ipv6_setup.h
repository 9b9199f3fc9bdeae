// Ipv6Setup: the IPv6 side of a device. auto = the kernel's SLAAC from
// router advertisements, done when a global address is usable (DAD passed);
// manual = the profile's addresses, done when all passed DAD; link-local =
// done when the fe80:: address is usable; disabled = IPv6 off on the link;
// ignore = left as it is. DHCPv6 (ipv6.method=dhcp) is not supported yet
// and says so. The kernel does DAD for IPv6, so no ACD here.
#pragma once

#include <vector>

#include "daemon/event_timer.h"
#include "daemon/ip_family.h"
#include "daemon/profile.h"

namespace earlynet::daemon {

class Ipv6Setup final : public IpFamily {
public:
    Ipv6Setup(LinkContext link, IpSettings settings, Duration timeout, Listener listener);

    // Sysctls that must be in place before the link goes up (so the first
    // router solicitation and the link-local address follow them).
    void prepare();
    void start() override;
    void on_monitor_event(const netlink::MonitorEvent& event) override;
    void fill(state::DeviceRecord& record) const override;
    bool has_address() const override;

    // Stops waiting: no timeout reported after this.
    void stop() override { timer_.cancel(); }

private:
    void begin();
    void on_timeout();
    void on_address_event(const netlink::MonitorEvent& event);
    bool wanted(const netlink::Address& a) const;
    void check_done();
    void configure_manual();

    LinkContext link_;
    IpSettings settings_;
    Duration timeout_;
    EventTimer timer_;
    std::vector<netlink::Address> usable_;  // wanted addresses that passed DAD
};

}  // namespace earlynet::daemon
