// ClientEngine driven by synthetic server messages and a fake clock.
#include <gtest/gtest.h>

#include <algorithm>
#include <variant>

#include "dhcp/client_engine.h"

namespace earlynet::dhcp {
namespace {

using namespace std::chrono_literals;

Ipv4Address v4(const char* s) {
    return *Ipv4Address::parse(s);
}
BootTime at(Duration d) {
    return BootTime{d};
}

std::vector<std::uint8_t> ipv4_bytes(const char* s) {
    std::uint32_t h = v4(s).host_order();
    return {static_cast<std::uint8_t>(h >> 24), static_cast<std::uint8_t>(h >> 16), static_cast<std::uint8_t>(h >> 8),
            static_cast<std::uint8_t>(h)};
}
std::vector<std::uint8_t> u32_bytes(std::uint32_t v) {
    return {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 8),
            static_cast<std::uint8_t>(v)};
}

class ClientEngineTest : public ::testing::Test {
protected:
    ClientConfig config() {
        ClientConfig c;
        c.mac = *HardwareAddress::parse_ethernet("52:54:00:12:34:56");
        c.client_id = default_client_id(c.mac);
        c.hostname = "node7";
        c.vendor_class = "earlynet-test";
        c.timeout = Duration::zero();  // most tests: never give up
        return c;
    }

    // Every action queued so far; sends also land in sent_.
    std::vector<ClientAction> drain(ClientEngine& e) {
        std::vector<ClientAction> all;
        while (auto a = e.next_action()) {
            if (auto* s = std::get_if<SendAction>(&*a)) sent_.push_back(*s);
            all.push_back(std::move(*a));
        }
        return all;
    }
    template <typename T>
    static std::vector<T> of(const std::vector<ClientAction>& actions) {
        std::vector<T> r;
        for (const auto& a : actions)
            if (auto* t = std::get_if<T>(&a)) r.push_back(*t);
        return r;
    }

    // A server's reply to request: the xid and chaddr echoed.
    Message reply(const Message& request, MessageType type, const char* yiaddr = "10.77.0.23",
                  const char* server = "10.77.0.1", std::uint32_t lease_seconds = 3600) {
        Message m;
        m.op = BootpOp::Reply;
        m.xid = request.xid;
        m.chaddr = request.chaddr;
        m.hlen = request.hlen;
        m.options[option::kMessageType] = {static_cast<std::uint8_t>(type)};
        m.options[option::kServerIdentifier] = ipv4_bytes(server);
        if (type != MessageType::Nak) {
            m.yiaddr = v4(yiaddr);
            m.options[option::kLeaseTime] = u32_bytes(lease_seconds);
            m.options[option::kSubnetMask] = ipv4_bytes("255.255.255.0");
            m.options[option::kRouter] = ipv4_bytes(server);
        }
        return m;
    }

    // Runs DISCOVER/OFFER/REQUEST/ACK/accept; returns the engine bound at `now`.
    void bind(ClientEngine& e, BootTime now, std::uint32_t lease_seconds = 3600) {
        e.start(now);
        drain(e);
        auto offered = of<Offered>(
            (e.receive(reply(sent_.back().message, MessageType::Offer, "10.77.0.23", "10.77.0.1", lease_seconds), now),
             drain(e)));
        ASSERT_EQ(offered.size(), 1u);
        e.select(offered[0].offer, now);
        drain(e);
        e.receive(reply(sent_.back().message, MessageType::Ack, "10.77.0.23", "10.77.0.1", lease_seconds), now);
        ASSERT_EQ(of<Granted>(drain(e)).size(), 1u);
        e.accept(now);
        drain(e);
        ASSERT_EQ(e.state(), ClientState::Bound);
    }

