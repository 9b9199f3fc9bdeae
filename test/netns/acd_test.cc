// ACD (RFC 5227) against the real kernel: the AcdAdapter on sd-event in the
// test's namespace, a veth to a peer namespace that is free, holds the
// address, or probes for it at the same time (n-acd's test-veth). Both
// namespaces are removed by the fixture, on every path.
#include <gtest/gtest.h>
#include <net/if.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <variant>
#include <vector>

#include "dhcp/acd_adapter.h"
#include "netlink/link.h"
#include "netlink/monitor.h"
#include "test/netns/netns_fixture.h"

namespace earlynet::test {
namespace {

using namespace std::chrono_literals;
using dhcp::AcdAction;
using dhcp::AcdAdapter;
using dhcp::AcdState;

const Ipv4Address kAddress = *Ipv4Address::parse("10.77.0.23");

// One adapter and everything its handler was given.
class Probe {
public:
    Probe(sd_event* loop, IfIndex ifindex, const HardwareAddress& mac, std::uint64_t seed,
          dhcp::AcdTiming timing = dhcp::AcdTiming::boot_default()) {
        auto a = AcdAdapter::create(loop, ifindex, dhcp::AcdEngine::Config{kAddress, mac, timing}, seed,
                                    [this] { drain(); });
        EXPECT_TRUE(a) << a.error().message;
        if (a) adapter_ = std::move(*a);
    }

    bool ok() const { return adapter_ != nullptr; }
    AcdAdapter& adapter() { return *adapter_; }
    void start() {
        started_ = boot_time_now();
        adapter_->start();
        drain();
    }
    void drain() {
        while (adapter_)
            if (auto a = adapter_->next_action())
                on_action(*a);
            else
                break;
    }

    std::optional<BootTime> ready_at() const { return ready_at_; }
    std::optional<BootTime> conflict_at() const { return conflict_at_; }
    const std::vector<HardwareAddress>& conflicts() const { return conflicts_; }
    const std::vector<HardwareAddress>& defended() const { return defended_; }
    const std::vector<HardwareAddress>& lost() const { return lost_; }
    bool reached(AcdState s) const { return std::find(states_.begin(), states_.end(), s) != states_.end(); }
    // Probing is over, one way or the other.
    bool decided() const { return ready_at_ || !conflicts_.empty(); }
    Duration took() const { return *ready_at_ - started_; }

private:
    void on_action(const AcdAction& action) {
        std::visit(
            [&](const auto& a) {
                using T = std::decay_t<decltype(a)>;
                if constexpr (std::is_same_v<T, dhcp::AcdReady>) {
                    ready_at_ = boot_time_now();
                } else if constexpr (std::is_same_v<T, dhcp::AcdConflict>) {
                    if (!conflict_at_) conflict_at_ = boot_time_now();
                    conflicts_.push_back(a.mac);
                } else if constexpr (std::is_same_v<T, dhcp::AcdDefended>) {
                    defended_.push_back(a.mac);
                } else if constexpr (std::is_same_v<T, dhcp::AcdLost>) {
                    lost_.push_back(a.mac);
                } else if constexpr (std::is_same_v<T, dhcp::AcdStateChanged>) {
                    states_.push_back(a.to);
                }
            },
            action);
    }

    std::unique_ptr<AcdAdapter> adapter_;
    BootTime started_;
    std::optional<BootTime> ready_at_, conflict_at_;
    std::vector<HardwareAddress> conflicts_, defended_, lost_;
    std::vector<AcdState> states_;
};

class AcdTest : public NetnsTest {
protected:
    void SetUp() override {
        NetnsTest::SetUp();
        if (HasFatalFailure()) return;
        auto [eth0, peer0] = add_veth("eth0", "peer0");
        eth0_ = eth0;
        auto ours = netlink::link::get(sock(), eth0);
        auto theirs = netlink::link::get(sock(), peer0);
        ASSERT_TRUE(ours && ours->mac && theirs && theirs->mac);
        our_mac_ = *ours->mac;
        peer_mac_ = *theirs->mac;  // a MAC moves with its link
        ip("link set peer0 netns " + peer_namespace().name());
        {
            ScopedSetns in(peer_namespace().fd());
            ASSERT_TRUE(in.ok());
            peer0_ = IfIndex{static_cast<int>(::if_nametoindex("peer0"))};
            ASSERT_NE(peer0_.value, 0);
            peer_monitor_ = start_monitor();
        }
        our_monitor_ = start_monitor();
        ASSERT_TRUE(our_monitor_ && peer_monitor_);
        ip_in(peer_namespace(), "addr add 10.77.0.1/24 dev peer0");
        ip_in(peer_namespace(), "link set peer0 up");
        ip("link set eth0 up");
        // Frames sent before the kernel has activated the link's queue (it
        // does so when it reports operstate up) are dropped without an
        // error: wait for that on both ends, from the monitors' events.
        auto up = [](const netlink::Monitor& m, IfIndex i) {
            auto it = m.state().links().find(i.value);
            return it != m.state().links().end() && it->second.operstate == netlink::OperState::Up;
        };
        ASSERT_TRUE(loop_.run_until([&] { return up(*our_monitor_, eth0_) && up(*peer_monitor_, peer0_); }))
            << "veth did not come up";
    }

