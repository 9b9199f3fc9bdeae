// Replays DHCPv6 exchanges captured from dnsmasq (test/replay/captures/
// dhcp6-*.hex, written by test/netns/dhcp6_client_test with
// EARLYNET_CAPTURE_DIR set; provenance in captures/README.md) through the
// real Dhcp6Engine. The engine is configured as the captured client was (the
// "# client:" header: DUID, IAID, rapid commit), so the client identifier
// check runs on the real bytes; the server's transaction id is patched to the
// engine's (after checking that the server echoed the captured client's).
// Each capture also has hostile variants derived from its real bytes, which
// must be ignored with a reason. File format as for dhcp_replay_test.cc:
// '#' lines, then "> HEX" sent by the client, "< HEX" received.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <sstream>
#include <variant>

#include "dhcp/dhcp6_engine.h"

#ifndef CAPTURE_DIR
#error "CAPTURE_DIR must name test/replay/captures"
#endif

namespace earlynet::dhcp {
namespace {

using namespace std::chrono_literals;
namespace o = dhcp6_option;
using Bytes = std::vector<std::uint8_t>;

Bytes from_hex(const std::string& hex) {
    Bytes b;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        b.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return b;
}

std::uint32_t xid_of(const Bytes& b) {
    return std::uint32_t{b[1]} << 16 | std::uint32_t{b[2]} << 8 | b[3];
}

struct Line {
    bool sent = false;
    Bytes bytes;
};

struct Capture {
    std::vector<std::string> provenance;
    Dhcp6Config config;  // as the captured client ran
    std::uint64_t seed = 0;
    std::vector<Line> lines;

    std::vector<Dhcp6Message> messages(bool sent) const {
        std::vector<Dhcp6Message> r;
        for (const auto& l : lines)
            if (l.sent == sent) r.push_back(*parse_dhcp6_message(l.bytes));
        return r;
    }
    // The bytes of the i-th received message.
    const Bytes& received(std::size_t i) const {
        for (const auto& l : lines)
            if (!l.sent && i-- == 0) return l.bytes;
        throw std::out_of_range("no such received message");
    }
};

Capture load(const std::string& name) {
    Capture c;
    std::ifstream in(std::string(CAPTURE_DIR) + "/" + name + ".hex");
    EXPECT_TRUE(in) << "no capture " << name;
    bool client_line = false;
    for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        if (line[0] == '#') {
            c.provenance.push_back(line);
            if (line.starts_with("# client: ")) {
                // "# client: duid=HEX iaid=N rapid_commit=0|1 seed=N"
                std::istringstream fields(line.substr(10));
                for (std::string f; fields >> f;) {
                    auto eq = f.find('=');
                    std::string key = f.substr(0, eq), value = f.substr(eq + 1);
                    if (key == "duid") c.config.duid = from_hex(value);
                    if (key == "iaid") c.config.iaid = static_cast<std::uint32_t>(std::stoul(value));
                    if (key == "rapid_commit") c.config.rapid_commit = value == "1";
                    if (key == "seed") c.seed = std::stoull(value);
                }
                client_line = true;
            }
            continue;
        }
        Line l{line[0] == '>', from_hex(line.substr(2))};
        auto m = parse_dhcp6_message(l.bytes);
        EXPECT_TRUE(m) << name << ": " << (m ? "" : m.error().message);
        if (m) c.lines.push_back(std::move(l));
    }
    EXPECT_TRUE(client_line) << name << " has no '# client:' line";
    EXPECT_GE(c.provenance.size(), 3u) << name << " has no provenance header";
    c.config.timeout = Duration::zero();
    return c;
}

// What of a client message the server acts on: type, client id, server id,
// the IA_NA (IAID, addresses). Not the elapsed time or the option request list.
struct Gist {
    Dhcp6MessageType type;
    Bytes client_id, server_id;
    std::optional<Dhcp6IaNa> ia;
    bool operator==(const Gist&) const = default;
};
Gist gist(const Dhcp6Message& m) {
    Gist g{m.type, {}, {}, std::nullopt};
    if (auto* c = m.find(o::kClientId)) g.client_id = c->data;
    if (auto* s = m.find(o::kServerId)) g.server_id = s->data;
    if (auto* ia = m.find(o::kIaNa)) g.ia = *decode_dhcp6_ia_na(ia->data);
    return g;
}
std::ostream& operator<<(std::ostream& os, const Gist& g) {
    os << to_string(g.type) << " server id " << g.server_id.size() << " bytes";
    if (g.ia)
        for (const auto& a : g.ia->addresses) os << " " << a.address.to_string();
    return os;
}

// Drives a fresh engine through a capture: each "> " line is a message the
// engine must send (advancing the clock to its next deadline until it does),
// each "< " line is fed to it with the engine's transaction id. A hostile
// variant replaces the received message at index `at` by what `mutate` makes
// of its bytes, fed just before the genuine one.
struct Replay {
    Dhcp6Engine engine;
    BootTime now{1000s};
    std::vector<Dhcp6Action> actions;
    std::vector<Dhcp6Message> sent;
    std::vector<std::string> malformed;  // what the adapter would log for bytes that do not parse
    std::size_t hostile_actions_from = 0, hostile_actions_to = 0;