    std::vector<SendAction> sent_;
};

TEST_F(ClientEngineTest, DiscoverCarriesClientIdHostnameVendorClassAndRequestList) {
    ClientEngine e(config(), 1);
    e.start(at(0s));
    auto actions = drain(e);
    ASSERT_EQ(sent_.size(), 1u);
    const Message& m = sent_[0].message;
    EXPECT_EQ(m.type(), MessageType::Discover);
    EXPECT_EQ(sent_[0].destination, Destination::Broadcast);
    EXPECT_EQ(m.flags, 0);  // unicast replies reach our packet socket
    EXPECT_EQ(m.options.at(option::kClientIdentifier),
              (std::vector<std::uint8_t>{1, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56}));
    EXPECT_EQ(m.options.at(option::kHostName), (std::vector<std::uint8_t>{'n', 'o', 'd', 'e', '7'}));
    EXPECT_EQ(std::string(m.options.at(option::kVendorClass).begin(), m.options.at(option::kVendorClass).end()),
              "earlynet-test");
    const auto& prl = m.options.at(option::kParameterRequestList);
    EXPECT_NE(std::find(prl.begin(), prl.end(), option::kRootPath), prl.end());
    EXPECT_NE(std::find(prl.begin(), prl.end(), option::kClasslessStaticRoute), prl.end());
    EXPECT_EQ(m.chaddr[0], 0x52);
    EXPECT_EQ(m.chaddr[5], 0x56);
    EXPECT_EQ(e.state(), ClientState::Selecting);
    auto changes = of<StateChanged>(actions);
    ASSERT_EQ(changes.size(), 2u);
    EXPECT_EQ(changes[1].to, ClientState::Selecting);
}

TEST_F(ClientEngineTest, RetransmissionDoublesFromFourToSixtyFourSecondsWithOneSecondJitter) {
    ClientEngine e(config(), 42);
    e.start(at(0s));
    drain(e);
    BootTime last = at(0s);
    const std::vector<Duration> bases = {4s, 8s, 16s, 32s, 64s, 64s, 64s};
    for (Duration base : bases) {
        auto deadline = e.next_deadline();
        ASSERT_TRUE(deadline);
        EXPECT_GE(*deadline - last, base - 1s);
        EXPECT_LE(*deadline - last, base + 1s);
        e.on_timer(*deadline);
        drain(e);
        last = *deadline;
    }
    EXPECT_EQ(sent_.size(), bases.size() + 1);
    for (const auto& s : sent_) EXPECT_EQ(s.message.xid, sent_[0].message.xid);
    EXPECT_GT(sent_.back().message.secs, 200);  // seconds since the acquisition began
}

TEST_F(ClientEngineTest, SameSeedGivesTheSameBytes) {
    ClientEngine a(config(), 7), b(config(), 7), c(config(), 8);
    a.start(at(5s));
    b.start(at(5s));
    c.start(at(5s));
    drain(a), drain(b), drain(c);
    ASSERT_EQ(sent_.size(), 3u);
    EXPECT_EQ(serialize_message(sent_[0].message), serialize_message(sent_[1].message));
    EXPECT_NE(sent_[0].message.xid, sent_[2].message.xid);
    EXPECT_EQ(a.next_deadline(), b.next_deadline());
}

TEST_F(ClientEngineTest, SelectedOfferIsRequestedFromItsServer) {
    ClientEngine e(config(), 1);
    e.start(at(0s));
    drain(e);
    e.receive(reply(sent_[0].message, MessageType::Offer), at(1s));
    auto offered = of<Offered>(drain(e));
    ASSERT_EQ(offered.size(), 1u);
    EXPECT_EQ(offered[0].offer.address, v4("10.77.0.23"));
    e.select(offered[0].offer, at(1s));
    drain(e);
    ASSERT_EQ(sent_.size(), 2u);
    const Message& request = sent_[1].message;
    EXPECT_EQ(request.type(), MessageType::Request);
    EXPECT_EQ(request.xid, sent_[0].message.xid);  // RFC 2131 4.4.1: the OFFER's xid
    EXPECT_EQ(request.ipv4_option(option::kRequestedAddress), v4("10.77.0.23"));
    EXPECT_EQ(request.ipv4_option(option::kServerIdentifier), v4("10.77.0.1"));
    EXPECT_TRUE(request.ciaddr.is_unspecified());
    EXPECT_EQ(e.state(), ClientState::Requesting);
}

TEST_F(ClientEngineTest, AckIsGrantedAndTheLeaseStartsWhenTheRequestWasSent) {
    ClientEngine e(config(), 1);
    e.start(at(0s));
    drain(e);
    e.receive(reply(sent_[0].message, MessageType::Offer), at(1s));
    e.select(of<Offered>(drain(e))[0].offer, at(2s));
    drain(e);
    e.receive(reply(sent_[1].message, MessageType::Ack), at(3s));
    auto granted = of<Granted>(drain(e));
    ASSERT_EQ(granted.size(), 1u);
    EXPECT_EQ(granted[0].lease.acquired_at, at(2s));
    EXPECT_EQ(e.state(), ClientState::Granted);
    EXPECT_FALSE(e.next_deadline());  // waits for the caller's ACD
    e.accept(at(3s));
    drain(e);
    EXPECT_EQ(e.state(), ClientState::Bound);
    EXPECT_EQ(e.next_deadline(), at(2s + 1800s));  // T1 = 0.5 * 3600 s from the REQUEST
}

TEST_F(ClientEngineTest, IgnoresRepliesWithAnotherXidChaddrOrClientId) {
    ClientEngine e(config(), 1);
    e.start(at(0s));
    drain(e);
    Message wrong_xid = reply(sent_[0].message, MessageType::Offer);
    wrong_xid.xid = Xid{wrong_xid.xid.value + 1};
    Message wrong_chaddr = reply(sent_[0].message, MessageType::Offer);
    wrong_chaddr.chaddr[5] ^= 1;
    Message wrong_id = reply(sent_[0].message, MessageType::Offer);
    wrong_id.options[option::kClientIdentifier] = {1, 2, 3};
    Message request = sent_[0].message;  // our own broadcast, looped back
    for (const Message* m : {&wrong_xid, &wrong_chaddr, &wrong_id, &request}) e.receive(*m, at(1s));
    auto actions = drain(e);
    EXPECT_EQ(of<Offered>(actions).size(), 0u);
    EXPECT_EQ(of<Ignored>(actions).size(), 4u);
    EXPECT_EQ(e.state(), ClientState::Selecting);
}

TEST_F(ClientEngineTest, AckFromAnotherServerThanTheSelectedOneIsIgnored) {
    ClientEngine e(config(), 1);
    e.start(at(0s));
    drain(e);
    e.receive(reply(sent_[0].message, MessageType::Offer), at(0s));
    e.select(of<Offered>(drain(e))[0].offer, at(0s));
    drain(e);
    e.receive(reply(sent_[1].message, MessageType::Ack, "10.77.0.23", "10.77.0.99"), at(1s));
    EXPECT_EQ(of<Granted>(drain(e)).size(), 0u);
    EXPECT_EQ(e.state(), ClientState::Requesting);
}

TEST_F(ClientEngineTest, NakInRequestingRestartsWithBackoff) {
    ClientEngine e(config(), 1);
    e.start(at(0s));
    drain(e);
    BootTime now = at(0s);
    std::vector<Duration> restart_delays;
    for (int round = 0; round < 4; ++round) {
        e.receive(reply(sent_.back().message, MessageType::Offer), now);
        e.select(of<Offered>(drain(e))[0].offer, now);
        drain(e);
        std::size_t before = sent_.size();
        e.receive(reply(sent_.back().message, MessageType::Nak), now);
        drain(e);
        if (sent_.size() > before) {  // DISCOVER at once
            restart_delays.push_back(0s);
        } else {
            ASSERT_EQ(e.state(), ClientState::Init);
            restart_delays.push_back(*e.next_deadline() - now);
            now = *e.next_deadline();
            e.on_timer(now);
            drain(e);
        }
        EXPECT_EQ(sent_.back().message.type(), MessageType::Discover);
        EXPECT_EQ(e.state(), ClientState::Selecting);
    }
    EXPECT_EQ(restart_delays, (std::vector<Duration>{0s, 1s, 2s, 4s}));
}

TEST_F(ClientEngineTest, RenewsAtT1RebindsAtT2AndExpiresAtTheEnd) {
    ClientEngine e(config(), 1);
    bind(e, at(0s), 1000);  // T1 500 s, T2 875 s
    std::size_t before = sent_.size();
    EXPECT_EQ(e.next_deadline(), at(500s));
    e.on_timer(at(500s));
    drain(e);
    EXPECT_EQ(e.state(), ClientState::Renewing);
    ASSERT_EQ(sent_.size(), before + 1);
    EXPECT_EQ(sent_.back().destination, Destination::Server);
    EXPECT_EQ(sent_.back().server, v4("10.77.0.1"));
    EXPECT_EQ(sent_.back().message.ciaddr, v4("10.77.0.23"));
    EXPECT_FALSE(sent_.back().message.options.contains(option::kRequestedAddress));
    EXPECT_FALSE(sent_.back().message.options.contains(option::kServerIdentifier));
    // RFC 2131 4.4.5: half the time left to T2, at least 60 s, never past T2.
    for (Duration expected : {687500ms, 781250ms, 841250ms, 875000ms}) {
        ASSERT_EQ(e.next_deadline(), at(expected));
        e.on_timer(at(expected));
        drain(e);
    }
    EXPECT_EQ(e.state(), ClientState::Rebinding);
    EXPECT_EQ(sent_.back().destination, Destination::Broadcast);
    EXPECT_EQ(sent_.back().message.ciaddr, v4("10.77.0.23"));
    // The same towards the end of the lease.
    for (Duration expected : {937500ms, 997500ms}) {
        ASSERT_EQ(e.next_deadline(), at(expected));
        e.on_timer(at(expected));
        drain(e);
        EXPECT_EQ(sent_.back().message.type(), MessageType::Request);
    }
    EXPECT_EQ(e.next_deadline(), at(1000s));
    e.on_timer(at(1000s));
    auto actions = drain(e);
    auto lost = of<Lost>(actions);
    ASSERT_EQ(lost.size(), 1u);
    EXPECT_EQ(lost[0].reason, LossReason::Expired);
    EXPECT_FALSE(e.lease());
    EXPECT_EQ(sent_.back().message.type(), MessageType::Discover);
    EXPECT_EQ(e.state(), ClientState::Selecting);
}

TEST_F(ClientEngineTest, AckWhileRenewingExtendsTheLease) {
    ClientEngine e(config(), 1);
    bind(e, at(0s), 1000);
    e.on_timer(at(500s));
    drain(e);
    Xid renew_xid = sent_.back().message.xid;
    EXPECT_NE(renew_xid, sent_.front().message.xid);  // a new transaction
    e.receive(reply(sent_.back().message, MessageType::Ack, "10.77.0.23", "10.77.0.1", 1000), at(501s));
    auto extended = of<Extended>(drain(e));
    ASSERT_EQ(extended.size(), 1u);
    EXPECT_EQ(extended[0].lease.acquired_at, at(500s));
    EXPECT_EQ(e.state(), ClientState::Bound);
    EXPECT_EQ(e.next_deadline(), at(1000s));
}

TEST_F(ClientEngineTest, NakWhileRenewingLosesTheAddressAndStartsOver) {
    ClientEngine e(config(), 1);
    bind(e, at(0s), 1000);
    e.on_timer(at(500s));
    drain(e);
    e.receive(reply(sent_.back().message, MessageType::Nak), at(501s));
    auto lost = of<Lost>(drain(e));
    ASSERT_EQ(lost.size(), 1u);
    EXPECT_EQ(lost[0].reason, LossReason::Nak);
    EXPECT_EQ(sent_.back().message.type(), MessageType::Discover);
}

TEST_F(ClientEngineTest, DeclineSendsDeclineAndStartsOverAfterTenSeconds) {
    ClientEngine e(config(), 1);
    e.start(at(0s));
    drain(e);
    e.receive(reply(sent_[0].message, MessageType::Offer), at(0s));
    e.select(of<Offered>(drain(e))[0].offer, at(0s));
    drain(e);
    e.receive(reply(sent_[1].message, MessageType::Ack), at(1s));
    drain(e);
    e.decline(at(2s));
    drain(e);
    const Message& decline = sent_.back().message;
    EXPECT_EQ(decline.type(), MessageType::Decline);
    EXPECT_EQ(decline.ipv4_option(option::kRequestedAddress), v4("10.77.0.23"));
    EXPECT_EQ(decline.ipv4_option(option::kServerIdentifier), v4("10.77.0.1"));
    EXPECT_TRUE(decline.ciaddr.is_unspecified());
    EXPECT_FALSE(e.lease());
    EXPECT_EQ(e.state(), ClientState::Init);
    EXPECT_EQ(e.next_deadline(), at(12s));
    e.on_timer(at(12s));
    drain(e);
    EXPECT_EQ(sent_.back().message.type(), MessageType::Discover);
}

// ACD gave the bound address up; the engine must not stay
// BOUND and renew (and so re-add) the conflicting address at T1.
TEST_F(ClientEngineTest, DeclineAfterBindDropsTheLeaseAndStartsOverAfterTenSeconds) {
    ClientEngine e(config(), 1);
    bind(e, at(0s), 1000);
    Xid bound_xid = sent_.back().message.xid;
    e.decline(at(100s));
    drain(e);
    const Message& decline = sent_.back().message;
    EXPECT_EQ(decline.type(), MessageType::Decline);
    EXPECT_EQ(decline.ipv4_option(option::kRequestedAddress), v4("10.77.0.23"));
    EXPECT_EQ(decline.ipv4_option(option::kServerIdentifier), v4("10.77.0.1"));
    EXPECT_FALSE(e.lease());
    EXPECT_EQ(e.state(), ClientState::Init);
    ASSERT_EQ(e.next_deadline(), at(110s)) << "RFC 2131 3.1.5: ten seconds before starting over, not T1";
    e.on_timer(at(110s));
    drain(e);
    EXPECT_EQ(sent_.back().message.type(), MessageType::Discover);
    EXPECT_NE(sent_.back().message.xid, bound_xid);
    EXPECT_EQ(e.state(), ClientState::Selecting);
}

TEST_F(ClientEngineTest, DeclineWhileRenewingDropsTheLeaseToo) {
    ClientEngine e(config(), 1);
    bind(e, at(0s), 1000);
    e.on_timer(at(500s));
    drain(e);
    ASSERT_EQ(e.state(), ClientState::Renewing);
    e.decline(at(501s));
    drain(e);
    EXPECT_EQ(sent_.back().message.type(), MessageType::Decline);
    EXPECT_FALSE(e.lease());
    EXPECT_EQ(e.state(), ClientState::Init);
}

// A restart is a new transaction: a new xid and the first
// retransmission 4 s (+-1 s) after the new DISCOVER, not the grown backoff.
TEST_F(ClientEngineTest, RestartAfterDeclineHasANewXidAndTheFirstRetransmissionDelay) {
    ClientEngine e(config(), 1);
    e.start(at(0s));
    drain(e);
    // Let the DISCOVER backoff grow first (4, 8, 16 s).
    for (int i = 0; i < 3; ++i) {
        e.on_timer(*e.next_deadline());
        drain(e);
    }
    BootTime now = at(e.next_deadline()->since_boot - 1s);
    e.receive(reply(sent_.back().message, MessageType::Offer), now);
    e.select(of<Offered>(drain(e))[0].offer, now);
    drain(e);
    Xid old_xid = sent_.back().message.xid;
    e.receive(reply(sent_.back().message, MessageType::Ack), now);
    drain(e);
    e.decline(now);
    drain(e);
    BootTime restart = *e.next_deadline();
    e.on_timer(restart);
    drain(e);
    ASSERT_EQ(sent_.back().message.type(), MessageType::Discover);
    EXPECT_NE(sent_.back().message.xid, old_xid);
    Duration first = *e.next_deadline() - restart;
    EXPECT_GE(first, 3s);
    EXPECT_LE(first, 5s);
}

TEST_F(ClientEngineTest, RestartAfterASecondNakHasANewXidAndTheFirstRetransmissionDelay) {
    ClientEngine e(config(), 1);
    e.start(at(0s));
    drain(e);
    BootTime now = at(0s);
    for (int round = 0; round < 2; ++round) {
        e.receive(reply(sent_.back().message, MessageType::Offer), now);
        e.select(of<Offered>(drain(e))[0].offer, now);
        drain(e);
        // Grow the REQUEST backoff: 4, 8 s.
        for (int i = 0; i < 2; ++i) {
            now = *e.next_deadline();
            e.on_timer(now);
            drain(e);
        }
        Xid old_xid = sent_.back().message.xid;
        e.receive(reply(sent_.back().message, MessageType::Nak), now);
        drain(e);
        if (e.state() == ClientState::Init) {
            now = *e.next_deadline();
            e.on_timer(now);
            drain(e);
        }
        ASSERT_EQ(sent_.back().message.type(), MessageType::Discover);
        EXPECT_NE(sent_.back().message.xid, old_xid) << "round " << round;
        Duration first = *e.next_deadline() - now;
        EXPECT_GE(first, 3s) << "round " << round;
        EXPECT_LE(first, 5s) << "round " << round;
    }
}

// RFC 2131 4.3.2 lets a server stay silent to an
// INIT-REBOOT REQUEST for an address it does not know: retransmit, then
// fall back to DISCOVER.
TEST_F(ClientEngineTest, InitRebootRetransmitsThenFallsBackToDiscoverWhenNobodyAnswers) {
    ClientEngine e(config(), 1);
    e.start_init_reboot(v4("10.77.0.23"), at(0s));
    drain(e);
    ASSERT_EQ(sent_.size(), 1u);
    EXPECT_EQ(sent_[0].message.type(), MessageType::Request);
    EXPECT_EQ(sent_[0].message.ipv4_option(option::kRequestedAddress), v4("10.77.0.23"));
    ASSERT_TRUE(e.next_deadline()) << "INIT-REBOOT must retransmit";
    Duration first = *e.next_deadline() - at(0s);
    EXPECT_GE(first, 3s);
    EXPECT_LE(first, 5s);
    BootTime now = *e.next_deadline();
    e.on_timer(now);
    drain(e);
    ASSERT_EQ(sent_.size(), 2u);
    EXPECT_EQ(sent_[1].message.type(), MessageType::Request);
    EXPECT_EQ(sent_[1].message.xid, sent_[0].message.xid);
    now = *e.next_deadline();
    e.on_timer(now);
    drain(e);
    ASSERT_EQ(sent_.size(), 3u);
    EXPECT_EQ(sent_[2].message.type(), MessageType::Discover);
    EXPECT_EQ(e.state(), ClientState::Selecting);
}

TEST_F(ClientEngineTest, InitRebootAckedIsGranted) {
    ClientEngine e(config(), 1);
    e.start_init_reboot(v4("10.77.0.23"), at(0s));
    drain(e);
    e.receive(reply(sent_.back().message, MessageType::Ack), at(1s));
    auto granted = of<Granted>(drain(e));
    ASSERT_EQ(granted.size(), 1u);
    EXPECT_EQ(granted[0].lease.address, v4("10.77.0.23"));
}

TEST_F(ClientEngineTest, InitRebootNakedStartsOverWithDiscoverAtOnce) {
    ClientEngine e(config(), 1);
    e.start_init_reboot(v4("10.77.0.23"), at(0s));
    drain(e);
    e.receive(reply(sent_.back().message, MessageType::Nak), at(1s));
    drain(e);
    EXPECT_EQ(sent_.back().message.type(), MessageType::Discover);
    EXPECT_EQ(e.state(), ClientState::Selecting);
}

// RFC 5227 2.1.1: after MAX_CONFLICTS (10) conflicts, at
// most one new address per RATE_LIMIT_INTERVAL (60 s).
TEST_F(ClientEngineTest, AfterTenConflictsRestartsAreRateLimitedToOncePerMinute) {
    ClientEngine e(config(), 1);
    e.start(at(0s));
    drain(e);
    BootTime now = at(0s);
    std::vector<Duration> delays;
    for (int conflict = 0; conflict < 12; ++conflict) {
        e.receive(reply(sent_.back().message, MessageType::Offer), now);
        e.select(of<Offered>(drain(e))[0].offer, now);
        drain(e);
        e.receive(reply(sent_.back().message, MessageType::Ack), now);
        drain(e);
        e.decline(now);
        drain(e);
        delays.push_back(*e.next_deadline() - now);
        now = *e.next_deadline();
        e.on_timer(now);
        drain(e);
    }
    for (int i = 0; i < 9; ++i) EXPECT_EQ(delays[i], 10s) << i;
    for (int i = 9; i < 12; ++i) EXPECT_EQ(delays[i], 60s) << i;
}

// After a lease was lost the device is online (and perhaps its root is on
// the network): the engine keeps trying, it does not give up at the
// acquisition timeout as the first acquisition does.
TEST_F(ClientEngineTest, AfterAnExpiredLeaseItKeepsTryingPastTheAcquisitionTimeout) {
    ClientConfig c = config();
    c.timeout = 30s;
    ClientEngine e(c, 1);
    bind(e, at(0s), 1000);
    BootTime now = at(0s);
    while (e.state() != ClientState::Selecting) {
        now = *e.next_deadline();
        e.on_timer(now);
        drain(e);
    }
    for (int i = 0; i < 20; ++i) {
        now = *e.next_deadline();
        e.on_timer(now);
        auto actions = drain(e);
        ASSERT_TRUE(of<Failed>(actions).empty()) << "gave up at " << (now.since_boot / 1s) << " s";
    }
    EXPECT_EQ(e.state(), ClientState::Selecting);
}

TEST_F(ClientEngineTest, LinkUpWhileBoundConfirmsTheLeaseAtOnce) {
    ClientEngine e(config(), 1);
    bind(e, at(0s), 1000);
    std::size_t before = sent_.size();
    e.link_up(at(100s));
    drain(e);
    ASSERT_EQ(sent_.size(), before + 1);
    EXPECT_EQ(sent_.back().message.type(), MessageType::Request);
    EXPECT_EQ(sent_.back().destination, Destination::Server);
    EXPECT_EQ(sent_.back().message.ciaddr, v4("10.77.0.23"));
    EXPECT_EQ(e.state(), ClientState::Renewing);
    e.receive(reply(sent_.back().message, MessageType::Ack, "10.77.0.23", "10.77.0.1", 1000), at(100s));
    ASSERT_EQ(of<Extended>(drain(e)).size(), 1u);
    EXPECT_EQ(e.next_deadline(), at(600s)) << "T1 from the confirmation";
}

// A lost confirmation is sent again 4 and 8 s later (±1 s), not after the
// lease's own minimum of 60 s; then the lease's schedule takes over.
TEST_F(ClientEngineTest, AnUnansweredConfirmationAfterLinkUpIsRetransmittedAt4And8Seconds) {
    ClientEngine e(config(), 1);
    bind(e, at(0s), 1000);
    std::size_t before = sent_.size();
    e.link_up(at(100s));
    drain(e);
    ASSERT_EQ(sent_.size(), before + 1);
    std::vector<Duration> gaps;
    BootTime last = at(100s);
    for (int i = 0; i < 2; ++i) {
        ASSERT_TRUE(e.next_deadline());
        BootTime t = *e.next_deadline();
        gaps.push_back(t - last);
        e.on_timer(t);
        drain(e);
        last = t;
        EXPECT_EQ(sent_.back().message.type(), MessageType::Request);
        EXPECT_EQ(sent_.back().message.ciaddr, v4("10.77.0.23"));
    }
    EXPECT_EQ(sent_.size(), before + 3);
    ASSERT_EQ(gaps.size(), 2u);
    EXPECT_GE(gaps[0], 3s);
    EXPECT_LE(gaps[0], 5s);
    EXPECT_GE(gaps[1], 7s);
    EXPECT_LE(gaps[1], 9s);
    ASSERT_TRUE(e.next_deadline());
    EXPECT_GE(*e.next_deadline() - last, 60s) << "then the lease's own schedule (RFC 2131 4.4.5)";
    EXPECT_EQ(e.state(), ClientState::Renewing);
    EXPECT_TRUE(e.lease()) << "the lease is kept while nobody answers";
}

TEST_F(ClientEngineTest, LinkUpWhileSelectingSendsDiscoverAtOnceWithTheFirstBackoff) {
    ClientEngine e(config(), 1);
    e.start(at(0s));
    drain(e);
    for (int i = 0; i < 3; ++i) {
        e.on_timer(*e.next_deadline());
        drain(e);
    }
    std::size_t before = sent_.size();
    e.link_up(at(40s));
    drain(e);
    ASSERT_EQ(sent_.size(), before + 1);
    EXPECT_EQ(sent_.back().message.type(), MessageType::Discover);
    Duration next = *e.next_deadline() - at(40s);
    EXPECT_GE(next, 3s);
    EXPECT_LE(next, 5s);
}

TEST_F(ClientEngineTest, RenewWhileBoundRequestsTheLeaseFromItsServerNow) {
    ClientEngine e(config(), 1);
    bind(e, at(0s), 1000);  // T1 500 s
    std::size_t before = sent_.size();
    ASSERT_TRUE(e.renew(at(100s)));
    drain(e);
    ASSERT_EQ(sent_.size(), before + 1);
    EXPECT_EQ(sent_.back().message.type(), MessageType::Request);
    EXPECT_EQ(sent_.back().destination, Destination::Server);
    EXPECT_EQ(sent_.back().message.ciaddr, v4("10.77.0.23"));
    EXPECT_EQ(e.state(), ClientState::Renewing);
    e.receive(reply(sent_.back().message, MessageType::Ack, "10.77.0.23", "10.77.0.1", 1000), at(100s));
    ASSERT_EQ(of<Extended>(drain(e)).size(), 1u);
    EXPECT_EQ(e.state(), ClientState::Bound);
    EXPECT_EQ(e.next_deadline(), at(600s)) << "T1 from the renewal";
}

TEST_F(ClientEngineTest, RenewPastT2Broadcasts) {
    ClientEngine e(config(), 1);
    bind(e, at(0s), 1000);  // T2 875 s
    std::size_t before = sent_.size();
    ASSERT_TRUE(e.renew(at(900s)));
    drain(e);
    ASSERT_EQ(sent_.size(), before + 1);
    EXPECT_EQ(sent_.back().destination, Destination::Broadcast);
    EXPECT_EQ(e.state(), ClientState::Rebinding);
}

TEST_F(ClientEngineTest, RenewWhileSelectingSendsDiscoverNow) {
    ClientEngine e(config(), 1);
    e.start(at(0s));
    drain(e);
    std::size_t before = sent_.size();
    ASSERT_TRUE(e.renew(at(2s)));
    drain(e);
    ASSERT_EQ(sent_.size(), before + 1);
    EXPECT_EQ(sent_.back().message.type(), MessageType::Discover);
}

TEST_F(ClientEngineTest, RenewSaysWhyWhenThereIsNothingToDo) {
    ClientEngine stopped(config(), 1);
    auto r = stopped.renew(at(0s));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("stopped"), std::string::npos);

