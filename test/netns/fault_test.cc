// The fault suite: the paths where a network root dies, against
// the real kernel and a real dnsmasq. Each scenario asserts what the kernel
// has (addresses), what the server saw (its log), what earlynet left (state,
// dracut files) and what it said (its log), and that nothing was lost.
//
// The daemon stays running (no --configure-and-quit) with its log in a file;
// dnsmasq's T1/T2 options (58/59) shorten the renewal schedule of its
// 2-minute minimum lease. The expiry scenario runs out a whole lease; meson
// runs it as a test of its own (fault_expiry) beside the others.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <optional>
#include <regex>
#include <thread>

#include "test/netns/run_fixture.h"

namespace earlynet::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class FaultTest : public RunTest {
protected:
    void TearDown() override {
        if (daemon_) {
            ::kill(daemon_->pid(), SIGTERM);
            daemon_->wait();
        }
        RunTest::TearDown();
    }

    // The daemon in the background, its log in dir_/daemon.log.
    void start_daemon(const std::vector<std::string>& extra = {}) {
        std::vector<std::string> argv{"sh", "-c", "exec \"$0\" \"$@\" 2>>'" + (dir_ / "daemon.log").string() + "'"};
        for (auto& a : run_argv(false)) argv.push_back(a);
        for (auto& a : extra) argv.push_back(a);
        daemon_ = std::make_unique<BackgroundProcess>(argv);
    }
    std::string daemon_log() const { return slurp(dir_ / "daemon.log"); }

    // The IPv4 address on c0 now ("" when none).
    std::string address() {
        static const std::regex inet(R"(inet (10\.77\.0\.\d+)/)");
        std::smatch m;
        std::string out = ip("-4 -o addr show dev c0");
        return std::regex_search(out, m, inet) ? m[1].str() : std::string();
    }

    template <typename F>
    bool wait_for(F done, std::chrono::milliseconds timeout) {
        auto until = Clock::now() + timeout;
        while (Clock::now() < until) {
            if (done()) return true;
            std::this_thread::sleep_for(100ms);
        }
        return done();
    }

    // c0 <-> s0 into a switch (bridge sbr, 10.77.0.1/24) in the server's namespace.
    void switch_with_client() {
        cable("c0", "s0", "");
        ip_in(peer_namespace(), "link add sbr type bridge");
        ip_in(peer_namespace(), "link set s0 master sbr");
        ip_in(peer_namespace(), "addr add 10.77.0.1/24 dev sbr");
        ip_in(peer_namespace(), "link set sbr up");
    }

    // A third host on the switch, in a namespace of its own.
    void plug_intruder() {
        intruder_ = ScopedNetns::create();
        ASSERT_TRUE(intruder_);
        add_veth("i0", "s1");
        ip("link set i0 netns " + intruder_->name());
        ip("link set s1 netns " + peer_namespace().name());
        ip_in(peer_namespace(), "link set s1 master sbr");
        ip_in(peer_namespace(), "link set s1 up");
        ip_in(*intruder_, "link set i0 address 52:54:00:66:66:66");
        ip_in(*intruder_, "link set i0 up");
    }

    // The intruder claims `addr` with `count` gratuitous ARP replies, `gap_ms` apart.
    void claim(const std::string& addr, int count, int gap_ms) {
        std::string script =
            "import socket,struct,time,sys\n"
            "s=socket.socket(socket.AF_PACKET,socket.SOCK_RAW)\n"
            "s.bind(('i0',0))\n"
            "mac=bytes.fromhex('525400666666')\n"
            "ip=socket.inet_aton(sys.argv[1])\n"
            "arp=struct.pack('!HHBBH',1,0x0800,6,4,2)+mac+ip+b'\\xff'*6+ip\n"
            "frame=b'\\xff'*6+mac+b'\\x08\\x06'+arp\n"
            "for i in range(int(sys.argv[2])):\n"
            "    s.send(frame)\n"
            "    time.sleep(int(sys.argv[3])/1000)\n";
        auto r = run_command({"ip", "netns", "exec", intruder_->name(), "python3", "-c", script, addr,
                              std::to_string(count), std::to_string(gap_ms)});
        ASSERT_EQ(r.status, 0) << r.err;
    }