    using Mutation = std::function<Bytes(Bytes)>;
    Replay(const Capture& c, std::optional<std::size_t> at = std::nullopt, const Mutation& mutate = {})
        : engine(c.config, c.seed) {
        const auto captured_sent = c.messages(true);
        if (captured_sent.at(0).type == Dhcp6MessageType::InformationRequest)
            engine.start_information_request(now);
        else
            engine.start(now);
        pump();
        std::size_t n_sent = 0, n_received = 0;
        std::uint32_t captured_xid = 0;
        for (const auto& line : c.lines) {
            if (line.sent) {
                for (int i = 0; i < 8 && sent.size() <= n_sent; ++i) {
                    auto deadline = engine.next_deadline();
                    if (!deadline) break;
                    now = std::max(now, *deadline);
                    engine.on_timer(now);
                    pump();
                }
                if (sent.size() <= n_sent) {
                    ADD_FAILURE() << "the engine did not send captured message " << n_sent << ": "
                                  << gist(captured_sent[n_sent]);
                    return;
                }
                EXPECT_EQ(gist(sent[n_sent]), gist(captured_sent[n_sent])) << "sent message " << n_sent;
                captured_xid = xid_of(line.bytes);
                ++n_sent;
                continue;
            }
            // The server answered the captured client's transaction.
            EXPECT_EQ(xid_of(line.bytes), captured_xid) << "received message " << n_received;
            if (at && *at == n_received) {
                hostile_actions_from = actions.size();
                feed(mutate(with_xid(line.bytes)));
                hostile_actions_to = actions.size();
            }
            feed(with_xid(line.bytes));
            ++n_received;
        }
    }
    Bytes with_xid(Bytes b) const {
        std::uint32_t x = sent.back().transaction_id;
        b[1] = static_cast<std::uint8_t>(x >> 16), b[2] = static_cast<std::uint8_t>(x >> 8),
        b[3] = static_cast<std::uint8_t>(x);
        return b;
    }
    // As Dhcp6Adapter does: bytes that do not parse never reach the engine.
    void feed(const Bytes& bytes) {
        auto m = parse_dhcp6_message(bytes);
        if (!m) {
            malformed.push_back(m.error().message);
            actions.push_back(Dhcp6Ignored{"malformed DHCPv6 message: " + m.error().message + ", ignoring"});
            return;
        }
        engine.receive(*m, now);
        pump();
    }
    void pump() {
        while (auto a = engine.next_action()) {
            if (auto* s = std::get_if<Dhcp6Send>(&*a)) sent.push_back(s->message);
            actions.push_back(std::move(*a));
        }
    }
    template <typename T>
    std::vector<T> of(std::size_t from = 0, std::size_t to = SIZE_MAX) const {
        std::vector<T> r;
        for (std::size_t i = from; i < std::min(to, actions.size()); ++i)
            if (auto* t = std::get_if<T>(&actions[i])) r.push_back(*t);
        return r;
    }
    // What the hostile message alone made the engine do.
    template <typename T>
    std::vector<T> hostile() const {
        return of<T>(hostile_actions_from, hostile_actions_to);
    }
};

// ---- mutations of real bytes ----

// Rebuilds a message from its parsed form after `edit`.
Replay::Mutation edit(std::function<void(Dhcp6Message&)> change) {
    return [change](Bytes b) {
        auto m = parse_dhcp6_message(b);
        change(*m);
        return serialize_dhcp6_message(*m);
    };
}
Replay::Mutation without(std::uint16_t code) {
    return edit([code](Dhcp6Message& m) { std::erase_if(m.options, [&](auto& x) { return x.code == code; }); });
}
Replay::Mutation option_data(std::uint16_t code, std::function<void(Bytes&)> change) {
    return edit([code, change](Dhcp6Message& m) {
        for (auto& x : m.options)
            if (x.code == code) {
                change(x.data);
                return;
            }
        ADD_FAILURE() << "no option " << code << " to mutate";
    });
}

// ---- expectations ----

template <typename T>
T value_of(const std::vector<Dhcp6Option>& options, std::uint16_t code) {
    for (const auto& x : options)
        if (x.code == code) {
            auto v = decode_dhcp6_option(*find_dhcp6_option(code), x.data);
            EXPECT_TRUE(v) << "option " << code << ": " << (v ? "" : v.error().message);
            if (v && std::holds_alternative<T>(*v)) return std::get<T>(*v);
            ADD_FAILURE() << "option " << code << " decodes to another type";
            return T{};
        }
    ADD_FAILURE() << "no option " << code;
    return T{};
}

Ipv6Address v6(const char* s) {
    return *Ipv6Address::parse(s);
}

// The only address of the IA_NA in a captured message.
Ipv6Address captured_address(const Dhcp6Message& m) {
    auto ia = decode_dhcp6_ia_na(m.find(o::kIaNa)->data);
    EXPECT_TRUE(ia && ia->addresses.size() == 1u);
    return ia->addresses.at(0).address;
}

std::string reasons(const std::vector<Dhcp6Ignored>& ignored) {
    std::string r;
    for (const auto& i : ignored) r += i.reason + "; ";
    return r;
}

// The hostile message was ignored, saying why, and changed nothing: no
// lease, no new message, the same state.
void expect_ignored(const Replay& r, const std::string& why) {
    auto ignored = r.hostile<Dhcp6Ignored>();
    ASSERT_EQ(ignored.size(), 1u) << reasons(ignored);
    EXPECT_NE(ignored[0].reason.find(why), std::string::npos) << ignored[0].reason;
    EXPECT_TRUE(r.hostile<Dhcp6Bound>().empty());
    EXPECT_TRUE(r.hostile<Dhcp6Extended>().empty());
    EXPECT_TRUE(r.hostile<Dhcp6Send>().empty()) << "the hostile message made the engine send";
    EXPECT_TRUE(r.hostile<Dhcp6StateChanged>().empty()) << "the hostile message changed the state";
}

// ---- SOLICIT, ADVERTISE, REQUEST, REPLY with boot options ----

TEST(Dhcp6Replay, DnsmasqFullLeaseWithBootOptions) {
    Capture c = load("dhcp6-full-lease");
    auto received = c.messages(false);
    ASSERT_EQ(received.size(), 2u);
    ASSERT_EQ(received[0].type, Dhcp6MessageType::Advertise);
    Replay r(c);
    ASSERT_EQ(r.engine.state(), Dhcp6State::Bound);
    EXPECT_TRUE(r.of<Dhcp6Ignored>().empty()) << reasons(r.of<Dhcp6Ignored>());
    auto bound = r.of<Dhcp6Bound>();
    ASSERT_EQ(bound.size(), 1u);
    const Dhcp6Lease& l = bound[0].lease;
    EXPECT_EQ(l, *r.engine.lease());
    EXPECT_EQ(l.server_duid, received[1].find(o::kServerId)->data);
    EXPECT_EQ(l.ia.iaid, c.config.iaid);
    ASSERT_EQ(l.ia.addresses.size(), 1u);
    EXPECT_EQ(l.ia.addresses[0].address, captured_address(received[1]));
    EXPECT_EQ(l.ia.addresses[0].address.to_string().rfind("2001:db8:77::1", 0), 0u);  // in --dhcp-range
    EXPECT_EQ(l.ia.addresses[0].preferred_s, 3600u);
    EXPECT_EQ(l.ia.addresses[0].valid_s, 3600u);
    EXPECT_EQ(l.valid(), 3600s);
    EXPECT_EQ(l.t1, 1800s);  // dnsmasq: 1/2 and 7/8 of the 1h lease
    EXPECT_EQ(l.t2, 3150s);
    EXPECT_EQ(l.acquired_at, r.now);
    EXPECT_EQ(r.engine.next_deadline(), l.acquired_at + l.t1);
    EXPECT_EQ(value_of<std::vector<Ipv6Address>>(l.options, o::kDnsServers),
              std::vector<Ipv6Address>{v6("2001:db8:77::53")});
    EXPECT_EQ(value_of<std::vector<std::string>>(l.options, o::kDomainList), std::vector<std::string>{"lab.example"});
    EXPECT_EQ(value_of<std::string>(l.options, o::kBootfileUrl), "http://[2001:db8:77::1]/boot.ipxe");
    // SOLICIT, then (preference 255) REQUEST at once, for the advertised
    // address from the advertising server; nothing else.
    ASSERT_EQ(r.sent.size(), 2u);
    EXPECT_EQ(r.sent[0].type, Dhcp6MessageType::Solicit);
    EXPECT_EQ(r.sent[0].find(o::kRapidCommit), nullptr);
    EXPECT_EQ(r.sent[1].type, Dhcp6MessageType::Request);
    EXPECT_EQ(r.sent[1].find(o::kServerId)->data, received[0].find(o::kServerId)->data);
    EXPECT_EQ(captured_address(r.sent[1]), captured_address(received[0]));
    EXPECT_EQ(r.of<Dhcp6StateChanged>().back().from, Dhcp6State::Requesting);
}

TEST(Dhcp6Replay, AnAdvertiseWithoutServerIdIsIgnored) {
    Capture c = load("dhcp6-full-lease");
    Replay r(c, 0, without(o::kServerId));
    expect_ignored(r, "it has no server identifier");
    EXPECT_EQ(r.sent.size(), 2u);  // the genuine ADVERTISE after it still led to the REQUEST
    EXPECT_EQ(r.engine.state(), Dhcp6State::Bound);
}

TEST(Dhcp6Replay, AReplyWithATruncatedOptionIsRefusedByTheCodec) {
    Capture c = load("dhcp6-full-lease");
    // The last option (DNS servers) claims 4 bytes more than the message holds.
    Replay r(c, 1, [](Bytes b) {
        b.resize(b.size() - 4);
        return b;
    });
    ASSERT_EQ(r.malformed.size(), 1u);
    EXPECT_NE(r.malformed[0].find("offset"), std::string::npos) << r.malformed[0];
    expect_ignored(r, "malformed DHCPv6 message");
    EXPECT_EQ(r.of<Dhcp6Bound>().size(), 1u);  // from the genuine REPLY after it
}

// A REPLY to our REQUEST whose IA_NA does not decode (its IA Address cut
// short, the message still well framed) gives no lease, and says why.
TEST(Dhcp6Replay, AReplyWithABrokenIaNaGivesNoLease) {
    Capture c = load("dhcp6-full-lease");
    Replay r(c, 1, option_data(o::kIaNa, [](Bytes& ia) {
                 ia[12 + 3] -= 4;  // IA Address length 24 -> 20: short of its lifetimes
             }));
    auto ignored = r.hostile<Dhcp6Ignored>();
    ASSERT_EQ(ignored.size(), 1u) << reasons(ignored);
    EXPECT_NE(ignored[0].reason.find("REPLY: "), std::string::npos) << ignored[0].reason;
    EXPECT_TRUE(r.hostile<Dhcp6Bound>().empty());
    EXPECT_TRUE(r.hostile<Dhcp6Send>().empty()) << "no new SOLICIT for a message it discards (RFC 8415 16)";
    // The REQUEST goes on: the genuine REPLY after it binds.
    EXPECT_EQ(r.of<Dhcp6Bound>().size(), 1u);
    EXPECT_EQ(r.engine.state(), Dhcp6State::Bound);
}

// ---- rapid commit ----

TEST(Dhcp6Replay, DnsmasqRapidCommitBindsOnTheFirstReply) {
    Capture c = load("dhcp6-rapid-commit");
    auto received = c.messages(false);
    ASSERT_EQ(received.size(), 1u);
    EXPECT_NE(received[0].find(o::kRapidCommit), nullptr);
    Replay r(c);
    ASSERT_EQ(r.engine.state(), Dhcp6State::Bound);
    auto bound = r.of<Dhcp6Bound>();
    ASSERT_EQ(bound.size(), 1u);
    const Dhcp6Lease& l = bound[0].lease;
    ASSERT_EQ(l.ia.addresses.size(), 1u);
    EXPECT_EQ(l.ia.addresses[0].address, captured_address(received[0]));
    EXPECT_EQ(l.ia.addresses[0].valid_s, 3600u);
    EXPECT_EQ(l.ia.addresses[0].preferred_s, 3600u);
    EXPECT_EQ(l.t1, 1800s);
    EXPECT_EQ(l.t2, 3150s);
    EXPECT_EQ(l.server_duid, received[0].find(o::kServerId)->data);
    ASSERT_EQ(r.sent.size(), 1u);  // no REQUEST
    EXPECT_NE(r.sent[0].find(o::kRapidCommit), nullptr);
    EXPECT_EQ(r.now, BootTime{1000s});  // bound without waiting for any timer
}

TEST(Dhcp6Replay, ARapidCommitReplyForAnotherTransactionIsIgnored) {
    Capture c = load("dhcp6-rapid-commit");
    Replay r(c, 0, [](Bytes b) {
        b[3] ^= 1;
        return b;
    });
    expect_ignored(r, "is not ours");
    EXPECT_NE(reasons(r.hostile<Dhcp6Ignored>()).find("REPLY: transaction id"), std::string::npos);
    EXPECT_EQ(r.of<Dhcp6Bound>().size(), 1u);
}

TEST(Dhcp6Replay, ARapidCommitReplyWithoutOption14IsIgnored) {
    Capture c = load("dhcp6-rapid-commit");
    Replay r(c, 0, without(o::kRapidCommit));
    expect_ignored(r, "REPLY to a SOLICIT without rapid commit");
}

// The client id check runs on the real bytes: the recorded DUID passes it
// (above), any other DUID does not.
TEST(Dhcp6Replay, TheRecordedReplyIsNotForAnotherDuid) {
    Capture c = load("dhcp6-rapid-commit");
    c.config.duid.back() ^= 0xff;
    for (auto& l : c.lines)  // as if that client had sent the SOLICIT
        if (l.sent)
            l.bytes = edit([&](Dhcp6Message& m) {
                for (auto& x : m.options)
                    if (x.code == o::kClientId) x.data = c.config.duid;
            })(l.bytes);
    Replay r(c);
    auto ignored = r.of<Dhcp6Ignored>();
    ASSERT_EQ(ignored.size(), 1u);
    EXPECT_NE(ignored[0].reason.find("its client identifier is not ours"), std::string::npos) << ignored[0].reason;
    EXPECT_EQ(r.engine.state(), Dhcp6State::Soliciting);
}

// ---- RENEW ----

TEST(Dhcp6Replay, DnsmasqRenewalExtendsTheSameAddress) {
    Capture c = load("dhcp6-renewal");
    auto received = c.messages(false);
    ASSERT_EQ(received.size(), 2u);
    Replay r(c);
    ASSERT_EQ(r.of<Dhcp6Bound>().size(), 1u);
    const Dhcp6Lease first = r.of<Dhcp6Bound>()[0].lease;
    // RENEW at T1 of the first lease, to the server that granted it, for its address.
    ASSERT_EQ(r.sent.size(), 2u);
    EXPECT_EQ(r.sent[1].type, Dhcp6MessageType::Renew);
    EXPECT_EQ(r.sent[1].find(o::kServerId)->data, first.server_duid);
    EXPECT_EQ(captured_address(r.sent[1]), first.ia.addresses.at(0).address);
    EXPECT_EQ(r.now, first.acquired_at + 1800s);
    EXPECT_TRUE(std::ranges::any_of(r.of<Dhcp6StateChanged>(), [](auto& s) { return s.to == Dhcp6State::Renewing; }));
    auto extended = r.of<Dhcp6Extended>();
    ASSERT_EQ(extended.size(), 1u);
    const Dhcp6Lease& l = extended[0].lease;
    ASSERT_EQ(l.ia.addresses.size(), 1u);
    EXPECT_EQ(l.ia.addresses[0].address, first.ia.addresses[0].address);
    EXPECT_EQ(l.ia.addresses[0].valid_s, 3600u);
    EXPECT_EQ(l.ia.addresses[0].preferred_s, 3600u);
    // The server's T1/T2 as captured: dnsmasq fuzzes them on a RENEW (end_ia()
    // in rfc3315.c takes the same random 0..lifetime/16 s off both), so they
    // differ from 1800/3150 and from one recording to the next.
    auto renewed = decode_dhcp6_ia_na(received[1].find(o::kIaNa)->data);
    ASSERT_TRUE(renewed);
    EXPECT_EQ(l.t1, Seconds(renewed->t1_s));
    EXPECT_EQ(l.t2, Seconds(renewed->t2_s));
    EXPECT_GE(l.t1, 1800s - 225s);
    EXPECT_LE(l.t1, 1800s);
    EXPECT_EQ(l.t2 - l.t1, 3150s - 1800s);
    EXPECT_EQ(l.acquired_at, r.now);
    EXPECT_EQ(r.engine.state(), Dhcp6State::Bound);
    EXPECT_EQ(r.engine.next_deadline(), r.now + l.t1);
    EXPECT_EQ(r.of<Dhcp6Bound>().size(), 1u);  // extended, not bound anew
    // The options are the RENEW REPLY's, decoded from the table.
    EXPECT_EQ(value_of<std::vector<Ipv6Address>>(l.options, o::kDnsServers),
              std::vector<Ipv6Address>{v6("2001:db8:77::53")});
}

TEST(Dhcp6Replay, ARenewReplyForAnotherClientIsIgnored) {
    Capture c = load("dhcp6-renewal");
    Replay r(c, 1, option_data(o::kClientId, [](Bytes& id) { id.back() ^= 0xff; }));
    expect_ignored(r, "its client identifier is not ours");
    EXPECT_EQ(r.of<Dhcp6Extended>().size(), 1u);  // the genuine one after it
}

// ---- INFORMATION-REQUEST ----

TEST(Dhcp6Replay, DnsmasqStatelessConfiguration) {
    Capture c = load("dhcp6-information");
    Replay r(c);
    ASSERT_EQ(r.sent.size(), 1u);
    EXPECT_EQ(r.sent[0].type, Dhcp6MessageType::InformationRequest);
    EXPECT_EQ(r.sent[0].find(o::kIaNa), nullptr);
    auto informed = r.of<Dhcp6InformationReceived>();
    ASSERT_EQ(informed.size(), 1u);
    EXPECT_EQ(value_of<std::vector<Ipv6Address>>(informed[0].options, o::kDnsServers),
              std::vector<Ipv6Address>{v6("2001:db8:77::53")});
    EXPECT_EQ(value_of<std::vector<std::string>>(informed[0].options, o::kDomainList),
              std::vector<std::string>{"lab.example"});
    EXPECT_EQ(value_of<std::uint32_t>(informed[0].options, o::kInformationRefreshTime), 7200u);
    EXPECT_EQ(r.engine.state(), Dhcp6State::Informed);
    EXPECT_FALSE(r.engine.lease());
    EXPECT_EQ(r.engine.next_deadline(), r.now + 7200s);  // option 32, not the 1-day default
}

TEST(Dhcp6Replay, AnInformationReplyWithoutServerIdIsIgnored) {
    Capture c = load("dhcp6-information");
    Replay r(c, 0, without(o::kServerId));
    expect_ignored(r, "it has no server identifier");
    EXPECT_EQ(r.of<Dhcp6InformationReceived>().size(), 1u);
}

// ---- status code: NoAddrsAvail ----

// dnsmasq answers a rapid-commit SOLICIT for a full pool with a REPLY (not
// an ADVERTISE): status NoAddrsAvail at the top and in the IA_NA. The client
// takes nothing from it and solicits on (RFC 8415 18.2.9, 18.2.10).
TEST(Dhcp6Replay, DnsmasqNoAddrsAvailIsIgnoredAndSolicitingGoesOn) {
    Capture c = load("dhcp6-no-addrs-avail");
    auto received = c.messages(false);
    ASSERT_EQ(received.size(), 1u);
    EXPECT_EQ(received[0].type, Dhcp6MessageType::Reply);
    auto status = decode_dhcp6_status_code(received[0].find(o::kStatusCode)->data);
    ASSERT_TRUE(status);
    EXPECT_EQ(status->code, static_cast<std::uint16_t>(Dhcp6Status::NoAddrsAvail));
    auto ia = decode_dhcp6_ia_na(received[0].find(o::kIaNa)->data);
    ASSERT_TRUE(ia);
    EXPECT_TRUE(ia->addresses.empty());
    ASSERT_TRUE(ia->status);
    EXPECT_EQ(ia->status->code, static_cast<std::uint16_t>(Dhcp6Status::NoAddrsAvail));

    Replay r(c);
    auto ignored = r.of<Dhcp6Ignored>();
    ASSERT_EQ(ignored.size(), 1u);
    EXPECT_EQ(ignored[0].reason, "REPLY: status 2 (no addresses available)");
    EXPECT_TRUE(r.of<Dhcp6Bound>().empty());
    EXPECT_EQ(r.engine.state(), Dhcp6State::Soliciting);
    // The next SOLICIT is the retransmission (same transaction) at about 1 s.
    auto deadline = r.engine.next_deadline();
    ASSERT_TRUE(deadline);
    EXPECT_GE(*deadline - r.now, 900ms);
    EXPECT_LE(*deadline - r.now, 1100ms);
    r.engine.on_timer(*deadline);
    r.pump();
    ASSERT_EQ(r.sent.size(), 2u);
    EXPECT_EQ(r.sent[1].type, Dhcp6MessageType::Solicit);
    EXPECT_EQ(r.sent[1].transaction_id, r.sent[0].transaction_id);
}

// With the top-level status cut to one byte (undecodable), the IA_NA's own
// NoAddrsAvail still keeps the client from taking anything.
TEST(Dhcp6Replay, NoAddrsAvailWithABrokenTopStatusIsStillNoLease) {
    Capture c = load("dhcp6-no-addrs-avail");
    Replay r(c, 0, edit([](Dhcp6Message& m) {
                 for (auto& x : m.options)
                     if (x.code == o::kStatusCode) x.data.resize(1);
             }));
    expect_ignored(r, "IA_NA status 2 (address unavailable)");
}

}  // namespace
}  // namespace earlynet::dhcp
