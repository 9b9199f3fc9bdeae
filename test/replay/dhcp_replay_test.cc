// Replays exchanges captured from dnsmasq (test/replay/captures/*.hex, written
// by the netns suite with EARLYNET_CAPTURE_DIR set) through the real engine:
// the client's configuration is read back from what it sent, each server
// message gets the engine's xid patched in, and the resulting lease is checked
// field by field. A capture file is '#' provenance lines, then one message per
// line: "> HEX" sent by the client, "< HEX" received.
#include <gtest/gtest.h>

#include <fstream>
#include <variant>

#include "dhcp/client_engine.h"

#ifndef CAPTURE_DIR
#error "CAPTURE_DIR must name test/replay/captures"
#endif

namespace earlynet::dhcp {
namespace {

using namespace std::chrono_literals;

struct Capture {
    std::vector<std::string> provenance;
    std::vector<Message> sent, received;  // in order, per direction
};

std::vector<std::uint8_t> from_hex(const std::string& hex) {
    std::vector<std::uint8_t> b;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        b.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return b;
}

Capture load(const std::string& name) {
    Capture c;
    std::ifstream in(std::string(CAPTURE_DIR) + "/" + name + ".hex");
    EXPECT_TRUE(in) << "no capture " << name;
    for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        if (line[0] == '#') {
            c.provenance.push_back(line);
            continue;
        }
        auto m = parse_message(from_hex(line.substr(2)));
        EXPECT_TRUE(m) << name << ": " << m.error().message;
        if (m) (line[0] == '>' ? c.sent : c.received).push_back(*m);
    }
    EXPECT_FALSE(c.provenance.empty()) << name << " has no provenance header";
    return c;
}

// The configuration the captured client ran with, read from its first message.
ClientConfig config_from(const Message& first) {
    ClientConfig c;
    char buf[18];
    std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", first.chaddr[0], first.chaddr[1], first.chaddr[2],
                  first.chaddr[3], first.chaddr[4], first.chaddr[5]);
    c.mac = *HardwareAddress::parse_ethernet(buf);
    if (auto id = first.options.find(option::kClientIdentifier); id != first.options.end()) c.client_id = id->second;
    c.timeout = Duration::zero();
    return c;
}

// Feeds the capture's server messages to a fresh engine, answering offers and
// grants as the daemon does; advances the clock to the engine's deadline when
// it is waiting for time (renewal). Returns the actions seen.
struct Replay {
    ClientEngine engine;
    std::vector<ClientAction> actions;
    std::vector<Message> sent;
    BootTime now{1000s};

    explicit Replay(const Capture& c) : engine(config_from(c.sent.at(0)), 1) {
        const Message& first = c.sent.at(0);
        if (first.type() == MessageType::Request)
            engine.start_init_reboot(*first.ipv4_option(option::kRequestedAddress), now);
        else
            engine.start(now);
        pump();
        for (Message reply : c.received) {
            if (engine.state() == ClientState::Bound) {  // the next reply answers a renewal
                now = *engine.next_deadline();
                engine.on_timer(now);
                pump();
            }
            reply.xid = sent.back().xid;  // the capture's xid was another seed's
            engine.receive(reply, now);
            pump();
        }
    }
    void pump() {
        while (auto a = engine.next_action()) {
            if (auto* s = std::get_if<SendAction>(&*a)) sent.push_back(s->message);
            if (auto* o = std::get_if<Offered>(&*a)) engine.select(o->offer, now);
            if (std::holds_alternative<Granted>(*a)) engine.accept(now);
            actions.push_back(std::move(*a));
        }
    }
    template <typename T>
    std::vector<T> of() const {
        std::vector<T> r;
        for (const auto& a : actions)
            if (auto* t = std::get_if<T>(&a)) r.push_back(*t);
        return r;
    }
};

Ipv4Address v4(const char* s) {
    return *Ipv4Address::parse(s);
}

TEST(DhcpReplay, DnsmasqFullLease) {
    Capture c = load("full-lease");
    Replay r(c);
    ASSERT_EQ(r.engine.state(), ClientState::Bound);
    const Lease& l = *r.engine.lease();
    EXPECT_EQ(l.address, c.received.back().yiaddr);
    EXPECT_EQ(l.prefix_length, 24);
    EXPECT_EQ(l.server_id, v4("10.77.0.1"));
    EXPECT_EQ(l.lease_time, 3600s);
    EXPECT_EQ(l.t1, 1800s);
    EXPECT_EQ(l.t2, 3150s);
    EXPECT_EQ(l.routers, std::vector<Ipv4Address>{v4("10.77.0.1")});
    EXPECT_EQ(l.dns_servers, (std::vector<Ipv4Address>{v4("10.77.0.1"), v4("10.77.0.2")}));
    EXPECT_EQ(l.domain_name, "boot.example");
    EXPECT_EQ(l.domain_search, (std::vector<std::string>{"boot.example", "lab.example"}));
    EXPECT_EQ(l.root_path, "10.77.0.1:/srv/root");
    EXPECT_EQ(l.mtu, std::optional<std::uint16_t>(1400));
    EXPECT_EQ(l.ntp_servers, std::vector<Ipv4Address>{v4("10.77.0.3")});
    EXPECT_EQ(l.classless_routes, (std::vector<ClasslessRoute>{{v4("192.168.50.0"), 24, v4("10.77.0.1")},
                                                               {v4("0.0.0.0"), 0, v4("10.77.0.1")}}));
    EXPECT_EQ(l.next_server, v4("10.77.0.9"));
    EXPECT_EQ(l.tftp_server_name, "bootsrv");
    EXPECT_EQ(l.bootfile_name, "pxelinux.0");
    EXPECT_EQ(l.broadcast, v4("10.77.0.255"));
    // Same exchange as on the wire: DISCOVER, REQUEST, each once.
    ASSERT_EQ(r.sent.size(), 2u);
    EXPECT_EQ(r.sent[0].type(), MessageType::Discover);
    EXPECT_EQ(r.sent[1].type(), MessageType::Request);
}

TEST(DhcpReplay, DnsmasqRenewalExtendsTheSameAddress) {
    Capture c = load("renewal");
    Replay r(c);
    auto extended = r.of<Extended>();
    ASSERT_EQ(extended.size(), 1u);
    EXPECT_EQ(extended[0].lease.address, c.received.back().yiaddr);
    EXPECT_EQ(extended[0].lease.t1, 3s);
    EXPECT_EQ(extended[0].lease.lease_time, 120s);
    EXPECT_EQ(r.engine.state(), ClientState::Bound);
    // The renewal REQUEST was unicast from our address, as captured.
    EXPECT_EQ(r.sent.back().ciaddr, extended[0].lease.address);
    EXPECT_EQ(c.sent.back().ciaddr, extended[0].lease.address);
}

TEST(DhcpReplay, DnsmasqNakOfAnUnknownAddressThenDiscover) {
    Capture c = load("init-reboot-nak");
    Replay r(c);
    ASSERT_GE(c.received.size(), 3u);
    EXPECT_EQ(c.received[0].type(), MessageType::Nak);
    EXPECT_EQ(r.engine.state(), ClientState::Bound);
    EXPECT_EQ(r.sent[0].ipv4_option(option::kRequestedAddress), v4("10.99.0.5"));
    EXPECT_EQ(r.sent[1].type(), MessageType::Discover);
    EXPECT_NE(r.engine.lease()->address, v4("10.99.0.5"));
    // dnsmasq says why in option 56.
    EXPECT_TRUE(c.received[0].options.contains(option::kMessage));
}

}  // namespace
}  // namespace earlynet::dhcp
