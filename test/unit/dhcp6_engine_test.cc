// Dhcp6Engine driven by synthetic server messages and a clock passed in.
#include "dhcp/dhcp6_engine.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace earlynet::dhcp {

// For gtest's messages (found by argument-dependent lookup, so not in the
// unnamed namespace).
void PrintTo(const Dhcp6IaAddress& a, std::ostream* os) {
    *os << a.address.to_string() << " preferred " << a.preferred_s << " valid " << a.valid_s;
}

namespace {

using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;
namespace o = dhcp6_option;

BootTime at(Duration d) {
    return BootTime{d};
}
Ipv6Address v6(const char* s) {
    return *Ipv6Address::parse(s);
}

const Bytes kDuid{0, 4, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};  // DUID-UUID
const Bytes kServerA{0, 1, 0, 1, 0xaa, 0xaa, 0xaa, 0xaa, 1, 2, 3, 4, 5, 6};
const Bytes kServerB{0, 1, 0, 1, 0xbb, 0xbb, 0xbb, 0xbb, 1, 2, 3, 4, 5, 6};
constexpr std::uint32_t kIaid = 7;

Bytes u32(std::uint32_t v) {
    return {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 8),
            static_cast<std::uint8_t>(v)};
}

struct Offer {
    const char* address = "2001:db8::42";
    std::uint32_t t1 = 100, t2 = 160, preferred = 180, valid = 200;
    std::optional<Dhcp6Status> ia_status;
    std::uint32_t iaid = kIaid;
};

Dhcp6IaNa ia_of(const Offer& offer) {
    Dhcp6IaNa ia{offer.iaid, offer.t1, offer.t2, {}, std::nullopt};
    if (offer.ia_status)
        ia.status = Dhcp6StatusCode{static_cast<std::uint16_t>(*offer.ia_status), "said the server"};
    else
        ia.addresses.push_back({v6(offer.address), offer.preferred, offer.valid, std::nullopt});
    return ia;
}

Dhcp6Message answer(Dhcp6MessageType type, std::uint32_t xid, const Bytes& server, const Offer& offer) {
    Dhcp6Message m;
    m.type = type;
    m.transaction_id = xid;
    m.options = {{o::kClientId, kDuid}, {o::kServerId, server}, {o::kIaNa, encode_dhcp6_ia_na(ia_of(offer))}};
    return m;
}
Dhcp6Message with(Dhcp6Message m, Dhcp6Option option) {
    m.options.push_back(std::move(option));
    return m;
}
// A REPLY with this IA_NA, for several addresses.
Dhcp6Message reply_with(std::uint32_t xid, const Dhcp6IaNa& ia) {
    Dhcp6Message m;
    m.type = Dhcp6MessageType::Reply;
    m.transaction_id = xid;
    m.options = {{o::kClientId, kDuid}, {o::kServerId, kServerA}, {o::kIaNa, encode_dhcp6_ia_na(ia)}};
    return m;
}
Dhcp6IaAddress address(const char* a, std::uint32_t preferred, std::uint32_t valid) {
    return {v6(a), preferred, valid, std::nullopt};
}

class Dhcp6EngineTest : public ::testing::Test {
protected:
    Dhcp6Engine engine{Dhcp6Config{kDuid, kIaid, true, 45s}, 1};
    std::vector<Dhcp6Message> sent;
    std::vector<Dhcp6Action> other;

    void drain() {
        while (auto a = engine.next_action()) {
            if (auto* s = std::get_if<Dhcp6Send>(&*a))
                sent.push_back(s->message);
            else
                other.push_back(std::move(*a));
        }
    }
    template <typename T>
    std::vector<T> of() const {
        std::vector<T> out;
        for (const auto& a : other)
            if (auto* x = std::get_if<T>(&a)) out.push_back(*x);
        return out;
    }
    const Dhcp6Message& last() const { return sent.back(); }
    std::uint32_t xid() const { return sent.back().transaction_id; }
    void clear() {
        sent.clear();
        other.clear();
    }
    // Through SOLICIT, a rapid-commit REPLY at `when`.
    void bind(const Offer& offer = {}, BootTime when = at(1s)) {
        engine.start(at(0s));
        drain();
        engine.receive(with(answer(Dhcp6MessageType::Reply, xid(), kServerA, offer), {o::kRapidCommit, {}}), when);
        drain();
        ASSERT_EQ(engine.state(), Dhcp6State::Bound);
        clear();
    }
    // The same with several addresses.
    void bind_ia(const Dhcp6IaNa& ia, BootTime when = at(1s)) {
        engine.start(at(0s));
        drain();
        engine.receive(with(reply_with(xid(), ia), {o::kRapidCommit, {}}), when);
        drain();
        ASSERT_EQ(engine.state(), Dhcp6State::Bound);
        clear();
    }
    // SOLICIT, ADVERTISE with preference 255, REQUEST: its transaction id.
    std::uint32_t request() {
        engine.start(at(0s));
        drain();
        engine.receive(with(answer(Dhcp6MessageType::Advertise, xid(), kServerA, {}), {o::kPreference, {255}}),
                       at(10ms));
        drain();
        EXPECT_EQ(last().type, Dhcp6MessageType::Request);
        const std::uint32_t x = xid();
        clear();
        return x;
    }
    // Timers up to `end`, as the adapter runs them; a deadline that does not
    // move on is a bug (the adapter would spin).
    void run_until(BootTime end) {
        for (int guard = 0; guard < 1000; ++guard) {
            auto d = engine.next_deadline();
            if (!d || *d > end) return;
            engine.on_timer(*d);
            drain();
            auto next = engine.next_deadline();
            ASSERT_TRUE(!next || *next > *d)
                << "deadline " << d->since_boot.count() << " ns did not move on in " << to_string(engine.state());
        }
        FAIL() << "more than 1000 timers";
    }
};