    // The intruder listens on the switch and writes "TYPE SECONDS" to
    // dir_/broadcasts for every DHCP message a client broadcasts, stamped by
    // the kernel on arrival, so gaps between messages do not depend on how
    // busy this machine is. Returns once it listens.
    std::unique_ptr<BackgroundProcess> sniff_client_broadcasts() {
        std::string script =
            "import socket,struct,sys\n"
            "s=socket.socket(socket.AF_PACKET,socket.SOCK_RAW,socket.htons(0x0800))\n"
            "s.setsockopt(socket.SOL_SOCKET,35,1)\n"  // SO_TIMESTAMPNS
            "s.bind(('i0',0))\n"
            "out=open(sys.argv[1],'w')\n"
            "print('ready',file=out,flush=True)\n"
            "while True:\n"
            "    f,anc,_,_=s.recvmsg(2048,64)\n"
            "    ihl=(f[14]&15)*4\n"
            "    u=14+ihl\n"
            "    if f[23]!=17 or struct.unpack('!H',f[u+2:u+4])[0]!=67: continue\n"
            "    sec,nsec=struct.unpack('qq',anc[0][2][:16])\n"
            "    o=u+8+240\n"
            "    while o+1<len(f) and f[o]!=255:\n"
            "        if f[o]==0: o+=1; continue\n"
            "        if f[o]==53: print(f[o+2],'%d.%09d'%(sec,nsec),file=out,flush=True); break\n"
            "        o+=2+f[o+1]\n";
        auto sniffer = std::make_unique<BackgroundProcess>(std::vector<std::string>{
            "ip", "netns", "exec", intruder_->name(), "python3", "-c", script, (dir_ / "broadcasts").string()});
        EXPECT_TRUE(wait_for([&] { return contains(slurp(dir_ / "broadcasts"), "ready"); }, 10s));
        return sniffer;
    }

    std::unique_ptr<DnsmasqServer> serve_on(const std::string& interface, const std::string& range,
                                            std::vector<std::string> extra) {
        DnsmasqConfig c;
        c.interface = interface;
        c.range = range;
        c.lease_time = "2m";
        c.arguments = std::move(extra);
        return DnsmasqServer::start(peer_namespace(), c);
    }

    // ip=c0:dhcp (and `more` on the command line), the daemon started, and
    // startup complete; returns c0's address.
    std::string come_up(const std::string& more = "", const std::string& network_root = "no") {
        generate("ip=c0:dhcp" + (more.empty() ? "" : " " + more));
        start_daemon({"--network-root", network_root});
        EXPECT_TRUE(wait_for([&] { return fs::exists(dir_ / "tmp" / "earlynet.done"); }, 15s)) << daemon_log();
        std::string a = address();
        EXPECT_FALSE(a.empty()) << daemon_log();
        return a;
    }

    // The intruder claims `addr` twice: the address is removed at once and
    // DECLINEd (RFC 5227 2.4(b)), and the log says who took it.
    void expect_given_up(const std::string& addr, DnsmasqServer& server) {
        claim(addr, 2, 500);
        ASSERT_TRUE(wait_for([&] { return server.count_in_log("DHCPDECLINE(sbr) " + addr) > 0; }, 10s))
            << daemon_log() << server.log();
        EXPECT_TRUE(contains(daemon_log(), "c0: conflict: " + addr + " taken over by 52:54:00:66:66:66, giving it up"))
            << daemon_log();
        EXPECT_NE(address(), addr) << "the conflicting address must be removed at once";
    }

    // What the state and dracut's dhcpopts say. The daemon writes the state
    // first and dracut's files just after: a moment is allowed between them.
    void expect_files_name(const std::string& addr) {
        EXPECT_TRUE(contains(status_json(), "\"" + addr + "/24\"")) << status_json();
        auto dhcpopts_names = [&] {
            auto r = run_command({"/bin/sh", "-c", ". \"$1\" && printf '%s' \"$new_ip_address\"", "sh",
                                  (dir_ / "tmp" / "dhclient.c0.dhcpopts").string()});
            return r.status == 0 && r.out == addr;
        };
        EXPECT_TRUE(wait_for(dhcpopts_names, 5s)) << slurp(dir_ / "tmp" / "dhclient.c0.dhcpopts");
    }

