// DhcpTestClient: a ClientAdapter on a test's event loop with the simplest
// policy a daemon would have (take the first offer; on a grant, put the
// address on the link and accept), recording every action for the test to
// assert on. With EARLYNET_CAPTURE_DIR set, the exchange is also written to
// CAPTURE_DIR/NAME.hex for the replay suite.
#pragma once

#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dhcp/client_adapter.h"
#include "netlink/address.h"
#include "test/netns/netns_fixture.h"

namespace earlynet::test {

class DhcpTestClient {
public:
    // Called on Granted instead of configuring and accepting, when set.
    std::function<void(DhcpTestClient&, const dhcp::Lease&)> on_granted;

    DhcpTestClient(sd_event* loop, netlink::Socket& sock, IfIndex ifindex, dhcp::ClientConfig config,
                   std::string capture_name = {});

    // A provenance line for the capture file ("# ...").
    void note(const std::string& line) {
        if (capture_.is_open()) capture_ << "# " << line << "\n";
    }
    // Calls into the adapter queue actions: drain() after them.
    dhcp::ClientAdapter& adapter() { return *adapter_; }
    const std::vector<dhcp::ClientAction>& actions() const { return actions_; }
    // Leases granted and accepted, in order; and renewals.
    const std::vector<dhcp::Lease>& bound() const { return bound_; }
    const std::vector<dhcp::Lease>& extended() const { return extended_; }
    const std::optional<Error>& failure() const { return failure_; }
    bool saw_state(dhcp::ClientState s) const;
    int count_sent(dhcp::MessageType type) const { return sent_[static_cast<int>(type)]; }
    // Pulls the adapter's actions; also to be called after calling into it.
    void drain();
    // Configures the granted address on the link and accepts it.
    void configure_and_accept(const dhcp::Lease& lease);

private:
    void on_action(const dhcp::ClientAction& action);
    void capture(dhcp::ClientAdapter::Direction direction, std::span<const std::uint8_t> bytes);

    netlink::Socket& sock_;
    IfIndex ifindex_;
    std::unique_ptr<dhcp::ClientAdapter> adapter_;
    std::vector<dhcp::ClientAction> actions_;
    std::vector<dhcp::Lease> bound_, extended_;
    std::optional<Error> failure_;
    int sent_[9] = {};
    std::ofstream capture_;
};

}  // namespace earlynet::test