std::vector<std::uint16_t> codes(const Dhcp6Message& m) {
    std::vector<std::uint16_t> out;
    for (const auto& option : m.options) out.push_back(option.code);
    return out;
}
Dhcp6IaNa ia_in(const Dhcp6Message& m) {
    return *decode_dhcp6_ia_na(m.find(o::kIaNa)->data);
}

TEST_F(Dhcp6EngineTest, SolicitHasClientIdElapsedTimeRapidCommitAnEmptyIaNaAndTheOptionsWeRead) {
    engine.start(at(0s));
    drain();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(last().type, Dhcp6MessageType::Solicit);
    EXPECT_LE(last().transaction_id, 0xffffffu);
    EXPECT_EQ(codes(last()), (std::vector<std::uint16_t>{o::kClientId, o::kElapsedTime, o::kRapidCommit, o::kIaNa,
                                                         o::kOptionRequest}));
    EXPECT_EQ(last().find(o::kClientId)->data, kDuid);
    EXPECT_EQ(last().find(o::kElapsedTime)->data, (Bytes{0, 0}));
    EXPECT_EQ(ia_in(last()), (Dhcp6IaNa{kIaid, 0, 0, {}, std::nullopt}));
    auto oro = decode_dhcp6_option(*find_dhcp6_option(o::kOptionRequest), last().find(o::kOptionRequest)->data);
    EXPECT_EQ(dhcp6_option_value_to_text(*oro), "23 24 31 32 56 59 60 82");
    EXPECT_EQ(engine.state(), Dhcp6State::Soliciting);
}

TEST_F(Dhcp6EngineTest, ARapidCommitReplyBindsAtOnceWithTheServersTimes) {
    engine.start(at(0s));
    drain();
    engine.receive(with(answer(Dhcp6MessageType::Reply, xid(), kServerA, {}), {o::kRapidCommit, {}}), at(300ms));
    drain();
    ASSERT_EQ(of<Dhcp6Bound>().size(), 1u);
    const Dhcp6Lease l = of<Dhcp6Bound>()[0].lease;
    EXPECT_EQ(l.ia.addresses.at(0).address, v6("2001:db8::42"));
    EXPECT_EQ(l.server_duid, kServerA);
    EXPECT_EQ(l.t1, 100s);
    EXPECT_EQ(l.t2, 160s);
    EXPECT_EQ(l.valid(), 200s);
    EXPECT_EQ(l.acquired_at, at(300ms));
    EXPECT_EQ(engine.next_deadline(), at(100300ms)) << "RENEW at T1 from the REPLY";
    EXPECT_EQ(sent.size(), 1u) << "no REQUEST";
}

TEST_F(Dhcp6EngineTest, AdvertisesAreCollectedForTheFirstWaitAndTheHighestPreferenceIsRequested) {
    engine.start(at(0s));
    drain();
    std::uint32_t x = xid();
    engine.receive(
        with(answer(Dhcp6MessageType::Advertise, x, kServerA, {.address = "2001:db8::a"}), {o::kPreference, {10}}),
        at(100ms));
    engine.receive(
        with(answer(Dhcp6MessageType::Advertise, x, kServerB, {.address = "2001:db8::b"}), {o::kPreference, {20}}),
        at(200ms));
    engine.receive(answer(Dhcp6MessageType::Advertise, x, kServerA, {.address = "2001:db8::c"}),
                   at(300ms));  // preference 0
    drain();
    ASSERT_EQ(sent.size(), 1u) << "nothing before the first RT has passed";
    engine.on_timer(*engine.next_deadline());
    drain();
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_EQ(last().type, Dhcp6MessageType::Request);
    EXPECT_NE(last().transaction_id, x);
    EXPECT_EQ(last().find(o::kServerId)->data, kServerB);
    ASSERT_EQ(ia_in(last()).addresses.size(), 1u);
    EXPECT_EQ(ia_in(last()).addresses[0].address, v6("2001:db8::b"));
    // The REPLY binds.
    engine.receive(answer(Dhcp6MessageType::Reply, xid(), kServerB, {.address = "2001:db8::b"}), at(1500ms));
    drain();
    ASSERT_EQ(of<Dhcp6Bound>().size(), 1u);
    EXPECT_EQ(of<Dhcp6Bound>()[0].lease.server_duid, kServerB);
}

TEST_F(Dhcp6EngineTest, PreferenceTwoFiftyFiveIsRequestedWithoutWaiting) {
    engine.start(at(0s));
    drain();
    engine.receive(with(answer(Dhcp6MessageType::Advertise, xid(), kServerA, {}), {o::kPreference, {255}}), at(50ms));
    drain();
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_EQ(last().type, Dhcp6MessageType::Request);
}