    ClientEngine infinite(config(), 1);
    bind(infinite, at(0s), 0xffffffff);
    r = infinite.renew(at(10s));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("infinite"), std::string::npos);

    ClientEngine granted(config(), 1);
    granted.start(at(0s));
    drain(granted);
    auto offered =
        of<Offered>((granted.receive(reply(sent_.back().message, MessageType::Offer), at(0s)), drain(granted)));
    ASSERT_EQ(offered.size(), 1u);
    granted.select(offered[0].offer, at(0s));
    drain(granted);
    granted.receive(reply(sent_.back().message, MessageType::Ack), at(0s));
    drain(granted);
    ASSERT_EQ(granted.state(), ClientState::Granted);
    std::size_t before = sent_.size();
    r = granted.renew(at(1s));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("being checked"), std::string::npos);
    drain(granted);
    EXPECT_EQ(sent_.size(), before) << "nothing sent";
}

// RFC 4390 on IPoIB.
TEST_F(ClientEngineTest, InfinibandUsesHtype32AnEmptyChaddrTheBroadcastFlagAndAGuidClientId) {
    ClientConfig c = config();
    c.mac = *HardwareAddress::parse("80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:31:7b:11");
    c.client_id = default_client_id(c.mac);
    c.request_broadcast = false;  // forced on anyway
    EXPECT_EQ(c.client_id, (std::vector<std::uint8_t>{255, 0x00, 0x31, 0x7b, 0x11, 0, 3, 0, 32, 0x00, 0x02, 0xc9, 0x03,
                                                      0x00, 0x31, 0x7b, 0x11}));
    ClientEngine e(c, 1);
    e.start(at(0s));
    drain(e);
    ASSERT_EQ(sent_.size(), 1u);
    const Message& m = sent_[0].message;
    EXPECT_EQ(m.htype, 32);
    EXPECT_EQ(m.hlen, 0);
    EXPECT_TRUE(std::all_of(m.chaddr.begin(), m.chaddr.end(), [](std::uint8_t b) { return b == 0; }));
    EXPECT_EQ(m.flags, Message::kBroadcastFlag);
    EXPECT_EQ(m.options.at(option::kClientIdentifier), c.client_id);
    // A reply with an empty chaddr and our identifier is ours.
    Message offer = reply(m, MessageType::Offer);
    offer.options[option::kClientIdentifier] = c.client_id;
    e.receive(offer, at(0s));
    EXPECT_EQ(of<Offered>(drain(e)).size(), 1u);
}