    std::unique_ptr<BackgroundProcess> daemon_;
    std::unique_ptr<ScopedNetns> intruder_;
};

// RFC 5227 2.4(b) and RFC 2131 3.1.5: without a network root, a second
// conflict within DEFEND_INTERVAL gives the address up: it is removed,
// DECLINEd, and another one acquired, and every file follows.
TEST_F(FaultTest, ConflictAfterBindWithoutNetworkRootGivesTheAddressUpAndAcquiresAnother) {
    switch_with_client();
    auto server = serve_on("sbr", "10.77.0.10,10.77.0.250,255.255.255.0", {});
    ASSERT_TRUE(server);
    plug_intruder();
    auto sniffer = sniff_client_broadcasts();
    std::string first = come_up();
    ASSERT_FALSE(first.empty());
    expect_files_name(first);

    expect_given_up(first, *server);
    if (HasFatalFailure()) return;
    ASSERT_TRUE(wait_for([&] { return !address().empty(); }, 25s)) << daemon_log() << server->log();
    std::string second = address();
    EXPECT_NE(second, first);
    // RFC 2131 3.1.5: at least ten seconds between the DECLINE and the next
    // DISCOVER, as the switch saw them.
    std::string seen = slurp(dir_ / "broadcasts");
    static const std::regex message(R"((\d+) (\d+\.\d+))");
    std::optional<double> declined_at, discover_after;
    for (std::sregex_iterator it(seen.begin(), seen.end(), message), end; it != end; ++it) {
        int type = std::stoi((*it)[1]);
        double at = std::stod((*it)[2]);
        if (type == 4 && !declined_at) declined_at = at;
        if (type == 1 && declined_at && !discover_after) discover_after = at;
    }
    ASSERT_TRUE(declined_at && discover_after) << "the switch saw:\n" << seen;
    EXPECT_GE(*discover_after - *declined_at, 9.99) << "RFC 2131 3.1.5: ten seconds between DECLINE and a new DISCOVER";
    EXPECT_GE(server->count_in_log("DHCPDISCOVER(sbr)"), 2) << server->log();
    ASSERT_TRUE(wait_for([&] { return contains(status_json(), "\"" + second + "/24\""); }, 5s));
    expect_files_name(second);
}

// An address adopted by `run --import` is not probed again but is
// watched: a conflict in the real root is handled as in the initrd.
TEST_F(FaultTest, ConflictAfterImportWithoutNetworkRootGivesTheAddressUp) {
    switch_with_client();
    auto server = serve_on("sbr", "10.77.0.10,10.77.0.250,255.255.255.0", {});
    ASSERT_TRUE(server);
    plug_intruder();
    std::string first = come_up();
    ASSERT_FALSE(first.empty());
    ASSERT_EQ(::kill(daemon_->pid(), SIGTERM), 0);
    daemon_->wait();
    ASSERT_EQ(address(), first);
    start_daemon({"--network-root", "no", "--import"});
    ASSERT_TRUE(wait_for([&] { return contains(daemon_log(), "continuing lease " + first); }, 10s)) << daemon_log();
    std::this_thread::sleep_for(300ms);
    expect_given_up(first, *server);
}

// RFC 5227 2.4(c): the root file system depends on the address: it is
// defended for as long as the other host insists, never given up.
TEST_F(FaultTest, ConflictAfterBindWithNetworkRootIsDefendedAndTheAddressKept) {
    switch_with_client();
    auto server = serve_on("sbr", "10.77.0.10,10.77.0.250,255.255.255.0", {});
    ASSERT_TRUE(server);
    plug_intruder();
    std::string first = come_up("root=nfs:10.77.0.1:/srv/root", "c0");  // the root is reached through c0
    ASSERT_FALSE(first.empty());
    claim(first, 4, 500);
    ASSERT_TRUE(wait_for([&] { return contains(daemon_log(), "defending it: the network root depends on it"); }, 5s))
        << daemon_log();
    std::this_thread::sleep_for(1s);  // room for a wrong give-up to show
    EXPECT_EQ(address(), first);
    EXPECT_EQ(server->count_in_log("DHCPDECLINE"), 0) << server->log();
    EXPECT_FALSE(contains(daemon_log(), "giving it up")) << daemon_log();
    expect_files_name(first);
}