TEST_F(Dhcp6EngineTest, AnAdvertiseWithoutAnAddressIsIgnored) {
    engine.start(at(0s));
    drain();
    engine.receive(answer(Dhcp6MessageType::Advertise, xid(), kServerA, {.ia_status = Dhcp6Status::NoAddrsAvail}),
                   at(50ms));
    drain();
    ASSERT_EQ(of<Dhcp6Ignored>().size(), 1u);
    EXPECT_NE(of<Dhcp6Ignored>()[0].reason.find("status 2"), std::string::npos) << of<Dhcp6Ignored>()[0].reason;
    engine.on_timer(*engine.next_deadline());
    drain();
    EXPECT_EQ(last().type, Dhcp6MessageType::Solicit) << "retransmitted, not requested";
    EXPECT_EQ(last().transaction_id, sent.front().transaction_id) << "same transaction";
    EXPECT_NE(last().find(o::kElapsedTime)->data, (Bytes{0, 0})) << "elapsed time grows";
}

TEST_F(Dhcp6EngineTest, MessagesNotForThisClientAreIgnoredWithAReason) {
    engine.start(at(0s));
    drain();
    std::uint32_t x = xid();
    Dhcp6Message other_client = answer(Dhcp6MessageType::Advertise, x, kServerA, {});
    other_client.options[0].data.back() ^= 1;
    Dhcp6Message no_server = answer(Dhcp6MessageType::Advertise, x, kServerA, {});
    no_server.options.erase(no_server.options.begin() + 1);
    engine.receive(answer(Dhcp6MessageType::Advertise, x ^ 1, kServerA, {}), at(10ms));
    engine.receive(other_client, at(20ms));
    engine.receive(no_server, at(30ms));
    engine.receive(answer(Dhcp6MessageType::Reply, x, kServerA, {}), at(40ms));  // no rapid commit option
    engine.receive(answer(Dhcp6MessageType::Request, x, kServerA, {}), at(50ms));
    engine.receive(with(answer(Dhcp6MessageType::Advertise, x, kServerA, {.iaid = 99}), {o::kPreference, {255}}),
                   at(60ms));
    drain();
    auto ignored = of<Dhcp6Ignored>();
    ASSERT_EQ(ignored.size(), 6u);
    EXPECT_NE(ignored[0].reason.find("transaction id"), std::string::npos);
    EXPECT_NE(ignored[1].reason.find("client identifier is not ours"), std::string::npos);
    EXPECT_NE(ignored[2].reason.find("no server identifier"), std::string::npos);
    EXPECT_NE(ignored[3].reason.find("without rapid commit"), std::string::npos);
    EXPECT_NE(ignored[4].reason.find("REQUEST is not an answer"), std::string::npos);
    EXPECT_NE(ignored[5].reason.find("IA_NA 99 is not ours"), std::string::npos);
    EXPECT_EQ(sent.size(), 1u);
    EXPECT_EQ(engine.state(), Dhcp6State::Soliciting);
}

TEST_F(Dhcp6EngineTest, RenewAtT1ToItsServerThenRebindAtT2ThenTheAddressEnds) {
    bind();  // at 1 s: T1 101, T2 161, valid until 201
    engine.on_timer(at(101s));
    drain();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(last().type, Dhcp6MessageType::Renew);
    EXPECT_EQ(last().find(o::kServerId)->data, kServerA);
    EXPECT_EQ(ia_in(last()).addresses.at(0).address, v6("2001:db8::42"));
    EXPECT_EQ(ia_in(last()).addresses.at(0).valid_s, 0u) << "the client states, the server decides";
    run_until(at(160900ms));
    for (const auto& m : sent) EXPECT_EQ(m.type, Dhcp6MessageType::Renew);
    EXPECT_GE(sent.size(), 3u) << "10, 20, 40 s retransmissions within T2";
    clear();
    run_until(at(161s));
    ASSERT_FALSE(sent.empty());
    EXPECT_EQ(last().type, Dhcp6MessageType::Rebind);
    EXPECT_EQ(last().find(o::kServerId), nullptr) << "REBIND goes to any server";
    EXPECT_EQ(engine.state(), Dhcp6State::Rebinding);
    run_until(at(201s));
    ASSERT_EQ(of<Dhcp6Lost>().size(), 1u);
    EXPECT_EQ(of<Dhcp6Lost>()[0].reason, Dhcp6LossReason::Expired);
    EXPECT_EQ(last().type, Dhcp6MessageType::Solicit);
    EXPECT_EQ(engine.state(), Dhcp6State::Soliciting);
    for (const auto& m : sent) EXPECT_NE(m.type, Dhcp6MessageType::Release);
}

// Asked from outside (`earlynet renew`): RENEW to the granting server now,
// long before T1; its REPLY extends the lease as at T1.
TEST_F(Dhcp6EngineTest, RenewAskedForSendsARenewToItsServerNow) {
    bind();  // at 1 s: T1 101
    clear();
    ASSERT_TRUE(engine.renew(at(5s)));
    drain();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(last().type, Dhcp6MessageType::Renew);
    EXPECT_EQ(last().find(o::kServerId)->data, kServerA);
    EXPECT_EQ(engine.state(), Dhcp6State::Renewing);
    engine.receive(
        answer(Dhcp6MessageType::Reply, xid(), kServerA, {.t1 = 300, .t2 = 480, .preferred = 540, .valid = 600}),
        at(6s));
    drain();
    ASSERT_EQ(of<Dhcp6Extended>().size(), 1u);
    EXPECT_EQ(engine.state(), Dhcp6State::Bound);
    EXPECT_EQ(engine.next_deadline(), at(306s));
}

