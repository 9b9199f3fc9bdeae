// The DHCPv6 client (engine + adapter + socket) against a real dnsmasq
// across a veth: client in the test's namespace, server in a peer namespace,
// both removed by the fixture. Link-local addresses are set without DAD
// (addrgenmode none + nodad), so the exchange starts at once.
//
// With EARLYNET_CAPTURE_DIR set, the tests that name a capture also write
// the exchange, bytes as sent and as received, to CAPTURE_DIR/NAME.hex for
// the replay suite (test/replay/dhcp6_replay_test.cc; test/replay/capture.sh).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>

#include "base/hex.h"
#include "dhcp/dhcp6_adapter.h"
#include "netlink/link.h"
#include "test/netns/dnsmasq_server.h"
#include "test/netns/netns_fixture.h"

namespace earlynet::test {
namespace {

using namespace std::chrono_literals;
using namespace earlynet::dhcp;

class Dhcp6ClientTest : public NetnsTest {
protected:
    void SetUp() override {
        NetnsTest::SetUp();
        if (HasFatalFailure()) return;
        eth0_ = add_veth("eth0", "srv0").first;
        ip("link set srv0 netns " + peer_namespace().name());
        ip_in(peer_namespace(), "link set srv0 addrgenmode none");
        ip_in(peer_namespace(), "addr add fe80::1/64 dev srv0 nodad");
        ip_in(peer_namespace(), "addr add 2001:db8:77::1/64 dev srv0 nodad");
        ip_in(peer_namespace(), "link set srv0 up");
        ip("link set eth0 addrgenmode none");
        ip("addr add fe80::2/64 dev eth0 nodad");
        ip("link set eth0 up");
    }

    std::unique_ptr<DnsmasqServer> serve(std::string range, std::vector<std::string> arguments) {
        return DnsmasqServer::start(
            peer_namespace(),
            {.interface = "srv0", .range = std::move(range), .lease_time = "1h", .arguments = std::move(arguments)});
    }

    // A client with a DUID-LL of eth0's MAC; `other_duid` flips its last
    // byte: a second machine as the server sees it.
    std::unique_ptr<Dhcp6Adapter> client(bool rapid_commit = true, bool other_duid = false) {
        auto l = netlink::link::get(sock(), eth0_);
        EXPECT_TRUE(l && l->mac);
        Dhcp6Config config;
        config.duid = {0, 3, 0, 1};  // DUID-LL, Ethernet
        for (auto b : l->mac->bytes()) config.duid.push_back(b);
        if (other_duid) config.duid.back() ^= 0xff;
        config.iaid = static_cast<std::uint32_t>(eth0_.value);
        config.timeout = 20s;
        config.rapid_commit = rapid_commit;
        config_ = config;
        auto adapter = Dhcp6Adapter::create(loop_.get(), eth0_, config, kSeed, [this] { wake(); });
        EXPECT_TRUE(adapter) << (adapter ? "" : adapter.error().message);
        return adapter ? std::move(*adapter) : nullptr;
    }

    // With EARLYNET_CAPTURE_DIR set: writes adapter_'s exchange from now on to
    // CAPTURE_DIR/name.hex, after a provenance header with what the replay
    // needs to configure its engine as this client was ("# client: ...").
    void capture(const std::string& name, const DnsmasqServer& server, const std::string& special) {
        const char* dir = std::getenv("EARLYNET_CAPTURE_DIR");
        if (dir == nullptr || !adapter_) return;
        capture_.open(std::string(dir) + "/" + name + ".hex");
        ASSERT_TRUE(capture_) << dir << "/" << name << ".hex";
        char date[32];
        std::time_t t = std::time(nullptr);
        std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&t));
        std::string version = run_command({"dnsmasq", "--version"}).out;
        capture_ << "# captured by test/netns/dhcp6_client_test (" << name << ") against "
                 << version.substr(0, version.find("  ")) << " on " << date << "\n"
                 << "# server: " << server.command_line() << "\n"
                 << "# client: duid=" << to_hex(config_.duid) << " iaid=" << config_.iaid
                 << " rapid_commit=" << (config_.rapid_commit ? 1 : 0) << " seed=" << kSeed << "\n"
                 << "# special: " << special << "\n";
        adapter_->set_packet_observer([this](Dhcp6Adapter::Direction d, std::span<const std::uint8_t> bytes) {
            capture_ << (d == Dhcp6Adapter::Direction::Sent ? "> " : "< ") << to_hex(bytes) << "\n";
            capture_.flush();
        });
    }