TEST_F(ClientEngineTest, SavedLeaseIsRenewedAtItsT1WithoutAcquiringAgain) {
    ClientEngine first(config(), 1);
    bind(first, at(100s), 1000);
    Lease saved = *first.lease();
    sent_.clear();

    ClientEngine e(config(), 2);
    e.start_bound(saved, at(300s));
    drain(e);
    EXPECT_TRUE(sent_.empty());
    EXPECT_EQ(e.state(), ClientState::Bound);
    EXPECT_EQ(e.next_deadline(), at(600s));
    e.on_timer(at(600s));
    drain(e);
    ASSERT_EQ(sent_.size(), 1u);
    EXPECT_EQ(sent_[0].message.type(), MessageType::Request);
    EXPECT_EQ(sent_[0].message.ciaddr, v4("10.77.0.23"));
    EXPECT_EQ(e.state(), ClientState::Renewing);
}

TEST_F(ClientEngineTest, SavedLeasePastT2RebindsAndPastItsEndStartsOver) {
    ClientEngine first(config(), 1);
    bind(first, at(0s), 1000);
    Lease saved = *first.lease();
    sent_.clear();
    ClientEngine late(config(), 2);
    late.start_bound(saved, at(900s));
    drain(late);
    EXPECT_EQ(late.state(), ClientState::Rebinding);
    EXPECT_EQ(sent_.back().destination, Destination::Broadcast);

    ClientEngine expired(config(), 3);
    expired.start_bound(saved, at(2000s));
    auto lost = of<Lost>(drain(expired));
    ASSERT_EQ(lost.size(), 1u);
    EXPECT_EQ(lost[0].reason, LossReason::Expired);
    EXPECT_EQ(sent_.back().message.type(), MessageType::Discover);
}