// Nobody answers the RENEW asked for: the lease keeps its own schedule (REBIND
// at T2, the end at its valid lifetime), as if T1 had come early.
TEST_F(Dhcp6EngineTest, ARenewAskedForThatNobodyAnswersRebindsAtT2) {
    bind();  // T2 161, valid until 201
    clear();
    ASSERT_TRUE(engine.renew(at(5s)));
    run_until(at(160900ms));
    for (const auto& m : sent) EXPECT_EQ(m.type, Dhcp6MessageType::Renew);
    run_until(at(161s));
    EXPECT_EQ(last().type, Dhcp6MessageType::Rebind);
    EXPECT_TRUE(of<Dhcp6Lost>().empty());
}

// A renew asked for while renewing keeps the exchange in flight: its REPLY
// may be on its way, and a new transaction would drop it.
TEST_F(Dhcp6EngineTest, RenewWhileRenewingKeepsTheExchangeInFlight) {
    bind();  // T1 101
    engine.on_timer(at(101s));
    drain();
    clear();
    ASSERT_TRUE(engine.renew(at(102s)));
    drain();
    EXPECT_TRUE(sent.empty());
    EXPECT_EQ(engine.state(), Dhcp6State::Renewing);
}

// Asked for past T2 (a timer late after a suspend): a REBIND to any server,
// not a RENEW that nothing would ever stop.
TEST_F(Dhcp6EngineTest, RenewAskedForPastT2Rebinds) {
    bind();  // T2 161, valid until 201
    ASSERT_TRUE(engine.renew(at(162s)));
    drain();
    ASSERT_FALSE(sent.empty());
    EXPECT_EQ(last().type, Dhcp6MessageType::Rebind);
    EXPECT_EQ(engine.state(), Dhcp6State::Rebinding);
}

TEST_F(Dhcp6EngineTest, RenewWithoutALeaseSaysWhy) {
    auto stopped = engine.renew(at(0s));
    ASSERT_FALSE(stopped);
    EXPECT_NE(stopped.error().message.find("stopped"), std::string::npos) << stopped.error().message;
    engine.start(at(0s));
    drain();
    clear();
    ASSERT_TRUE(engine.renew(at(1s))) << "while soliciting: a fresh SOLICIT now";
    drain();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(last().type, Dhcp6MessageType::Solicit);
}

TEST_F(Dhcp6EngineTest, AReplyToRenewExtendsTheLeaseAndMovesItsTimers) {
    bind();
    engine.on_timer(at(101s));
    drain();
    engine.receive(
        answer(Dhcp6MessageType::Reply, xid(), kServerA, {.t1 = 300, .t2 = 480, .preferred = 540, .valid = 600}),
        at(102s));
    drain();
    ASSERT_EQ(of<Dhcp6Extended>().size(), 1u);
    EXPECT_EQ(of<Dhcp6Extended>()[0].lease.valid(), 600s);
    EXPECT_EQ(engine.state(), Dhcp6State::Bound);
    EXPECT_EQ(engine.next_deadline(), at(402s));
    EXPECT_TRUE(of<Dhcp6Lost>().empty());
}

TEST_F(Dhcp6EngineTest, NoBindingInAReplyToRenewAsksForTheSameAddressesAgain) {
    bind();
    engine.on_timer(at(101s));
    drain();
    engine.receive(answer(Dhcp6MessageType::Reply, xid(), kServerA, {.ia_status = Dhcp6Status::NoBinding}), at(102s));
    drain();
    EXPECT_EQ(last().type, Dhcp6MessageType::Request);
    EXPECT_EQ(last().find(o::kServerId)->data, kServerA);
    EXPECT_EQ(ia_in(last()).addresses.at(0).address, v6("2001:db8::42"));
    EXPECT_TRUE(of<Dhcp6Lost>().empty()) << "the address is kept while asking";
}

// T1 and T2 beyond the addresses' end: the end comes first, even while a
// RENEW is being retransmitted (found by review: the loss came at T2).
TEST_F(Dhcp6EngineTest, TheAddressesEndAtTheirValidLifetimeWhateverT1AndT2Say) {
    bind({.t1 = 100, .t2 = 400, .preferred = 150, .valid = 200});  // at 1 s
    run_until(at(200500ms));
    EXPECT_TRUE(of<Dhcp6Lost>().empty());
    EXPECT_EQ(engine.state(), Dhcp6State::Renewing);
    run_until(at(201s));
    ASSERT_EQ(of<Dhcp6Lost>().size(), 1u);
    EXPECT_EQ(of<Dhcp6Lost>()[0].reason, Dhcp6LossReason::Expired);
    EXPECT_EQ(engine.state(), Dhcp6State::Soliciting);
    EXPECT_FALSE(engine.lease());
}