    void wake() {
        while (auto a = adapter_->next_action()) {
            if (auto* b = std::get_if<Dhcp6Bound>(&*a))
                bound_.push_back(b->lease);
            else if (auto* e = std::get_if<Dhcp6Extended>(&*a))
                extended_.push_back(e->lease);
            else if (auto* i = std::get_if<Dhcp6InformationReceived>(&*a))
                informed_.push_back(i->options);
            else if (auto* f = std::get_if<Dhcp6Failed>(&*a))
                failures_.push_back(f->error.message);
            else if (auto* g = std::get_if<Dhcp6Ignored>(&*a))
                ignored_.push_back(g->reason);
        }
    }

    std::string text_of(const std::vector<Dhcp6Option>& options, std::uint16_t code) {
        for (const auto& o : options)
            if (o.code == code)
                if (auto v = decode_dhcp6_option(*find_dhcp6_option(code), o.data))
                    return dhcp6_option_value_to_text(*v);
        return "<absent>";
    }
    std::string notes() {
        std::string out;
        for (const auto& s : ignored_) out += "ignored: " + s + "\n";
        for (const auto& s : failures_) out += "failed: " + s + "\n";
        return out;
    }

    static constexpr std::uint64_t kSeed = 1;
    EventLoop loop_;
    IfIndex eth0_;
    Dhcp6Config config_;
    std::ofstream capture_;
    std::unique_ptr<Dhcp6Adapter> adapter_;
    std::vector<Dhcp6Lease> bound_, extended_;
    std::vector<std::vector<Dhcp6Option>> informed_;
    std::vector<std::string> failures_, ignored_;
};

TEST_F(Dhcp6ClientTest, AnAddressAndTheBootOptionsFromDnsmasq) {
    auto server =
        serve("2001:db8:77::100,2001:db8:77::1ff,64",
              {"--dhcp-option=option6:dns-server,[2001:db8:77::53]", "--dhcp-option=option6:domain-search,lab.example",
               "--dhcp-option=option6:bootfile-url,http://[2001:db8:77::1]/boot.ipxe"});
    ASSERT_TRUE(server);
    adapter_ = client(false);
    ASSERT_TRUE(adapter_);
    capture("dhcp6-full-lease", *server,
            "SOLICIT without rapid commit, ADVERTISE (preference 255: REQUEST at once), REQUEST, REPLY; "
            "DNS server (23), domain search list (24), boot file URL (59)");
    adapter_->start();
    wake();
    ASSERT_TRUE(loop_.run_until([&] { return !bound_.empty() || !failures_.empty(); }, 15s))
        << notes() << server->log();
    ASSERT_EQ(bound_.size(), 1u) << notes() << server->log();
    const Dhcp6Lease& lease = bound_[0];
    ASSERT_EQ(lease.ia.addresses.size(), 1u);
    std::string address = lease.ia.addresses[0].address.to_string();
    EXPECT_EQ(address.rfind("2001:db8:77::1", 0), 0u) << address;
    EXPECT_EQ(lease.ia.iaid, static_cast<std::uint32_t>(eth0_.value));
    EXPECT_GT(lease.valid(), 0s);
    EXPECT_GT(lease.t1, 0s);
    EXPECT_LT(lease.t1, lease.t2);
    EXPECT_EQ(text_of(lease.options, dhcp6_option::kDnsServers), "2001:db8:77::53");
    EXPECT_EQ(text_of(lease.options, dhcp6_option::kDomainList), "lab.example");
    EXPECT_EQ(text_of(lease.options, dhcp6_option::kBootfileUrl), "http://[2001:db8:77::1]/boot.ipxe");
    EXPECT_EQ(adapter_->engine().state(), Dhcp6State::Bound);
    // dnsmasq answered this client, by the address it leased.
    EXPECT_NE(server->log().find("DHCPREPLY(srv0) " + address), std::string::npos) << server->log();
    EXPECT_EQ(server->count_in_log("DHCPSOLICIT(srv0)"), 1) << server->log();
    // Without rapid commit: SOLICIT, ADVERTISE, REQUEST, REPLY (dnsmasq's
    // preference 255 ends the collection of ADVERTISEs at once).
    EXPECT_EQ(server->count_in_log("DHCPADVERTISE(srv0)"), 1) << server->log();
    EXPECT_EQ(server->count_in_log("DHCPREQUEST(srv0)"), 1) << server->log();
}

