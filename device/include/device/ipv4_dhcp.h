// Ipv4Dhcp: ipv4.method=auto, the adapter of Ipv4DhcpEngine (which holds the
// policy and says why). It owns the DHCP client (dhcp::ClientAdapter), the
// ACD probe of the granted address (dhcp::AcdAdapter) and a timer, feeds
// their results to the engine and performs what the engine asks: the
// address with the lease time as its lifetime (as NetworkManager and
// dhclient-script do), the lease MTU, routes (RFC 3442, then the
// profile's), and renewals that replace lifetimes in place.
#pragma once

#include <memory>
#include <optional>

#include "device/event_timer.h"
#include "device/ip_family.h"
#include "device/ipv4_dhcp_engine.h"
#include "dhcp/acd_adapter.h"
#include "dhcp/client_adapter.h"
#include "netlink/route.h"
#include "profile/profile.h"

namespace earlynet::device {

struct DhcpOptions {
    dhcp::ClientConfig client;
    // The family's policy (probe time, network root, a saved lease or an
    // address to ask for again); its name and MAC are the link's.
    Ipv4DhcpEngine::Config engine;
    bool set_mtu_from_lease = true;
    // ipv4.ignore-auto-dns (rd.peerdns=0): the lease's DNS servers and search list are not used.
    bool ignore_auto_dns = false;
    // ipv4.routes (rd.route=), added after the lease's own.
    std::vector<profile::Route> profile_routes;
};

class Ipv4Dhcp final : public IpFamily {
public:
    Ipv4Dhcp(LinkContext link, DhcpOptions options, Listener listener);
    ~Ipv4Dhcp() override;

    void start() override;
    void fill(state::DeviceRecord& record) const override;
    bool has_address() const override;
    // Confirms the lease at once (or restarts a stalled acquisition).
    void on_carrier_regained() override;
    Result<void> renew() override;
    const std::optional<dhcp::Lease>& lease() const { return engine_.lease(); }
    // Stops the client and the conflict watch; the address stays (handover).
    void stop() override;

private:
    // Drains the client's, the probe's and the engine's actions until none
    // is left, re-arms the timer, then reports to the listener (last, by
    // deliver(): it may stop us). Exceptions end here: the family fails, alone.
    void pump();
    void start_client();
    bool kernel_has_address(Ipv4Address address) const;
    void drain();
    void perform(const Ipv4DhcpAction& action);
    void start_probe(const dhcp::AcdEngine::Config& config, bool watch_only);
    Result<void> configure(const ConfigureLease& c);
    void remove(const dhcp::Lease& lease);
    void arm_timer();
    // The lease's routes, then the profile's.
    std::vector<netlink::Route> routes_for(const dhcp::Lease& lease) const;

    LinkContext link_;
    DhcpOptions options_;
    Ipv4DhcpEngine engine_;
    std::unique_ptr<dhcp::ClientAdapter> client_;
    std::unique_ptr<dhcp::AcdAdapter> acd_;
    EventTimer timer_;
    bool pumping_ = false;
    bool lease_changed_ = false;
};

}  // namespace earlynet::device