TEST_F(Dhcp6EngineTest, ARequestAfterNoBindingThatNobodyAnswersDropsTheAddresses) {
    engine = Dhcp6Engine{Dhcp6Config{kDuid, kIaid, true, 0s}, 1};
    bind({.t1 = 100, .t2 = 160, .preferred = 1000, .valid = 2000});
    engine.on_timer(at(101s));
    drain();
    engine.receive(answer(Dhcp6MessageType::Reply, xid(), kServerA, {.ia_status = Dhcp6Status::NoBinding}), at(102s));
    drain();
    ASSERT_EQ(last().type, Dhcp6MessageType::Request);
    run_until(at(400s));  // REQ_MAX_RC REQUESTs, about 180 s
    ASSERT_EQ(of<Dhcp6Lost>().size(), 1u);
    EXPECT_EQ(of<Dhcp6Lost>()[0].reason, Dhcp6LossReason::NoBinding);
    EXPECT_FALSE(engine.lease());
    EXPECT_EQ(engine.state(), Dhcp6State::Soliciting);
}

TEST_F(Dhcp6EngineTest, AServersT1BeyondTheDefaultT2MovesT2) {
    bind({.t1 = 1000, .t2 = 0, .preferred = 1000, .valid = 2000});
    ASSERT_TRUE(engine.lease());
    EXPECT_EQ(engine.lease()->t1, 1000s);
    EXPECT_EQ(engine.lease()->t2, 1000s) << "not 800 s: RENEW must come before REBIND";
}

TEST_F(Dhcp6EngineTest, OurT1NeverAfterTheServersT2) {
    bind({.t1 = 0, .t2 = 600, .preferred = 3600, .valid = 7200});
    ASSERT_TRUE(engine.lease());
    EXPECT_EQ(engine.lease()->t1, 600s) << "not 1800 s: a RENEW before the server's REBIND time";
    EXPECT_EQ(engine.lease()->t2, 600s);
}

TEST_F(Dhcp6EngineTest, ARenewReplyThatRevokesEveryAddressEndsThemNow) {
    bind();
    engine.on_timer(at(101s));
    drain();
    engine.receive(answer(Dhcp6MessageType::Reply, xid(), kServerA, {.preferred = 0, .valid = 0}), at(102s));
    drain();
    ASSERT_EQ(of<Dhcp6Lost>().size(), 1u);
    EXPECT_EQ(of<Dhcp6Lost>()[0].reason, Dhcp6LossReason::Revoked);
    EXPECT_EQ(last().type, Dhcp6MessageType::Solicit);
}

// RFC 8415 18.2.10.1: "Leave unchanged any information about leases the
// client has recorded in the IA but that were not included in the IA from the
// server": the address the REPLY leaves out stays for what is left of its
// lifetimes, and the lease ends with it.
TEST_F(Dhcp6EngineTest, ARenewReplyListingOneOfTwoAddressesKeepsTheOtherForItsRemainingLifetime) {
    bind_ia({kIaid, 100, 160, {address("2001:db8::a", 180, 200), address("2001:db8::b", 1000, 2000)}, std::nullopt});
    engine.on_timer(at(101s));
    drain();
    ASSERT_EQ(last().type, Dhcp6MessageType::Renew);
    ASSERT_EQ(ia_in(last()).addresses.size(), 2u);
    engine.receive(reply_with(xid(), {kIaid, 150, 240, {address("2001:db8::a", 250, 300)}, std::nullopt}), at(102s));
    drain();
    ASSERT_EQ(of<Dhcp6Extended>().size(), 1u);
    const Dhcp6Lease l = of<Dhcp6Extended>()[0].lease;
    EXPECT_EQ(l.acquired_at, at(102s));
    EXPECT_EQ(l.ia.addresses,
              (std::vector<Dhcp6IaAddress>{address("2001:db8::a", 250, 300), address("2001:db8::b", 899, 1899)}))
        << "b: 1000 and 2000 s from 1 s, 101 s later";
    EXPECT_EQ(l.valid(), 1899s);
    EXPECT_EQ(*engine.lease(), l);
    EXPECT_EQ(engine.next_deadline(), at(252s)) << "the server's T1";
    // Nobody answers again: a's end (402 s) is not the lease's end, b's (2001 s) is.
    run_until(at(2000s));
    EXPECT_TRUE(of<Dhcp6Lost>().empty());
    EXPECT_EQ(engine.state(), Dhcp6State::Rebinding);
    run_until(at(2001s));
    ASSERT_EQ(of<Dhcp6Lost>().size(), 1u);
    EXPECT_EQ(of<Dhcp6Lost>()[0].reason, Dhcp6LossReason::Expired);
}

TEST_F(Dhcp6EngineTest, AnUnlistedAddressIsKeptOnlyWhileItsValidLifetimeLasts) {
    bind_ia({kIaid,
             150,
             240,
             {address("2001:db8::a", 1000, 2000), address("2001:db8::b", 0xffffffff, 0xffffffff),
              address("2001:db8::c", 100, 151)},
             std::nullopt});  // at 1 s: c ends at 152 s
    engine.on_timer(at(151s));
    drain();
    ASSERT_EQ(last().type, Dhcp6MessageType::Renew);
    ASSERT_EQ(ia_in(last()).addresses.size(), 3u);
    engine.receive(reply_with(xid(), {kIaid, 150, 240, {address("2001:db8::a", 1000, 2000)}, std::nullopt}), at(152s));
    drain();
    ASSERT_EQ(of<Dhcp6Extended>().size(), 1u);
    EXPECT_EQ(of<Dhcp6Extended>()[0].lease.ia.addresses,
              (std::vector<Dhcp6IaAddress>{address("2001:db8::a", 1000, 2000),
                                           address("2001:db8::b", 0xffffffff, 0xffffffff)}))
        << "c has no time left; b's infinity stays infinite";
}

