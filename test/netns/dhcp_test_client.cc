#include "test/netns/dhcp_test_client.h"

#include <cstdlib>
#include <variant>

#include "base/hex.h"

namespace earlynet::test {

DhcpTestClient::DhcpTestClient(sd_event* loop, netlink::Socket& sock, IfIndex ifindex, dhcp::ClientConfig config,
                               std::string capture_name)
    : sock_(sock), ifindex_(ifindex) {
    auto adapter = dhcp::ClientAdapter::create(loop, ifindex, std::move(config), /*seed=*/ifindex.value * 7919,
                                               [this] { drain(); });
    if (!adapter) {
        ADD_FAILURE() << "dhcp client: " << adapter.error().message;
        return;
    }
    adapter_ = std::move(*adapter);
    adapter_->set_packet_observer([this](dhcp::ClientAdapter::Direction d, std::span<const std::uint8_t> b) {
        auto parsed = dhcp::parse_message(b);
        if (parsed && parsed->type() && d == dhcp::ClientAdapter::Direction::Sent)
            ++sent_[static_cast<int>(*parsed->type())];
        capture(d, b);
    });
    const char* dir = std::getenv("EARLYNET_CAPTURE_DIR");
    if (dir && !capture_name.empty()) {
        capture_.open(std::string(dir) + "/" + capture_name + ".hex");
        capture_ << "# captured by test/netns/dhcp_client_test (" << capture_name << ") against "
                 << run_command({"dnsmasq", "--version"}).out.substr(0, 22) << "\n";
    }
}

void DhcpTestClient::capture(dhcp::ClientAdapter::Direction d, std::span<const std::uint8_t> bytes) {
    if (!capture_.is_open()) return;
    capture_ << (d == dhcp::ClientAdapter::Direction::Sent ? "> " : "< ") << to_hex(bytes) << "\n";
}

bool DhcpTestClient::saw_state(dhcp::ClientState s) const {
    for (const auto& a : actions_)
        if (auto* c = std::get_if<dhcp::StateChanged>(&a); c && c->to == s) return true;
    return false;
}

void DhcpTestClient::configure_and_accept(const dhcp::Lease& lease) {
    netlink::Address a;
    a.ifindex = ifindex_;
    a.local = IpPrefix{lease.address, lease.prefix_length};
    a.broadcast = lease.broadcast;
    if (!lease.is_infinite()) a.valid_lifetime = a.preferred_lifetime = lease.lease_time;
    auto r = netlink::address::replace(sock_, a);
    ASSERT_TRUE(r) << r.error().message;
    adapter_->accept();
    bound_.push_back(lease);
}

void DhcpTestClient::drain() {
    while (adapter_)
        if (auto a = adapter_->next_action())
            on_action(*a);
        else
            break;
}

void DhcpTestClient::on_action(const dhcp::ClientAction& action) {
    actions_.push_back(action);
    if (auto* offered = std::get_if<dhcp::Offered>(&action)) {
        adapter_->select(offered->offer);
    } else if (auto* granted = std::get_if<dhcp::Granted>(&action)) {
        if (on_granted)
            on_granted(*this, granted->lease);
        else
            configure_and_accept(granted->lease);
    } else if (auto* extended = std::get_if<dhcp::Extended>(&action)) {
        extended_.push_back(extended->lease);
    } else if (auto* failed = std::get_if<dhcp::Failed>(&action)) {
        failure_ = failed->error;
    }
}

}  // namespace earlynet::test