// Asked for rapid commit, dnsmasq commits on SOLICIT and answers with a
// REPLY at once: no ADVERTISE, no wait for more of them, no REQUEST.
TEST_F(Dhcp6ClientTest, RapidCommitBindsWithoutARequest) {
    auto server = serve("2001:db8:77::100,2001:db8:77::1ff,64", {});
    ASSERT_TRUE(server);
    adapter_ = client();
    ASSERT_TRUE(adapter_);
    capture("dhcp6-rapid-commit", *server, "SOLICIT with rapid commit (14) answered by a REPLY at once");
    auto started = std::chrono::steady_clock::now();
    adapter_->start();
    wake();
    ASSERT_TRUE(loop_.run_until([&] { return !bound_.empty() || !failures_.empty(); }, 15s))
        << notes() << server->log();
    auto took = std::chrono::steady_clock::now() - started;
    ASSERT_EQ(bound_.size(), 1u) << notes() << server->log();
    EXPECT_EQ(server->count_in_log("DHCPREQUEST(srv0)"), 0) << server->log();
    EXPECT_EQ(server->count_in_log("DHCPADVERTISE(srv0)"), 0) << server->log();
    EXPECT_LT(took, 900ms) << "bound before the first retransmission time (about 1 s)";
}

TEST_F(Dhcp6ClientTest, StatelessConfigurationFromDnsmasq) {
    auto server = serve("2001:db8:77::,ra-stateless", {"--dhcp-option=option6:dns-server,[2001:db8:77::53]",
                                                       "--dhcp-option=option6:domain-search,lab.example",
                                                       "--dhcp-option=option6:information-refresh-time,7200"});
    ASSERT_TRUE(server);
    adapter_ = client();
    ASSERT_TRUE(adapter_);
    capture("dhcp6-information", *server,
            "stateless INFORMATION-REQUEST and its REPLY: DNS server, search list, information refresh time (32)");
    adapter_->start_information_request();
    wake();
    ASSERT_TRUE(loop_.run_until([&] { return !informed_.empty(); }, 15s)) << notes() << server->log();
    EXPECT_EQ(text_of(informed_[0], dhcp6_option::kDnsServers), "2001:db8:77::53");
    EXPECT_EQ(text_of(informed_[0], dhcp6_option::kDomainList), "lab.example");
    EXPECT_EQ(text_of(informed_[0], dhcp6_option::kInformationRefreshTime), "7200");
    EXPECT_EQ(adapter_->engine().state(), Dhcp6State::Informed);
    EXPECT_FALSE(adapter_->engine().lease());
    EXPECT_NE(server->log().find("DHCPINFORMATION-REQUEST(srv0)"), std::string::npos) << server->log();
}