TEST_F(Dhcp6EngineTest, ARenewReplyRevokingOneAddressKeepsTheUnlistedOther) {
    bind_ia({kIaid, 100, 160, {address("2001:db8::a", 180, 200), address("2001:db8::b", 1000, 2000)}, std::nullopt});
    engine.on_timer(at(101s));
    drain();
    engine.receive(reply_with(xid(), {kIaid, 100, 160, {address("2001:db8::a", 0, 0)}, std::nullopt}), at(102s));
    drain();
    EXPECT_TRUE(of<Dhcp6Lost>().empty()) << "b was not revoked";
    ASSERT_EQ(of<Dhcp6Extended>().size(), 1u);
    EXPECT_EQ(of<Dhcp6Extended>()[0].lease.ia.addresses,
              (std::vector<Dhcp6IaAddress>{address("2001:db8::b", 899, 1899)}));
    EXPECT_EQ(engine.state(), Dhcp6State::Bound);
}

// RFC 8415 section 16: a client discards a message that is not valid. A REPLY
// whose IA_NA is broken or not ours is no answer, whatever its transaction id.
TEST_F(Dhcp6EngineTest, ABrokenReplyToARequestIsIgnoredAndTheGenuineOneBinds) {
    const std::uint32_t x = request();
    Dhcp6Message broken = answer(Dhcp6MessageType::Reply, x, kServerA, {});
    broken.options[2].data.resize(4);  // an IA_NA of 4 bytes: no T1, T2
    engine.receive(broken, at(100ms));
    engine.receive(answer(Dhcp6MessageType::Reply, x, kServerA, {.iaid = 99}), at(200ms));
    drain();
    auto ignored = of<Dhcp6Ignored>();
    ASSERT_EQ(ignored.size(), 2u);
    EXPECT_EQ(ignored[0].reason.rfind("REPLY: ", 0), 0u) << ignored[0].reason;
    EXPECT_NE(ignored[1].reason.find("IA_NA 99 is not ours"), std::string::npos) << ignored[1].reason;
    EXPECT_TRUE(sent.empty()) << "no SOLICIT";
    EXPECT_EQ(engine.state(), Dhcp6State::Requesting);
    engine.on_timer(*engine.next_deadline());
    drain();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(last().type, Dhcp6MessageType::Request) << "retransmitted";
    EXPECT_EQ(last().transaction_id, x);
    engine.receive(answer(Dhcp6MessageType::Reply, x, kServerA, {}), at(2s));
    drain();
    ASSERT_EQ(of<Dhcp6Bound>().size(), 1u);
    EXPECT_EQ(engine.state(), Dhcp6State::Bound);
}

// A status code that does not decode refuses nothing; one that does (here
// the message's own NotOnLink) sends the client to look for another server.
TEST_F(Dhcp6EngineTest, OnlyAStatusThatDecodesRefusesARequest) {
    const std::uint32_t x = request();
    engine.receive(with(answer(Dhcp6MessageType::Reply, x, kServerA, {.iaid = 99}), {o::kStatusCode, {0}}), at(100ms));
    drain();
    ASSERT_EQ(of<Dhcp6Ignored>().size(), 1u);
    EXPECT_TRUE(sent.empty());
    EXPECT_EQ(engine.state(), Dhcp6State::Requesting);
    engine.receive(with(answer(Dhcp6MessageType::Reply, x, kServerA, {}),
                        {o::kStatusCode, encode_dhcp6_status_code({4, "moved"})}),
                   at(200ms));
    drain();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(last().type, Dhcp6MessageType::Solicit);
    EXPECT_NE(last().transaction_id, x);
    EXPECT_NE(of<Dhcp6Ignored>().back().reason.find("status 4 (moved)"), std::string::npos);
}

// After NoBinding the REQUEST asks for the addresses held: a broken REPLY
// keeps them; the IA_NA's own NoAddrsAvail ends them.
TEST_F(Dhcp6EngineTest, ABrokenReplyToARequestAfterNoBindingKeepsTheAddressesAndARefusalDropsThem) {
    bind();
    engine.on_timer(at(101s));
    drain();
    engine.receive(answer(Dhcp6MessageType::Reply, xid(), kServerA, {.ia_status = Dhcp6Status::NoBinding}), at(102s));
    drain();
    ASSERT_EQ(last().type, Dhcp6MessageType::Request);
    const std::uint32_t x = xid();
    clear();
    engine.receive(answer(Dhcp6MessageType::Reply, x, kServerA, {.t1 = 200, .t2 = 100}), at(103s));
    drain();
    ASSERT_EQ(of<Dhcp6Ignored>().size(), 1u);
    EXPECT_NE(of<Dhcp6Ignored>()[0].reason.find("T1 200 > T2 100"), std::string::npos);
    EXPECT_TRUE(of<Dhcp6Lost>().empty()) << "the addresses are kept while asking";
    EXPECT_TRUE(sent.empty());
    EXPECT_EQ(engine.state(), Dhcp6State::Requesting);
    engine.receive(answer(Dhcp6MessageType::Reply, x, kServerA, {.ia_status = Dhcp6Status::NoAddrsAvail}), at(104s));
    drain();
    ASSERT_EQ(of<Dhcp6Lost>().size(), 1u);
    EXPECT_EQ(of<Dhcp6Lost>()[0].reason, Dhcp6LossReason::NoBinding);
    EXPECT_EQ(last().type, Dhcp6MessageType::Solicit);
}