TEST_F(ClientEngineTest, GivesUpAfterTimeoutTimesAttempts) {
    auto c = config();
    c.timeout = 10s;
    c.attempts = 2;
    ClientEngine e(c, 1);
    e.start(at(0s));
    drain(e);
    BootTime now = at(0s);
    std::optional<Failed> failed;
    while (!failed && now < at(100s)) {
        now = *e.next_deadline();
        e.on_timer(now);
        auto f = of<Failed>(drain(e));
        if (!f.empty()) failed = f[0];
    }
    ASSERT_TRUE(failed);
    EXPECT_EQ(now, at(20s));
    EXPECT_EQ(failed->error.code, ErrorCode::Timeout);
    EXPECT_EQ(failed->error.message, "no DHCP lease after 10s (2 attempts)");
    EXPECT_EQ(e.state(), ClientState::Stopped);
    EXPECT_FALSE(e.next_deadline());
}

TEST_F(ClientEngineTest, ReleaseIsUnicastToTheServerAndStops) {
    ClientEngine e(config(), 1);
    bind(e, at(0s));
    e.release(at(10s));
    drain(e);
    EXPECT_EQ(sent_.back().message.type(), MessageType::Release);
    EXPECT_EQ(sent_.back().destination, Destination::Server);
    EXPECT_EQ(sent_.back().message.ciaddr, v4("10.77.0.23"));
    EXPECT_EQ(e.state(), ClientState::Stopped);
    EXPECT_FALSE(e.next_deadline());
}

TEST_F(ClientEngineTest, StopSendsNothing) {
    ClientEngine e(config(), 1);
    bind(e, at(0s));
    std::size_t before = sent_.size();
    e.stop();
    drain(e);
    EXPECT_EQ(sent_.size(), before);
    EXPECT_EQ(e.state(), ClientState::Stopped);
}

}  // namespace
}  // namespace earlynet::dhcp