// At T1 the client RENEWs with the server that granted the lease and keeps
// its address. dnsmasq's shortest lease is 2 minutes and it has no option
// for DHCPv6 T1, so T1 is brought here: the lease handed to start_bound is
// the granted one, acquired T1 earlier (as after a handover to the real root).
TEST_F(Dhcp6ClientTest, RenewsWithTheServerThatGrantedTheLease) {
    auto server = serve("2001:db8:77::100,2001:db8:77::1ff,64", {"--dhcp-option=option6:dns-server,[2001:db8:77::53]"});
    ASSERT_TRUE(server);
    adapter_ = client();
    ASSERT_TRUE(adapter_);
    capture("dhcp6-renewal", *server,
            "rapid-commit binding with a DNS server, then RENEW at T1 (reached by start_bound with the lease aged "
            "by T1) and its REPLY (dnsmasq fuzzes T1/T2 on renewal)");
    adapter_->start();
    wake();
    ASSERT_TRUE(loop_.run_until([&] { return !bound_.empty() || !failures_.empty(); }, 15s))
        << notes() << server->log();
    ASSERT_EQ(bound_.size(), 1u) << notes() << server->log();
    Dhcp6Lease aged = bound_[0];
    aged.acquired_at = BootTime{aged.acquired_at.since_boot - aged.t1};
    adapter_->start_bound(aged);
    wake();
    ASSERT_TRUE(loop_.run_until([&] { return !extended_.empty() || !failures_.empty(); }, 15s))
        << notes() << server->log();
    ASSERT_EQ(extended_.size(), 1u) << notes() << server->log();
    ASSERT_EQ(extended_[0].ia.addresses.size(), 1u);
    EXPECT_EQ(extended_[0].ia.addresses[0].address, bound_[0].ia.addresses[0].address);
    EXPECT_EQ(extended_[0].server_duid, bound_[0].server_duid);
    // The renewed lease's options are the RENEW REPLY's: dnsmasq repeats them.
    EXPECT_EQ(text_of(extended_[0].options, dhcp6_option::kDnsServers), "2001:db8:77::53");
    EXPECT_EQ(adapter_->engine().state(), Dhcp6State::Bound);
    EXPECT_EQ(server->count_in_log("DHCPRENEW(srv0)"), 1) << server->log();
    EXPECT_EQ(server->count_in_log("DHCPSOLICIT(srv0)"), 1) << server->log();
}

// A pool of one address, taken by one machine: a second machine's
// rapid-commit SOLICIT gets a REPLY with NoAddrsAvail, which the client
// ignores (RFC 8415 18.2.9, 18.2.10), soliciting on; it binds nothing.
TEST_F(Dhcp6ClientTest, AFullPoolAnswersNoAddrsAvail) {
    auto server = serve("2001:db8:77::100,2001:db8:77::100,64", {});
    ASSERT_TRUE(server);
    adapter_ = client();
    ASSERT_TRUE(adapter_);
    adapter_->start();
    wake();
    ASSERT_TRUE(loop_.run_until([&] { return !bound_.empty() || !failures_.empty(); }, 15s))
        << notes() << server->log();
    ASSERT_EQ(bound_.size(), 1u) << notes() << server->log();
    adapter_.reset();  // the first machine keeps its lease at the server
    ignored_.clear();

    adapter_ = client(true, /*other_duid=*/true);
    ASSERT_TRUE(adapter_);
    capture("dhcp6-no-addrs-avail", *server,
            "a second DUID's rapid-commit SOLICIT while the one-address pool is leased: status NoAddrsAvail (2)");
    adapter_->start();
    wake();
    ASSERT_TRUE(loop_.run_until([&] { return !ignored_.empty() || !failures_.empty(); }, 15s))
        << notes() << server->log();
    EXPECT_EQ(bound_.size(), 1u) << notes();
    ASSERT_FALSE(ignored_.empty()) << notes() << server->log();
    EXPECT_NE(ignored_[0].find("status 2"), std::string::npos) << notes();
    EXPECT_EQ(adapter_->engine().state(), Dhcp6State::Soliciting);
}

TEST_F(Dhcp6ClientTest, WithoutAServerTheSolicitsFollowTheRfcAndNoAddressAppears) {
    adapter_ = client();
    ASSERT_TRUE(adapter_);
    int sent = 0;
    adapter_->set_packet_observer([&](Dhcp6Adapter::Direction d, std::span<const std::uint8_t>) {
        if (d == Dhcp6Adapter::Direction::Sent) ++sent;
    });
    adapter_->start();
    wake();
    loop_.run_until([] { return false; }, 3500ms);
    // About 1.05 s, then ~2.1 s later: two or three SOLICITs in 3.5 s, not a flood.
    EXPECT_GE(sent, 2);
    EXPECT_LE(sent, 3);
    EXPECT_TRUE(bound_.empty());
    for (const auto& s : ignored_) EXPECT_EQ(s.find("failed"), std::string::npos) << s;
}

}  // namespace
}  // namespace earlynet::test