// RFC 8415 18.2.10.3: only a REPLY saying Success, explicitly or by having no
// status code, confirms; one whose status code does not decode says nothing.
TEST_F(Dhcp6EngineTest, AConfirmReplyWhoseStatusDoesNotDecodeIsIgnored) {
    bind();
    engine.link_up(at(50s));
    drain();
    const std::uint32_t x = xid();
    engine.receive(with(answer(Dhcp6MessageType::Reply, x, kServerB, {}), {o::kStatusCode, {0}}), at(51s));
    drain();
    ASSERT_EQ(of<Dhcp6Ignored>().size(), 1u);
    EXPECT_EQ(engine.state(), Dhcp6State::Confirming);
    engine.receive(with(answer(Dhcp6MessageType::Reply, x, kServerB, {}),
                        {o::kStatusCode, encode_dhcp6_status_code({4, "moved"})}),
                   at(52s));
    drain();
    ASSERT_EQ(of<Dhcp6Lost>().size(), 1u);
    EXPECT_EQ(of<Dhcp6Lost>()[0].reason, Dhcp6LossReason::NotOnLink);
}

TEST_F(Dhcp6EngineTest, ZeroT1AndT2AreHalfAndFourFifthsOfThePreferredLifetime) {
    bind({.t1 = 0, .t2 = 0, .preferred = 1000, .valid = 2000});
    ASSERT_TRUE(engine.lease());
    EXPECT_EQ(engine.lease()->t1, 500s);
    EXPECT_EQ(engine.lease()->t2, 800s);
}

TEST_F(Dhcp6EngineTest, AnIaNaWithT1AfterT2IsNotUsed) {
    engine.start(at(0s));
    drain();
    engine.receive(
        with(answer(Dhcp6MessageType::Reply, xid(), kServerA, {.t1 = 200, .t2 = 100}), {o::kRapidCommit, {}}), at(1s));
    drain();
    EXPECT_TRUE(of<Dhcp6Bound>().empty());
    ASSERT_EQ(of<Dhcp6Ignored>().size(), 1u);
    EXPECT_NE(of<Dhcp6Ignored>()[0].reason.find("T1 200 > T2 100"), std::string::npos);
}

TEST_F(Dhcp6EngineTest, LinkUpConfirmsAndNotOnLinkDropsTheAddress) {
    bind();
    engine.link_up(at(50s));
    drain();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(last().type, Dhcp6MessageType::Confirm);
    EXPECT_EQ(last().find(o::kServerId), nullptr);
    EXPECT_EQ(last().find(o::kOptionRequest), nullptr);
    EXPECT_EQ(ia_in(last()).addresses.at(0).address, v6("2001:db8::42"));
    Dhcp6Message not_on_link = answer(Dhcp6MessageType::Reply, xid(), kServerB, {});
    not_on_link.options.push_back({o::kStatusCode, encode_dhcp6_status_code({4, "moved"})});
    engine.receive(not_on_link, at(51s));
    drain();
    ASSERT_EQ(of<Dhcp6Lost>().size(), 1u);
    EXPECT_EQ(of<Dhcp6Lost>()[0].reason, Dhcp6LossReason::NotOnLink);
    EXPECT_EQ(last().type, Dhcp6MessageType::Solicit);
}

TEST_F(Dhcp6EngineTest, AConfirmNobodyAnswersKeepsTheAddress) {
    bind();
    engine.link_up(at(50s));
    drain();
    run_until(at(60s));
    EXPECT_EQ(engine.state(), Dhcp6State::Bound) << "RFC 8415 18.2.3: silence keeps the addresses";
    EXPECT_TRUE(of<Dhcp6Lost>().empty());
    for (const auto& m : sent) EXPECT_EQ(m.type, Dhcp6MessageType::Confirm);
    EXPECT_EQ(engine.next_deadline(), at(101s)) << "and the lease's T1";
}

TEST_F(Dhcp6EngineTest, DadFailureDeclinesTheAddressThenSolicitsAgain) {
    bind();
    engine.decline(at(2s));
    drain();
    ASSERT_EQ(of<Dhcp6Lost>().size(), 1u);
    EXPECT_EQ(of<Dhcp6Lost>()[0].reason, Dhcp6LossReason::Declined);
    EXPECT_EQ(last().type, Dhcp6MessageType::Decline);
    EXPECT_EQ(last().find(o::kServerId)->data, kServerA);
    EXPECT_EQ(ia_in(last()).addresses.at(0).address, v6("2001:db8::42"));
    engine.receive(answer(Dhcp6MessageType::Reply, xid(), kServerA, {}), at(3s));
    drain();
    EXPECT_EQ(last().type, Dhcp6MessageType::Solicit);
    EXPECT_FALSE(engine.lease());
}

