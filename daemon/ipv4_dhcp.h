// Ipv4Dhcp: ipv4.method=auto. A DHCPv4 client (dhcp::ClientAdapter) whose
// granted address is probed with ACD (RFC 5227) before it is used; a
// conflict is DECLINEd and acquisition starts over. The address gets the
// lease time as its lifetime (as NetworkManager and dhclient-script), then
// routes (RFC 3442), the lease MTU, and renewals replace lifetimes in place.
#pragma once

#include <memory>
#include <optional>

#include "daemon/ip_family.h"
#include "daemon/profile.h"
#include "dhcp/acd_adapter.h"
#include "dhcp/client_adapter.h"
#include "netlink/route.h"

namespace earlynet::daemon {

struct DhcpOptions {
    dhcp::ClientConfig client;
    // ipv4.dad-timeout: zero skips the probe.
    Duration dad_timeout = std::chrono::milliseconds(200);
    bool set_mtu_from_lease = true;
    // ipv4.ignore-auto-dns (rd.peerdns=0): the lease's DNS servers and search list are not used.
    bool ignore_auto_dns = false;
    // ipv4.routes (rd.route=), added after the lease's own.
    std::vector<Route> profile_routes;
    // A lease an earlier earlynet got and configured (`run --import`): it is
    // continued from BOUND, its address left as it is.
    std::optional<dhcp::Lease> saved_lease;
};

class Ipv4Dhcp final : public IpFamily {
public:
    Ipv4Dhcp(LinkContext link, DhcpOptions options, Listener listener);
    ~Ipv4Dhcp() override;

    void start() override;
    void fill(state::DeviceRecord& record) const override;
    const std::optional<dhcp::Lease>& lease() const { return lease_; }
    // Stops the client and the conflict watch; the address stays (handover).
    void stop();

private:
    void on_client_action(const dhcp::ClientAction& action);
    void on_acd_action(const dhcp::AcdAction& action);
    void probe(const dhcp::Lease& lease);
    void use(const dhcp::Lease& lease);
    Result<void> configure(const dhcp::Lease& lease);
    void forget(const dhcp::Lease& lease);
    // The lease's routes, then the profile's.
    std::vector<netlink::Route> routes_for(const dhcp::Lease& lease) const;

    LinkContext link_;
    DhcpOptions options_;
    std::unique_ptr<dhcp::ClientAdapter> client_;
    std::unique_ptr<dhcp::AcdAdapter> acd_;
    std::optional<dhcp::Lease> granted_;  // being probed
    std::optional<dhcp::Lease> lease_;    // in use
};

}  // namespace earlynet::daemon