// With several devices the root is reached through one (bootdev=, or
// --network-root=IFACE): a device that does not carry it gives its address
// up on a conflict as if there were no network root.
TEST_F(FaultTest, ConflictAfterBindOnADeviceThatDoesNotCarryTheRootGivesTheAddressUp) {
    switch_with_client();
    auto server = serve_on("sbr", "10.77.0.10,10.77.0.250,255.255.255.0", {});
    ASSERT_TRUE(server);
    plug_intruder();
    std::string first = come_up("root=nfs:10.77.0.1:/srv/root", "eth7");
    ASSERT_FALSE(first.empty());
    expect_given_up(first, *server);
    EXPECT_FALSE(contains(daemon_log(), "the network root depends on it")) << daemon_log();
}

// A NAK to the RENEW at T1 (the server no longer knows the address): the
// address goes at once, a new one is acquired, and the files follow.
TEST_F(FaultTest, NakInRenewingRemovesTheAddressAndAcquiresANewOne) {
    cable("c0", "s0", "10.77.0.1/24");
    auto server =
        serve_on("s0", "10.77.0.10,10.77.0.50,255.255.255.0", {"--dhcp-option=58,15", "--dhcp-option=59,100"});
    ASSERT_TRUE(server);
    std::string first = come_up();
    ASSERT_FALSE(first.empty());
    server.reset();  // before T1: a new server that does not know it answers the RENEW
    auto other = serve_on("s0", "10.77.0.100,10.77.0.120,255.255.255.0", {"--dhcp-authoritative"});
    ASSERT_TRUE(other);
    ASSERT_TRUE(wait_for([&] { return other->count_in_log("DHCPNAK(s0) " + first) > 0; }, 25s)) << other->log();
    ASSERT_TRUE(wait_for([&] { return address().rfind("10.77.0.1", 0) == 0 && address().size() == 11; }, 15s))
        << daemon_log() << other->log();
    std::string second = address();
    EXPECT_TRUE(contains(daemon_log(), "c0: lease " + first + " lost (NAK), removing it")) << daemon_log();
    EXPECT_FALSE(contains(ip("-4 -o addr show dev c0"), first + "/")) << "both addresses on the link";
    ASSERT_TRUE(wait_for([&] { return contains(status_json(), "\"" + second + "/24\""); }, 5s));
    expect_files_name(second);
}

// The granting server is gone at T1; at T2 a server that does not know the
// lease NAKs the broadcast REBIND.
TEST_F(FaultTest, NakInRebindingRemovesTheAddressAndAcquiresANewOne) {
    cable("c0", "s0", "10.77.0.1/24");
    auto server = serve_on("s0", "10.77.0.10,10.77.0.50,255.255.255.0", {"--dhcp-option=58,3", "--dhcp-option=59,9"});
    ASSERT_TRUE(server);
    std::string first = come_up();
    ASSERT_FALSE(first.empty());
    auto bound_at = Clock::now();
    server.reset();
    std::this_thread::sleep_until(bound_at + 5s);  // the RENEW at T1 (3 s) went unanswered
    auto other = serve_on("s0", "10.77.0.100,10.77.0.120,255.255.255.0", {"--dhcp-authoritative"});
    ASSERT_TRUE(other);
    ASSERT_TRUE(wait_for([&] { return other->count_in_log("DHCPNAK(s0) " + first) > 0; }, 10s))
        << daemon_log() << other->log();
    ASSERT_TRUE(wait_for([&] { return !address().empty() && address() != first; }, 15s)) << daemon_log();
    EXPECT_TRUE(contains(daemon_log(), "c0: lease " + first + " lost (NAK), removing it")) << daemon_log();
}