TEST_F(Dhcp6EngineTest, ARequestNobodyAnswersTenTimesStartsOver) {
    engine = Dhcp6Engine{Dhcp6Config{kDuid, kIaid, true, 0s}, 1};  // no overall deadline
    engine.start(at(0s));
    drain();
    engine.receive(with(answer(Dhcp6MessageType::Advertise, xid(), kServerA, {}), {o::kPreference, {255}}), at(10ms));
    drain();
    run_until(at(250s));  // REQ_MAX_RC 10 at 1, 2, 4, 8, 16, then 30 s apart: about 180 s
    auto first_solicit_after =
        std::find_if(sent.begin() + 1, sent.end(), [](auto& m) { return m.type == Dhcp6MessageType::Solicit; });
    ASSERT_NE(first_solicit_after, sent.end()) << "REQUEST exhausted: back to SOLICIT";
    EXPECT_EQ(
        std::count_if(sent.begin(), first_solicit_after, [](auto& m) { return m.type == Dhcp6MessageType::Request; }),
        10);
    EXPECT_EQ(engine.state(), Dhcp6State::Soliciting);
}

TEST_F(Dhcp6EngineTest, WithoutAServerItGivesUpAfterItsTimeout) {
    engine.start(at(0s));
    drain();
    run_until(at(46s));
    ASSERT_EQ(of<Dhcp6Failed>().size(), 1u);
    EXPECT_EQ(of<Dhcp6Failed>()[0].error.message, "no DHCPv6 lease within 45 s");
    EXPECT_EQ(engine.state(), Dhcp6State::Stopped);
    EXPECT_FALSE(engine.next_deadline());
    for (const auto& m : sent) EXPECT_EQ(m.type, Dhcp6MessageType::Solicit);
    EXPECT_GE(sent.size(), 5u) << "1, 2, 4, 8, 16 s apart";
}

TEST_F(Dhcp6EngineTest, StatelessConfigurationIsAskedForAndRefreshed) {
    engine.start_information_request(at(0s));
    drain();
    EXPECT_EQ(last().type, Dhcp6MessageType::InformationRequest);
    EXPECT_EQ(last().find(o::kIaNa), nullptr);
    EXPECT_NE(last().find(o::kOptionRequest), nullptr);
    Dhcp6Message reply;
    reply.type = Dhcp6MessageType::Reply;
    reply.transaction_id = xid();
    reply.options = {
        {o::kServerId, kServerA}, {o::kClientId, kDuid}, {o::kDnsServers, {}}, {o::kInformationRefreshTime, u32(700)}};
    auto dns = v6("2001:db8::53").bytes();
    reply.options[2].data.assign(dns.begin(), dns.end());
    engine.receive(reply, at(1s));
    drain();
    ASSERT_EQ(of<Dhcp6InformationReceived>().size(), 1u);
    EXPECT_EQ(of<Dhcp6InformationReceived>()[0].options, reply.options);
    EXPECT_EQ(engine.state(), Dhcp6State::Informed);
    EXPECT_EQ(engine.next_deadline(), at(701s));
    engine.on_timer(at(701s));
    drain();
    EXPECT_EQ(last().type, Dhcp6MessageType::InformationRequest);
    // A refresh time under ten minutes is ten minutes (RFC 8415 21.23).
    reply.transaction_id = xid();
    reply.options[3].data = u32(5);
    engine.receive(reply, at(702s));
    drain();
    EXPECT_EQ(engine.next_deadline(), at(1302s));
}

TEST_F(Dhcp6EngineTest, ASavedLeaseContinuesWhereItsTimeIs) {
    Dhcp6Lease lease;
    lease.server_duid = kServerA;
    lease.ia = ia_of({});
    lease.acquired_at = at(10s);
    lease.t1 = 100s;
    lease.t2 = 160s;
    engine.start_bound(lease, at(50s));
    drain();
    EXPECT_TRUE(sent.empty()) << "before T1 nothing is sent: no SOLICIT";
    EXPECT_EQ(engine.next_deadline(), at(110s));
    Dhcp6Engine late{Dhcp6Config{kDuid, kIaid, true, 45s}, 2};
    late.start_bound(lease, at(120s));
    auto a = late.next_action();
    while (a && !std::holds_alternative<Dhcp6Send>(*a)) a = late.next_action();
    ASSERT_TRUE(a);
    EXPECT_EQ(std::get<Dhcp6Send>(*a).message.type, Dhcp6MessageType::Renew) << "past T1: RENEW at once";
    Dhcp6Engine ended{Dhcp6Config{kDuid, kIaid, true, 45s}, 3};
    ended.start_bound(lease, at(211s));
    EXPECT_EQ(ended.state(), Dhcp6State::Soliciting) << "past its valid lifetime: gone";
}

TEST_F(Dhcp6EngineTest, StoppingSendsNothing) {
    bind();
    engine.stop();
    drain();
    EXPECT_TRUE(sent.empty()) << "never RELEASE: the root may still need the address";
    EXPECT_EQ(engine.state(), Dhcp6State::Stopped);
    EXPECT_FALSE(engine.next_deadline());
}

}  // namespace
}  // namespace earlynet::dhcp
