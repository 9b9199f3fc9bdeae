// Ipv4Static: ipv4.method=manual. Every address is probed with ACD (RFC 5227)
// first, all at once; only when none is taken are they added (no lifetime),
// then the profile's routes and gateway. A taken address fails the family,
// naming the neighbour's MAC. The probes keep watching afterwards (defend once).
#pragma once

#include <memory>
#include <vector>

#include "device/ip_family.h"
#include "dhcp/acd_adapter.h"
#include "profile/profile.h"

namespace earlynet::device {

class Ipv4Static final : public IpFamily {
public:
    Ipv4Static(LinkContext link, profile::IpSettings settings, Duration dad_timeout, Listener listener);
    ~Ipv4Static() override;

    void start() override;
    void fill(state::DeviceRecord& record) const override;
    bool has_address() const override;
    // Stops probing and defending; configured addresses stay.
    void stop() override {
        deliver([this] { probes_.clear(); });
    }

private:
    void start_probes();
    // The probes' wake: drain() inside deliver().
    void pump();
    // Drains every probe's actions; the only place they are handled.
    void drain();
    void on_acd_action(std::size_t index, const dhcp::AcdAction& action);
    void configure();

    LinkContext link_;
    profile::IpSettings settings_;
    Duration dad_timeout_;
    std::vector<std::unique_ptr<dhcp::AcdAdapter>> probes_;
    std::vector<bool> ready_;
};

}  // namespace earlynet::device