// The server disappears for good: RENEW at T1, REBIND at T2, nobody answers.
// The address stays exactly until the lease ends, is removed then, and a
// new lease is acquired when a server comes back.
TEST_F(FaultTest, ServerGoneThroughT1AndT2KeepsTheAddressUntilExpiryThenReacquires) {
    cable("c0", "s0", "10.77.0.1/24");
    auto server = serve_on("s0", "10.77.0.10,10.77.0.50,255.255.255.0", {"--dhcp-option=58,20", "--dhcp-option=59,40"});
    ASSERT_TRUE(server);
    std::string first = come_up();
    ASSERT_FALSE(first.empty());
    auto bound_at = Clock::now();
    server.reset();
    ASSERT_TRUE(wait_for([&] { return address().empty(); }, 140s)) << daemon_log();
    auto gone_after = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - bound_at);
    EXPECT_GE(gone_after, 116s) << "removed before the lease ended";
    EXPECT_LE(gone_after, 126s) << "kept past the end of the lease";
    EXPECT_TRUE(contains(daemon_log(), "c0: lease " + first + " lost (expired)")) << daemon_log();
    auto back = serve_on("s0", "10.77.0.10,10.77.0.50,255.255.255.0", {});
    ASSERT_TRUE(back);
    ASSERT_TRUE(wait_for([&] { return !address().empty(); }, 30s)) << daemon_log() << back->log();
    ASSERT_TRUE(wait_for([&] { return contains(status_json(), "\"" + address() + "/24\""); }, 5s));
    expect_files_name(address());
}

// Carrier lost and back while BOUND: the address stays, and the lease is
// confirmed with the server at once (a REQUEST, not a new DISCOVER).
TEST_F(FaultTest, CarrierLostAndBackWhileBoundKeepsTheAddressAndConfirmsTheLease) {
    cable("c0", "s0", "10.77.0.1/24");
    auto server = serve_on("s0", "10.77.0.10,10.77.0.50,255.255.255.0", {});
    ASSERT_TRUE(server);
    std::string first = come_up();
    ASSERT_FALSE(first.empty());
    BackgroundProcess watch({"ip", "-4", "-o", "monitor", "address"});
    std::this_thread::sleep_for(300ms);  // ip monitor has no "listening" signal to wait for
    ip_in(peer_namespace(), "link set s0 down");
    ASSERT_TRUE(wait_for([&] { return contains(daemon_log(), "c0: carrier lost"); }, 5s)) << daemon_log();
    ip_in(peer_namespace(), "link set s0 up");
    ASSERT_TRUE(wait_for([&] { return server->count_in_log("DHCPACK(s0)") >= 2; }, 10s))
        << daemon_log() << server->log();
    EXPECT_EQ(server->count_in_log_after("DHCPACK(s0)", "DHCPDISCOVER(s0)"), 0) << server->log();
    EXPECT_TRUE(contains(daemon_log(), "confirming lease " + first)) << daemon_log();
    EXPECT_EQ(address(), first);
    ::kill(watch.pid(), SIGTERM);
    EXPECT_FALSE(contains(watch.wait().out, "Deleted")) << "the address was removed";
}

// Carrier lost during acquisition: when it is back, DISCOVER goes at once
// instead of after the backoff that grew while nobody answered.
TEST_F(FaultTest, CarrierBackDuringAcquisitionDiscoversAtOnce) {
    cable("c0", "s0", "10.77.0.1/24");
    generate("ip=c0:dhcp");
    start_daemon({"--network-root", "no"});
    // DISCOVERs at 0, ~4, ~12 s; the next would be at ~28 s.
    std::this_thread::sleep_for(13s);
    ip_in(peer_namespace(), "link set s0 down");
    ASSERT_TRUE(wait_for([&] { return contains(daemon_log(), "c0: carrier lost"); }, 5s)) << daemon_log();
    auto server = serve_on("s0", "10.77.0.10,10.77.0.50,255.255.255.0", {});
    ASSERT_TRUE(server);
    ip_in(peer_namespace(), "link set s0 up");
    auto up_at = Clock::now();
    ASSERT_TRUE(wait_for([&] { return !address().empty(); }, 20s)) << daemon_log() << server->log();
    EXPECT_LT(Clock::now() - up_at, 4s) << "waited for the grown backoff: " << daemon_log();
}

}  // namespace
}  // namespace earlynet::test