    void TearDown() override {
        // Every socket first: a namespace with an open socket outlives its
        // deletion, and its veth with it.
        probes_.clear();
        sniffer_.reset();
        our_monitor_.reset();
        peer_monitor_.reset();
        NetnsTest::TearDown();
    }

    std::unique_ptr<netlink::Monitor> start_monitor() {
        auto m = netlink::Monitor::start(loop_.get(), [](std::vector<netlink::MonitorEvent>) {});
        EXPECT_TRUE(m) << m.error().message;
        return m ? std::move(*m) : nullptr;
    }

    Probe& probe_here(std::uint64_t seed, dhcp::AcdTiming timing = dhcp::AcdTiming::boot_default()) {
        probes_.push_back(std::make_unique<Probe>(loop_.get(), eth0_, our_mac_, seed, timing));
        return *probes_.back();
    }
    Probe& probe_in_peer(std::uint64_t seed) {
        ScopedSetns in(peer_namespace().fd());
        EXPECT_TRUE(in.ok());
        probes_.push_back(std::make_unique<Probe>(loop_.get(), peer0_, peer_mac_, seed));
        return *probes_.back();
    }
    // An ARP socket of our own in the peer namespace, watching kAddress: what
    // the other host sees, and a way to speak for it.
    dhcp::ArpSocket& peer_arp() {
        if (!sniffer_) {
            ScopedSetns in(peer_namespace().fd());
            EXPECT_TRUE(in.ok());
            auto s = dhcp::ArpSocket::open(peer0_, kAddress);
            EXPECT_TRUE(s) << s.error().message;
            if (s) sniffer_.emplace(std::move(*s));
        }
        return *sniffer_;
    }
    std::vector<dhcp::ArpPacket> peer_received() {
        std::vector<dhcp::ArpPacket> all;
        while (auto p = peer_arp().receive()) all.push_back(*p);
        return all;
    }

