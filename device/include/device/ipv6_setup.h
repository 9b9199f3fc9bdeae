// Ipv6Setup: the IPv6 side of a device. auto = the kernel's SLAAC from
// router advertisements, done when a global address is usable (DAD passed);
// manual = the profile's addresses, done when all passed DAD; link-local =
// done when the fe80:: address is usable; disabled = IPv6 off on the link;
// ignore = left as it is; dhcp = DHCPv6 (dhcp/dhcp6_adapter.h) as soon as a
// link-local address is usable, without waiting for a router advertisement
// (NetworkManager's ipv6.method=dhcp), done when a leased address passed
// DAD. auto also starts DHCPv6 when the router says so, as NetworkManager
// does: M flag, stateful (an address); O flag alone, stateless (DNS). The kernel does DAD for IPv6, so no ACD here: a
// leased address that fails it is declined.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "device/event_timer.h"
#include "device/ip_family.h"
#include "dhcp/dhcp6_adapter.h"
#include "profile/profile.h"

namespace earlynet::device {

// A DHCPv6 lease from the state (`run --import`). Adopted (the device was
// taken over as it is) and still running, it is continued: its addresses put
// back with what is left of their lifetimes, RENEW at its T1, no SOLICIT.
// Otherwise only its DUID and IAID are used again, so the server sees the
// client it knows.
struct SavedDhcp6 {
    state::Lease6Record lease;
    bool adopted = false;
};

class Ipv6Setup final : public IpFamily {
public:
    Ipv6Setup(LinkContext link, profile::IpSettings settings, Duration timeout, Listener listener,
              std::optional<SavedDhcp6> saved = std::nullopt);

    // Sysctls that must be in place before the link goes up (so the first
    // router solicitation and the link-local address follow them).
    void prepare();
    void start() override;
    void on_monitor_event(const netlink::MonitorEvent& event) override;
    // DHCPv6 CONFIRMs its addresses: the link may lead elsewhere now.
    void on_carrier_regained() override;
    Result<void> renew() override;
    void fill(state::DeviceRecord& record) const override;
    bool has_address() const override;

    // Stops waiting and the DHCPv6 client (without a word to the server):
    // no timeout reported after this; configured addresses stay.
    void stop() override;

private:
    void begin();
    void on_timeout();
    void on_address_event(const netlink::MonitorEvent& event);
    bool wanted(const netlink::Address& a) const;
    void check_done();
    void configure_manual();
    enum class Dhcp6Mode { Stateful, Stateless };
    // DHCPv6 is wanted (the method, the router's flags): started now if a
    // link-local address is usable, else as soon as one is.
    void want_dhcp6(Dhcp6Mode mode);
    void on_link_local_usable();
    void start_dhcp6(Dhcp6Mode mode);
    // The saved lease when it is to be continued (adopted and running).
    std::optional<dhcp::Dhcp6Lease> lease_to_continue() const;
    void on_router_flags(const netlink::Ipv6RouterFlags& flags);
    void drain_dhcp6();
    void apply_dhcp6_lease(const dhcp::Dhcp6Lease& lease);
    void remove_dhcp6_addresses(const dhcp::Dhcp6Lease& lease);
    // A leased address as the kernel holds it: a /128 on this link.
    netlink::Address leased_address(const dhcp::Dhcp6IaAddress& ia) const;
    bool leased(const netlink::Address& a) const;
    void track_usable(const netlink::Address& a);

    LinkContext link_;
    profile::IpSettings settings_;
    Duration timeout_;
    EventTimer timer_;
    std::vector<netlink::Address> usable_;  // wanted addresses that passed DAD
    std::unique_ptr<dhcp::Dhcp6Adapter> dhcp6_;
    Dhcp6Mode dhcp6_mode_ = Dhcp6Mode::Stateful;
    std::optional<Dhcp6Mode> wanted_dhcp6_;
    bool link_local_usable_ = false;
    std::optional<dhcp::Dhcp6Lease> lease6_;
    std::optional<SavedDhcp6> saved_;
    std::optional<dhcp::Dhcp6Lease> continued_;  // the saved lease, until DHCPv6 starts
    std::vector<std::uint8_t> duid_;             // the saved lease's, else dhcp6_duid()
    std::uint32_t iaid_ = 0;
    std::vector<dhcp::Dhcp6Option> information_;  // stateless DHCPv6's answer
};

// The client's DUID (RFC 8415 11): DUID-UUID (type 4) of the machine as
// systemd derives it (an application-specific id of /etc/machine-id), else
// DUID-LL (type 3) of the MAC. It is saved with the lease, and `run --import`
// uses the saved one: the real root has a machine-id the initrd often lacks.
std::vector<std::uint8_t> dhcp6_duid(const HardwareAddress& mac);
// The IAID: the last four bytes of the MAC, the same in every boot stage.
std::uint32_t dhcp6_iaid(const HardwareAddress& mac);

}  // namespace earlynet::device
