// Ipv4Dhcp: ipv4.method=auto. A DHCPv4 client (dhcp::ClientAdapter) whose
// granted address is probed with ACD (RFC 5227) before it is used; a
// conflict is DECLINEd and acquisition starts over. The address gets the
// lease time as its lifetime (as NetworkManager and dhclient-script), then
// routes (RFC 3442), the lease MTU, and renewals replace lifetimes in place.
//
// After bind the address is watched (RFC 5227 2.4): defended once, and given
// up (removed, DECLINEd, acquired anew) on a second conflict, unless the
// network root depends on it (DhcpOptions::network_root): then it is
// defended indefinitely, with a warning naming the other host each time.
// A lease lost by NAK or expiry takes its address and its defender with it.
// A kernel that refuses the address or a renewal is retried, never answered
// with DHCPDECLINE, which tells the server the address is in use.
#pragma once

#include <memory>
#include <optional>

#include "daemon/event_timer.h"
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
    // The root file system is on the network through this device: its
    // address is defended indefinitely (RFC 5227 2.4(c)).
    bool network_root = false;
};

class Ipv4Dhcp final : public IpFamily {
public:
    Ipv4Dhcp(LinkContext link, DhcpOptions options, Listener listener);
    ~Ipv4Dhcp() override;

    void start() override;
    void fill(state::DeviceRecord& record) const override;
    // Confirms the lease at once (or restarts a stalled acquisition).
    void on_carrier_regained() override;
    const std::optional<dhcp::Lease>& lease() const { return lease_; }
    // Stops the client and the conflict watch; the address stays (handover).
    void stop() override;

private:
    // Drains both adapters' actions until neither has any; the only place
    // they are handled. Exceptions end here: the family fails, alone.
    void pump();
    void on_client_action(const dhcp::ClientAction& action);
    void on_acd_action(const dhcp::AcdAction& action);
    void probe(const dhcp::Lease& lease);
    // Configures a new address; a refusal is retried a few times (no
    // DECLINE: the address is not in use), then the family fails.
    void use(const dhcp::Lease& lease);
    // New lifetimes into the kernel; a refusal is retried until it takes.
    void apply_renewal(const dhcp::Lease& lease);
    Result<void> configure(const dhcp::Lease& lease);
    void give_up_address(const std::string& why);
    void forget(const dhcp::Lease& lease);
    void fail(std::string reason);
    // The options the lease dropped as malformed or unusable, one line each.
    void log_warnings(const dhcp::Lease& lease) const;
    // The lease's routes, then the profile's.
    std::vector<netlink::Route> routes_for(const dhcp::Lease& lease) const;

    LinkContext link_;
    DhcpOptions options_;
    std::unique_ptr<dhcp::ClientAdapter> client_;
    std::unique_ptr<dhcp::AcdAdapter> acd_;
    std::optional<dhcp::Lease> granted_;  // being probed
    std::optional<dhcp::Lease> lease_;    // in use
    EventTimer configure_retry_;
    int configure_failures_ = 0;
    bool pumping_ = false;
};

}  // namespace earlynet::daemon