    EventLoop loop_;
    IfIndex eth0_, peer0_;
    HardwareAddress our_mac_, peer_mac_;
    std::unique_ptr<netlink::Monitor> our_monitor_, peer_monitor_;
    std::vector<std::unique_ptr<Probe>> probes_;
    std::optional<dhcp::ArpSocket> sniffer_;
};

TEST_F(AcdTest, FreeAddressIsReadyThenAnnounced) {
    peer_arp();  // listening before the first probe
    Probe& p = probe_here(1);
    ASSERT_TRUE(p.ok());
    p.start();
    ASSERT_TRUE(loop_.run_until([&] { return p.decided(); }, 5s));
    EXPECT_TRUE(p.conflicts().empty());
    ASSERT_TRUE(p.ready_at());
    // The 200 ms default: three probes and ANNOUNCE_WAIT take at least 4/7
    // of it. And not much more: sd-event's default timer slack of 250 ms
    // per timer would add up to a second.
    EXPECT_GE(p.took(), 114ms);
    EXPECT_LT(p.took(), 600ms);
    // Announcements keep the RFC's 2 s pace; then it watches.
    ASSERT_TRUE(loop_.run_until([&] { return p.reached(AcdState::Watching); }, 5s));

    // On the wire, as the other host saw it: three probes from 0.0.0.0, then
    // two announcements, all from our MAC.
    auto seen = peer_received();
    ASSERT_EQ(seen.size(), 5u);
    for (std::size_t i = 0; i < seen.size(); ++i) {
        EXPECT_EQ(seen[i].op, dhcp::ArpOp::Request) << i;
        EXPECT_EQ(seen[i].sender_mac, our_mac_) << i;
        EXPECT_EQ(seen[i].target_ip, kAddress) << i;
        EXPECT_EQ(seen[i].sender_ip, i < 3 ? Ipv4Address() : kAddress) << i;
    }
    EXPECT_TRUE(p.defended().empty());
}

TEST_F(AcdTest, AddressTakenByTheOtherSideIsAConflictNamingItsMac) {
    ip_in(peer_namespace(), "addr add 10.77.0.23/24 dev peer0");
    Probe& p = probe_here(2);
    ASSERT_TRUE(p.ok());
    p.start();
    ASSERT_TRUE(loop_.run_until([&] { return p.decided(); }, 5s));
    EXPECT_FALSE(p.ready_at()) << "took an address the other side has";
    ASSERT_EQ(p.conflicts().size(), 1u);
    // The peer's kernel answered our probe: its MAC, not ours.
    EXPECT_EQ(p.conflicts()[0], peer_mac_);
    EXPECT_EQ(p.adapter().engine().state(), AcdState::Stopped);
    EXPECT_FALSE(p.adapter().engine().next_deadline());
}

TEST_F(AcdTest, AddressTakenIsAConflictWithRfcTimingToo) {
    // RFC-exact timing (up to 7 s): the conflict comes from the first answered
    // probe, within PROBE_WAIT and a round trip.
    ip_in(peer_namespace(), "addr add 10.77.0.23/24 dev peer0");
    Probe& p = probe_here(3, dhcp::AcdTiming::rfc5227());
    ASSERT_TRUE(p.ok());
    p.start();
    ASSERT_TRUE(loop_.run_until([&] { return p.decided(); }, 3s));
    ASSERT_EQ(p.conflicts().size(), 1u);
    EXPECT_EQ(p.conflicts()[0], peer_mac_);
}

TEST_F(AcdTest, BothProbingAtOnceAtLeastOneBacksOff) {
    Probe& here = probe_here(4);
    Probe& there = probe_in_peer(5);
    ASSERT_TRUE(here.ok() && there.ok());
    here.start();
    there.start();
    ASSERT_TRUE(loop_.run_until([&] { return here.decided() && there.decided(); }, 5s));
    // At least one backs off (n-acd's test-veth asks no more) ...
    EXPECT_FALSE(here.conflicts().empty() && there.conflicts().empty());
    EXPECT_FALSE(here.ready_at() && there.ready_at()) << "both took the address";
    // ... and it backs off because of the other's *probe* (RFC 5227 2.1.1),
    // before the other is ready: the first probe from either side goes out
    // within 29 ms, Ready comes after 114 ms at the earliest. Without the
    // both-probing rule the loser would only learn of it from the winner's
    // announcement, after the winner's Ready.
    for (auto [loser, winner] : {std::pair{&here, &there}, std::pair{&there, &here}}) {
        if (loser->conflict_at() && winner->ready_at()) {
            EXPECT_LT(*loser->conflict_at(), *winner->ready_at()) << "backed off only when announced to";
        }
    }
    for (const auto& m : here.conflicts()) EXPECT_EQ(m, peer_mac_);
    for (const auto& m : there.conflicts()) EXPECT_EQ(m, our_mac_);
}

TEST_F(AcdTest, AddressInUseIsDefendedOnceThenGivenUp) {
    Probe& p = probe_here(6);
    ASSERT_TRUE(p.ok());
    p.start();
    ASSERT_TRUE(loop_.run_until([&] { return p.ready_at().has_value(); }, 5s));
    ip("addr add 10.77.0.23/24 dev eth0");  // what the daemon does on Ready
    // Past the scheduled announcements, so that the next one is the defence.
    ASSERT_TRUE(loop_.run_until([&] { return p.reached(AcdState::Watching); }, 5s));
    peer_received();  // drop what the other side saw so far

    // The other host claims the address (an announcement of its own).
    ASSERT_TRUE(peer_arp().send(dhcp::make_announcement(peer_mac_, kAddress)));
    ASSERT_TRUE(loop_.run_until([&] { return !p.defended().empty(); }, 5s));
    EXPECT_EQ(p.defended()[0], peer_mac_);
    EXPECT_TRUE(p.lost().empty());
    // Our defence reached the other side: an announcement from our MAC.
    ASSERT_TRUE(loop_.run_until(
        [&] {
            for (const auto& a : peer_received())
                if (a.op == dhcp::ArpOp::Request && a.sender_mac == our_mac_ && a.sender_ip == kAddress &&
                    a.target_ip == kAddress)
                    return true;
            return false;
        },
        5s));

    // It insists within DEFEND_INTERVAL: we give up.
    ASSERT_TRUE(peer_arp().send(dhcp::make_announcement(peer_mac_, kAddress)));
    ASSERT_TRUE(loop_.run_until([&] { return !p.lost().empty(); }, 5s));
    EXPECT_EQ(p.lost()[0], peer_mac_);
    EXPECT_EQ(p.defended().size(), 1u);
    EXPECT_EQ(p.adapter().engine().state(), AcdState::Stopped);
}

}  // namespace
}  // namespace earlynet::test
