// `earlynet run` end to end in network namespaces: the real binary, profiles
// from `earlynet generate` (or nm-initrd-generator), a real dnsmasq (and
// radvd) in a peer namespace, and everything it leaves behind checked: the
// kernel's addresses and routes, the state files, dracut's files sourced by
// /bin/sh, NetworkManager's device files, the online hooks, the exit status.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include "test/netns/run_fixture.h"

namespace earlynet::test {
namespace {

using namespace std::chrono_literals;

TEST_F(RunTest, DhcpOnOneNicLeavesAddressStateDracutAndNetworkManagerFiles) {
    cable("c0", "s0", "10.77.0.1/24");
    auto server = serve("s0", {"--dhcp-option=option:router,10.77.0.1", "--dhcp-option=option:dns-server,10.77.0.53",
                               "--dhcp-option=option:domain-name,boot.test", "--dhcp-option=17,10.77.0.1:/srv/root",
                               "--dhcp-option=option:mtu,1400"});
    ASSERT_TRUE(server);
    generate("ip=c0:dhcp rd.net.timeout.carrier=5");
    auto r = run();
    ASSERT_EQ(r.status, 0) << log_;

    auto addrs = ip("-4 -o addr show dev c0");
    EXPECT_TRUE(contains(addrs, "inet 10.77.0.")) << addrs;
    EXPECT_TRUE(contains(addrs, "valid_lft")) << addrs;
    EXPECT_FALSE(contains(addrs, "valid_lft forever")) << "a DHCP address lives as long as its lease: " << addrs;
    EXPECT_TRUE(contains(ip("-4 route show default"), "via 10.77.0.1 dev c0"));
    EXPECT_TRUE(contains(ip("link show c0"), "mtu 1400"));

    // dracut: the dhcpopts file sourced by sh gives back the server's values.
    EXPECT_EQ(sourced("dhclient.c0.dhcpopts", "new_root_path"), "10.77.0.1:/srv/root");
    EXPECT_EQ(sourced("dhclient.c0.dhcpopts", "new_dhcp_server_identifier"), "10.77.0.1");
    EXPECT_EQ(sourced("dhclient.c0.dhcpopts", "new_routers"), "10.77.0.1");
    EXPECT_TRUE(fs::exists(dir_ / "tmp" / "net.c0.did-setup"));
    EXPECT_FALSE(fs::exists(dir_ / "tmp" / "net.ifaces"));
    EXPECT_TRUE(fs::exists(dir_ / "tmp" / "earlynet.done"));
    EXPECT_EQ(slurp(dir_ / "hooks.log"), "online c0 netif=c0\n");
    EXPECT_TRUE(contains(slurp(dir_ / "resolv.conf"), "nameserver 10.77.0.53"));

    // NetworkManager's device file, by ifindex.
    auto link = ip("-o link show c0");
    auto index = link.substr(0, link.find(':'));
    auto nm = slurp(dir_ / "nm" / "devices" / index);
    EXPECT_TRUE(contains(nm, "connection-uuid=")) << nm;
    EXPECT_TRUE(contains(nm, "root-path=10.77.0.1:/srv/root")) << nm;

    // State, through `earlynet status --json`.
    auto json = status_json();
    EXPECT_TRUE(contains(json, "\"interface\":\"c0\"") || contains(json, "\"interface\": \"c0\"")) << json;
    EXPECT_TRUE(contains(json, "activated")) << json;
    EXPECT_TRUE(contains(json, "/srv/root")) << json;
}

TEST_F(RunTest, ThreeNicsOneCabledActivatesTheCabledOneAndReportsTheOthers) {
    cable("c0", "s0", "10.77.0.1/24");
    // c1 and c2 lead to ends that stay down in the server's namespace: no carrier.
    uncabled("c1", "p1");
    uncabled("c2", "p2");
    auto server = serve("s0");
    ASSERT_TRUE(server);
    generate("ip=dhcp rd.net.timeout.carrier=2");
    auto r = run();
    EXPECT_EQ(r.status, 0) << log_;
    EXPECT_TRUE(contains(ip("-4 -o addr show dev c0"), "inet 10.77.0."));
    EXPECT_TRUE(contains(log_, "c1: failed: no carrier after 2 s")) << log_;
    EXPECT_TRUE(contains(log_, "c2: failed: no carrier after 2 s")) << log_;
    auto json = status_json();
    EXPECT_TRUE(contains(json, "no carrier after 2 s")) << json;
}

// `run --configure-and-quit` as dracut starts it, its output in `log`: returns
// when the started process exits (not when a background earlynet it left
// does), with how long that took.
struct Returned {
    int status = -1;
    std::chrono::milliseconds took{0};
};
Returned run_until_it_returns(const std::vector<std::string>& run_argv, const fs::path& log) {
    std::vector<std::string> argv{"sh", "-c", "exec \"$@\" >\"$0\" 2>&1", log.string()};
    argv.insert(argv.end(), run_argv.begin(), run_argv.end());
    auto started = std::chrono::steady_clock::now();
    BackgroundProcess started_process(argv);
    int status = started_process.wait().status;
    return {status, std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started)};
}

// The background earlynet's PID file, or 0 once it is gone.
pid_t background_pid(const fs::path& tmp) {
    std::ifstream in(tmp / "earlynet.pid");
    pid_t pid = 0;
    in >> pid;
    return pid;
}

// With the root on the network the boot waits for what the root needs, not
// for NICs without a cable: the started process returns once a device is
// online (its hooks run, the done flag written), the NICs without a carrier
// keep trying in a background earlynet, and dracut's cleanup hook stops that
// one before switch_root, their state written for the real root.
TEST_F(RunTest, IdleNicsDoNotHoldTheBootWhenTheRootIsOnTheNetwork) {
    cable("c0", "s0", "10.77.0.1/24");
    uncabled("c1", "p1");
    uncabled("c2", "p2");
    auto server = serve("s0");
    ASSERT_TRUE(server);
    generate("ip=dhcp rd.neednet=1 root=dhcp rd.net.timeout.carrier=60");
    auto argv = run_argv(true);
    argv.insert(argv.end(), {"--network-root", "yes"});
    auto returned = run_until_it_returns(argv, dir_ / "run.log");
    std::string log = slurp(dir_ / "run.log");
    EXPECT_EQ(returned.status, 0) << log;
    EXPECT_LT(returned.took, 5s) << "held by the NICs without a carrier: " << log;
    EXPECT_TRUE(contains(ip("-4 -o addr show dev c0"), "inet 10.77.0."));
    EXPECT_TRUE(fs::exists(dir_ / "tmp" / "earlynet.done"));
    EXPECT_TRUE(contains(slurp(dir_ / "hooks.log"), "online c0 netif=c0"));
    pid_t background = background_pid(dir_ / "tmp");
    ASSERT_GT(background, 0) << "nothing keeps trying c1 and c2: " << log;
    EXPECT_EQ(::kill(background, 0), 0) << "the PID file names no running process";

    // c1 is cabled to a server of its own now: the background earlynet takes it up.
    ip_in(peer_namespace(), "addr add 10.78.0.1/24 dev p1");
    ip_in(peer_namespace(), "link set p1 up");
    auto server1 = serve("p1", {}, "10.78.0.10,10.78.0.250,255.255.255.0");
    ASSERT_TRUE(server1);
    bool c1_up = false;
    for (int i = 0; i < 300 && !c1_up; ++i) {
        c1_up = contains(ip("-4 -o addr show dev c1"), "inet 10.78.0.");
        if (!c1_up) std::this_thread::sleep_for(50ms);
    }
    EXPECT_TRUE(c1_up) << slurp(dir_ / "run.log");

    // dracut's cleanup hook, from the module's own library.
    const char* module = std::getenv("EARLYNET_DRACUT_MODULE");
    ASSERT_NE(module, nullptr);
    auto hook = run_command({"/bin/sh", "-c",
                             "getarg() { return 1; }; info() { :; }; warn() { echo \"$*\" >&2; }; . \"$0\" && "
                             "EARLYNET_PIDFILE=\"$1\" && earlynet_stop_background",
                             std::string(module) + "/earlynet-lib.sh", (dir_ / "tmp" / "earlynet.pid").string()});
    EXPECT_EQ(hook.status, 0) << hook.err;
    EXPECT_EQ(background_pid(dir_ / "tmp"), 0) << "the hook returned before the state was written";
    log = slurp(dir_ / "run.log");
    EXPECT_TRUE(contains(log, "stopping, addresses stay configured")) << log;
    auto json = status_json();
    EXPECT_TRUE(contains(json, "10.78.0.")) << "c1's lease is handed over: " << json;
    EXPECT_TRUE(contains(json, "\"interface\": \"c2\"")) << json;
    EXPECT_TRUE(contains(ip("-4 -o addr show dev c0"), "inet 10.77.0.")) << "addresses stay";
}

// rd.ethtool= on a driver that cannot set link settings (veth) costs a
// warning, not the device. (That they are set where the driver can is
// checked by the e2e's static boot, on virtio_net, and by link_settings_test
// on a tap.)
TEST_F(RunTest, RdEthtoolOnADriverWithoutLinkSettingsIsAWarning) {
    cable("c0", "s0", "10.77.0.1/24");
    auto server = serve("s0");
    ASSERT_TRUE(server);
    generate("ip=c0:dhcp rd.ethtool=c0:off:100 rd.net.timeout.carrier=5");
    auto r = run_command(run_argv(true));
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(contains(r.err, "c0: link settings not set: ")) << r.err;
    EXPECT_TRUE(contains(r.err, "Operation not supported")) << r.err;
    EXPECT_TRUE(contains(ip("-4 -o addr show dev c0"), "inet 10.77.0."));
}

// `run` as dracut starts it, with `kernel_cmdline` as /proc/cmdline (bound
// over it in a mount namespace of its own).
std::vector<std::string> with_kernel_cmdline(const fs::path& dir, const std::string& kernel_cmdline,
                                             const std::vector<std::string>& run_argv) {
    fs::path file = dir / "proc-cmdline";
    std::ofstream(file) << kernel_cmdline << "\n";
    std::vector<std::string> argv{
        "unshare",    "-m", "sh", "-c", "mount --make-rprivate / && mount --bind \"$0\" /proc/cmdline && exec \"$@\"",
        file.string()};
    argv.insert(argv.end(), run_argv.begin(), run_argv.end());
    return argv;
}

// The root on the network, c0 cabled to a DHCP server and c1 without a
// carrier (2 s to wait for one): how long `run --configure-and-quit` holds
// the boot, by --wait-for or rd.earlynet.wait-for=.
class WaitForTest : public RunTest {
protected:
    void SetUp() override {
        RunTest::SetUp();
        cable("c0", "s0", "10.77.0.1/24");
        uncabled("c1", "p1");
        server_ = serve("s0");
        ASSERT_TRUE(server_);
        generate("ip=dhcp rd.neednet=1 root=dhcp rd.net.timeout.carrier=2");
    }
    Returned boot(const std::vector<std::string>& argv) {
        auto returned = run_until_it_returns(argv, dir_ / "run.log");
        run_log_ = slurp(dir_ / "run.log");
        return returned;
    }
    // NetworkManager's behaviour: every device has tried before the started
    // process returns; nothing is left in the background.
    void expect_held_until_every_nic_tried(const Returned& returned) {
        EXPECT_EQ(returned.status, 0) << run_log_;
        EXPECT_GE(returned.took, 2s) << run_log_;
        EXPECT_TRUE(contains(run_log_, "c1: failed: no carrier after 2 s")) << run_log_;
        EXPECT_EQ(background_pid(dir_ / "tmp"), 0);
    }
    std::unique_ptr<DnsmasqServer> server_;
    std::string run_log_;
};

TEST_F(WaitForTest, WaitForAllHoldsTheBootUntilEveryNicHasTried) {
    auto argv = run_argv(true);
    argv.insert(argv.end(), {"--network-root", "yes", "--wait-for", "all"});
    expect_held_until_every_nic_tried(boot(argv));
}

TEST_F(WaitForTest, WaitForAllOnTheKernelCommandLineHoldsTheBootUntilEveryNicHasTried) {
    expect_held_until_every_nic_tried(
        boot(with_kernel_cmdline(dir_, "root=dhcp rd.earlynet.wait-for=all", run_argv(true))));
}

// A value it does not know is said, naming the argument and the value, and
// the boot goes on with the default (root): it must not hold a boot forever
// nor stop it for a typing error.
TEST_F(WaitForTest, UnknownWaitForOnTheKernelCommandLineIsReportedAndTheDefaultKept) {
    auto returned = boot(with_kernel_cmdline(dir_, "root=dhcp rd.earlynet.wait-for=everything", run_argv(true)));
    EXPECT_EQ(returned.status, 0) << run_log_;
    EXPECT_TRUE(contains(run_log_, "rd.earlynet.wait-for=everything: not 'root' or 'all'")) << run_log_;
    EXPECT_LT(returned.took, 2s) << "held as with 'all': " << run_log_;
    EXPECT_GT(background_pid(dir_ / "tmp"), 0) << "c1 goes on in the background, as with 'root': " << run_log_;
}

// The started process and its worker are one to whoever started them: until
// the boot may go on, stopping the started process (by its PID, as a test or
// dracut's timeout does) stops the worker too, which writes its state.
TEST_F(RunTest, StoppingTheStartedProcessStopsTheWorkerBeforeItIsOnline) {
    uncabled("c0", "p0");
    generate("ip=c0:dhcp rd.net.timeout.carrier=60");
    std::vector<std::string> argv{"sh", "-c", "exec \"$@\" >\"$0\" 2>&1", (dir_ / "run.log").string()};
    auto run = run_argv(true);
    argv.insert(argv.end(), run.begin(), run.end());
    BackgroundProcess started(argv);
    bool waiting = false;
    for (int i = 0; i < 100 && !waiting; ++i) {
        waiting = contains(slurp(dir_ / "run.log"), "c0: waiting up to");
        if (!waiting) std::this_thread::sleep_for(50ms);
    }
    ASSERT_TRUE(waiting) << slurp(dir_ / "run.log");
    ASSERT_EQ(::kill(started.pid(), SIGTERM), 0);
    started.wait();
    // The worker says so, then writes its state.
    bool stopped = false;
    for (int i = 0; i < 100 && !stopped; ++i) {
        stopped = contains(slurp(dir_ / "run.log"), "stopping, addresses stay configured") &&
                  fs::exists(dir_ / "state" / "c0.json");
        if (!stopped) std::this_thread::sleep_for(50ms);
    }
    EXPECT_TRUE(stopped) << "the worker outlived the started process: " << slurp(dir_ / "run.log");
}

TEST_F(RunTest, StaticAddressIsProbedThenConfiguredWithGatewayAndOverride) {
    cable("c0", "s0", "10.78.0.1/24");
    generate(
        "ip=10.78.0.5::10.78.0.1:255.255.255.0:node1:c0:none nameserver=10.78.0.53 rd.route=10.90.0.0/16:10.78.0.254");
    auto r = run();
    ASSERT_EQ(r.status, 0) << log_;
    EXPECT_TRUE(contains(ip("-4 -o addr show dev c0"), "inet 10.78.0.5/24"));
    EXPECT_TRUE(contains(ip("-4 route show default"), "via 10.78.0.1 dev c0"));
    EXPECT_TRUE(contains(ip("-4 route show 10.90.0.0/16"), "via 10.78.0.254 dev c0"));
    EXPECT_EQ(sourced("net.c0.override", "ip"), "10.78.0.5");
    EXPECT_EQ(sourced("net.c0.override", "gw"), "10.78.0.1");
    EXPECT_EQ(sourced("net.c0.override", "mask"), "255.255.255.0");
    EXPECT_TRUE(contains(slurp(dir_ / "resolv.conf"), "nameserver 10.78.0.53"));
    EXPECT_EQ(slurp(dir_ / "hostname"), "node1\n");
    EXPECT_TRUE(fs::exists(dir_ / "tmp" / "dhclient.c0.dhcpopts")) << "created even without a lease";
}

TEST_F(RunTest, StaticAddressInUseFailsNamingTheNeighboursMac) {
    cable("c0", "s0", "10.78.0.5/24");  // the neighbour already has .5
    auto mac = ip_in(peer_namespace(), "-o link show s0");
    auto at = mac.find("link/ether ");
    ASSERT_NE(at, std::string::npos);
    std::string neighbour = mac.substr(at + 11, 17);
    std::transform(neighbour.begin(), neighbour.end(), neighbour.begin(), ::toupper);  // we log MACs as NM does
    generate("ip=10.78.0.5::10.78.0.1:255.255.255.0::c0:none");
    auto r = run();
    EXPECT_EQ(r.status, 1) << log_;
    EXPECT_TRUE(contains(log_, "10.78.0.5 is in use by " + neighbour)) << log_;
    EXPECT_FALSE(contains(ip("-4 -o addr show dev c0"), "10.78.0.5"));
}

TEST_F(RunTest, StaticAndDhcpOnTwoNicsAtOnce) {
    cable("c0", "s0", "10.77.0.1/24");
    cable("c1", "s1", "10.78.0.1/24");
    auto server = serve("s0");
    ASSERT_TRUE(server);
    generate("ip=c0:dhcp ip=10.78.0.5::10.78.0.1:255.255.255.0::c1:none");
    auto r = run();
    ASSERT_EQ(r.status, 0) << log_;
    EXPECT_TRUE(contains(ip("-4 -o addr show dev c0"), "inet 10.77.0."));
    EXPECT_TRUE(contains(ip("-4 -o addr show dev c1"), "inet 10.78.0.5/24"));
    auto hooks = slurp(dir_ / "hooks.log");
    EXPECT_TRUE(contains(hooks, "online c0 netif=c0")) << hooks;
    EXPECT_TRUE(contains(hooks, "online c1 netif=c1")) << hooks;
}

TEST_F(RunTest, DhcpWithoutServerFailsAfterTheTimeoutWithExitStatus1) {
    cable("c0", "s0", "10.77.0.1/24");
    generate("ip=c0:dhcp rd.net.timeout.dhcp=3");
    auto started = std::chrono::steady_clock::now();
    auto r = run();
    auto took = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(r.status, 1) << log_;
    EXPECT_TRUE(contains(log_, "c0: failed: no DHCP lease after 3")) << log_;
    EXPECT_TRUE(contains(log_, "profile 'c0'")) << log_;
    EXPECT_GE(took, 3s);
    EXPECT_TRUE(fs::exists(dir_ / "tmp" / "earlynet.done"));
    EXPECT_FALSE(fs::exists(dir_ / "hooks.log")) << "no online hook for a device that did not come up";
}

TEST_F(RunTest, HostileServerValuesNeverRunAsCode) {
    cable("c0", "s0", "10.77.0.1/24");
    std::string marker = (dir_ / "pwned").string();
    std::string root_path = "x$(touch " + marker + ")`touch " + marker + "`;touch " + marker + ";'q";
    auto server = serve("s0", {"--dhcp-option=17," + root_path, "--dhcp-option=option:domain-name,a;touch " + marker});
    ASSERT_TRUE(server);
    generate("ip=c0:dhcp");
    auto r = run();
    ASSERT_EQ(r.status, 0) << log_;
    EXPECT_EQ(sourced("dhclient.c0.dhcpopts", "new_root_path"), root_path);
    // The hook sources dracut's files the way netroot would.
    auto sourced_all = run_command(
        {"/bin/sh", "-c", ". \"$1\"; . \"$1\"; echo done", "sh", (dir_ / "tmp" / "dhclient.c0.dhcpopts").string()});
    EXPECT_EQ(sourced_all.out, "done\n");
    EXPECT_FALSE(fs::exists(marker)) << "a value from the network ran as code";
}

TEST_F(RunTest, RunsOnProfilesWrittenByNmInitrdGenerator) {
    cable("c0", "s0", "10.77.0.1/24");
    auto server = serve("s0", {"--dhcp-option=17,10.77.0.1:/srv/nm"});
    ASSERT_TRUE(server);
    auto g = run_command({"/usr/lib/NetworkManager/nm-initrd-generator", "-c", (dir_ / "profiles").string(), "-i",
                          (dir_ / "initrd").string(), "-r", (dir_ / "conf").string(), "--", "ip=c0:dhcp"});
    ASSERT_EQ(g.status, 0) << g.err;
    ASSERT_TRUE(fs::exists(dir_ / "profiles" / "c0.nmconnection"));
    auto r = run();
    ASSERT_EQ(r.status, 0) << log_;
    EXPECT_EQ(sourced("dhclient.c0.dhcpopts", "new_root_path"), "10.77.0.1:/srv/nm");
}

TEST_F(RunTest, SigtermLeavesEveryAddressInPlace) {
    cable("c0", "s0", "10.77.0.1/24");
    auto server = serve("s0");
    ASSERT_TRUE(server);
    generate("ip=c0:dhcp");
    BackgroundProcess daemon(run_argv(false));
    // Wait (by polling the state the daemon writes) until it is up.
    bool up = false;
    for (int i = 0; i < 200 && !up; ++i) {
        up = fs::exists(dir_ / "tmp" / "earlynet.done");
        if (!up) std::this_thread::sleep_for(50ms);
    }
    ASSERT_TRUE(up);
    auto before = ip("-4 -o addr show dev c0");
    ASSERT_TRUE(contains(before, "inet 10.77.0."));
    ASSERT_EQ(::kill(daemon.pid(), SIGTERM), 0);
    auto ended = daemon.wait();
    EXPECT_EQ(ended.status, 0);
    auto after = ip("-4 -o addr show dev c0");
    EXPECT_TRUE(contains(after, "inet 10.77.0.")) << after;
    EXPECT_TRUE(contains(ip("-4 route show default"), "dev c0"));
}

TEST_F(RunTest, SlaacFromRadvdGivesAUsableGlobalAddress) {
    cable("c0", "s0", "");
    ip_in(peer_namespace(), "-6 addr add 2001:db8:77::1/64 dev s0 nodad");
    {
        std::ofstream conf(dir_ / "radvd.conf");
        conf << "interface s0 {\n  AdvSendAdvert on;\n  MinRtrAdvInterval 3;\n  MaxRtrAdvInterval 4;\n"
                "  prefix 2001:db8:77::/64 { AdvOnLink on; AdvAutonomous on; };\n};\n";
    }
    std::string pid_file = (dir_ / "radvd.pid").string();
    // radvd refuses to start unless forwarding is on where it runs.
    run_command({"ip", "netns", "exec", peer_namespace().name(), "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1"});
    auto started = run_command({"ip", "netns", "exec", peer_namespace().name(), "radvd", "-C",
                                (dir_ / "radvd.conf").string(), "-p", pid_file, "-m", "stderr", "-u", "root"});
    ASSERT_EQ(started.status, 0) << started.err;
    struct StopRadvd {
        std::string pid_file;
        ~StopRadvd() {
            std::ifstream in(pid_file);
            pid_t pid = 0;
            if (in >> pid && pid > 0) ::kill(pid, SIGTERM);
        }
    } stop{pid_file};
    generate("ip=c0:auto6 rd.net.timeout.carrier=5");
    auto r = run();
    ASSERT_EQ(r.status, 0) << log_;
    auto addrs = ip("-6 -o addr show dev c0 scope global");
    EXPECT_TRUE(contains(addrs, "inet6 2001:db8:77:")) << addrs;
    EXPECT_FALSE(contains(addrs, "tentative")) << addrs;
    EXPECT_FALSE(contains(ip("-4 -o addr show dev c0"), "inet ")) << "ipv4.method=disabled";
}

// ipv6.method=dhcp (a profile's, or iBFT's for IPv6 DHCP): DHCPv6 without
// waiting for a router advertisement, the leased address as a /128 with the
// server's lifetimes, DNS from option 23 in the state. (ip=dhcp6 writes
// ipv6.method=auto, as nm-initrd-generator does: DHCPv6 then follows the
// router's M/O flags, which earlynet does not read yet.)
TEST_F(RunTest, Dhcp6GivesTheLeasedAddressAndItsDnsServer) {
    auto server = serve_dhcp6_to_c0({"--dhcp-option=option6:dns-server,[2001:db8:77::53]",
                                     "--dhcp-option=option6:bootfile-url,nfs://[2001:db8:77::1]/srv/root"});
    ASSERT_TRUE(server);
    auto r = run();
    ASSERT_EQ(r.status, 0) << log_ << server->log();
    auto addrs = ip("-6 -o addr show dev c0 scope global");
    EXPECT_TRUE(contains(addrs, "inet6 2001:db8:77::1")) << addrs;
    EXPECT_TRUE(contains(addrs, "/128")) << addrs;
    EXPECT_TRUE(contains(addrs, "valid_lft 3")) << "the server's hour, counting down: " << addrs;
    EXPECT_FALSE(contains(addrs, "tentative")) << addrs;
    EXPECT_TRUE(contains(log_, "c0: DHCPv6 lease 2001:db8:77::1")) << log_;
    EXPECT_TRUE(contains(server->log(), "DHCPREPLY(s0) 2001:db8:77::1")) << server->log();
    std::string status = status_json();
    EXPECT_TRUE(contains(status, "\"2001:db8:77::53\"")) << status;
    EXPECT_TRUE(contains(status, "/128\"")) << status;
    EXPECT_FALSE(contains(ip("-4 -o addr show dev c0"), "inet ")) << "ipv4.method=disabled";
    // dracut's files, as dhclient -6 leaves them; root=dhcp6's root path.
    EXPECT_TRUE(contains(addrs, "inet6 " + sourced("dhclient.c0.dhcpopts", "new_ip6_address") + "/128")) << addrs;
    EXPECT_EQ(sourced("dhclient.c0.dhcpopts", "new_dhcp6_name_servers"), "2001:db8:77::53");
    EXPECT_EQ(sourced("dhclient.c0.dhcpopts", "new_root_path"), "nfs:[2001:db8:77::1]:/srv/root:");
}

// ip=dhcp6 writes ipv6.method=auto (as nm-initrd-generator does): the
// router's advertisement decides. dnsmasq's RA for a DHCPv6 range says M
// (managed), so the address comes from DHCPv6, as NetworkManager would get it.
TEST_F(RunTest, Dhcp6FromTheCommandLineFollowsTheRoutersManagedFlag) {
    cable("c0", "s0", "");
    ip_in(peer_namespace(), "-6 addr add 2001:db8:77::1/64 dev s0 nodad");
    auto server = serve("s0", {"--enable-ra", "--dhcp-option=option6:dns-server,[2001:db8:77::53]"},
                        "2001:db8:77::100,2001:db8:77::1ff,64");
    ASSERT_TRUE(server);
    generate("ip=c0:dhcp6 rd.net.timeout.carrier=5");
    EXPECT_TRUE(
        contains(slurp(dir_ / "profiles" / "c0.nmconnection"), "[ipv6]\ndhcp-timeout=90\nmay-fail=false\nmethod=auto"));
    auto r = run();
    ASSERT_EQ(r.status, 0) << log_ << server->log();
    auto addrs = ip("-6 -o addr show dev c0 scope global");
    EXPECT_TRUE(contains(addrs, "inet6 2001:db8:77::1")) << addrs;
    EXPECT_TRUE(contains(addrs, "/128")) << addrs;
    EXPECT_TRUE(contains(log_, "c0: DHCPv6 solicit")) << log_;
    EXPECT_TRUE(contains(log_, "c0: DHCPv6 lease 2001:db8:77::1")) << log_;
    EXPECT_TRUE(contains(server->log(), "DHCPREPLY(s0) 2001:db8:77::1")) << server->log();
    EXPECT_TRUE(contains(status_json(), "\"2001:db8:77::53\""));
}

TEST_F(RunTest, BridgeOfTwoPortsGetsItsAddressByDhcp) {
    auto server = serve_two_cables();
    ASSERT_TRUE(server);
    generate("bridge=br0:c0,c1 ip=br0:dhcp");
    auto r = run();
    ASSERT_EQ(r.status, 0) << log_;
    EXPECT_TRUE(contains(ip("-4 -o addr show dev br0"), "inet 10.77.0.")) << log_;
    EXPECT_TRUE(contains(ip("-o link show c0"), "master br0"));
    EXPECT_TRUE(contains(ip("-o link show c1"), "master br0"));
}

TEST_F(RunTest, RdRouteAndNameserverAreApplied) {
    cable("c0", "s0", "10.78.0.1/24");
    generate(
        "ip=10.78.0.5::10.78.0.1:255.255.255.0::c0:none rd.route=10.99.0.0/16:10.78.0.254 "
        "rd.route=192.0.2.0/24:10.78.0.253:c0 nameserver=10.78.0.53 nameserver=10.78.0.54");
    auto r = run();
    ASSERT_EQ(r.status, 0) << log_;
    auto routes = ip("-4 route");
    EXPECT_TRUE(contains(routes, "10.99.0.0/16 via 10.78.0.254 dev c0")) << routes;
    EXPECT_TRUE(contains(routes, "192.0.2.0/24 via 10.78.0.253 dev c0")) << routes;
    EXPECT_TRUE(contains(routes, "default via 10.78.0.1 dev c0")) << routes;
    auto resolv = slurp(dir_ / "resolv.conf");
    EXPECT_TRUE(contains(resolv, "nameserver 10.78.0.53\n")) << resolv;
    EXPECT_TRUE(contains(resolv, "nameserver 10.78.0.54\n")) << resolv;
}

TEST_F(RunTest, PeerDnsOffKeepsTheServersResolversOut) {
    cable("c0", "s0", "10.77.0.1/24");
    auto server = serve("s0", {"--dhcp-option=option:dns-server,10.77.0.53"});
    ASSERT_TRUE(server);
    generate("ip=c0:dhcp rd.peerdns=0 nameserver=10.77.0.99");
    auto r = run();
    ASSERT_EQ(r.status, 0) << log_;
    auto resolv = slurp(dir_ / "resolv.conf");
    EXPECT_TRUE(contains(resolv, "nameserver 10.77.0.99")) << resolv;
    EXPECT_FALSE(contains(resolv, "10.77.0.53")) << "rd.peerdns=0: " << resolv;
}

// This machine's kernel may lack bonding and 802.1Q (no modules). Where the
// kernel has them, the bond and the VLAN must get their lease; where it has
// not, earlynet must say so clearly and fail, never pretend.
bool kernel_supports(const std::string& kind) {
    auto ns = ScopedNetns::create();
    if (!ns) return false;
    std::string parent = kind == "vlan" ? "link probe-parent " : "";
    if (kind == "vlan") run_command({"ip", "-n", ns->name(), "link", "add", "probe-parent", "type", "dummy"});
    std::vector<std::string> argv{"ip", "-n", ns->name(), "link", "add"};
    for (auto& w : split_words(parent + "name probe0 type " + kind + (kind == "vlan" ? " id 5" : "")))
        argv.push_back(w);
    return run_command(argv).status == 0;
}

TEST_F(RunTest, BondOfTwoVethsGetsItsAddressByDhcpOrIsReportedUnsupported) {
    auto server = serve_two_cables();
    ASSERT_TRUE(server);
    generate("bond=bond0:c0,c1:mode=active-backup,miimon=100 ip=bond0:dhcp");
    auto r = run();
    if (kernel_supports("bond")) {
        ASSERT_EQ(r.status, 0) << log_;
        EXPECT_TRUE(contains(ip("-4 -o addr show dev bond0"), "inet 10.77.0.")) << log_;
        EXPECT_TRUE(contains(ip("-o link show c0"), "master bond0"));
        EXPECT_TRUE(contains(ip("-o link show c1"), "master bond0"));
    } else {
        EXPECT_EQ(r.status, 1) << log_;
        EXPECT_TRUE(contains(log_, "bond0: cannot create bond: ")) << log_;
        EXPECT_TRUE(contains(log_, "profile 'bond0'")) << log_;
        EXPECT_FALSE(fs::exists(dir_ / "hooks.log")) << "nothing came up, so no online hook";
    }
}

TEST_F(RunTest, VlanOnAVethGetsItsAddressByDhcpOrIsReportedUnsupported) {
    cable("c0", "s0", "");
    bool supported = kernel_supports("vlan");
    if (supported) {
        ip_in(peer_namespace(), "link add link s0 name s0.7 type vlan id 7");
        ip_in(peer_namespace(), "addr add 10.77.0.1/24 dev s0.7");
        ip_in(peer_namespace(), "link set s0.7 up");
    }
    auto server = supported ? serve("s0.7") : nullptr;
    generate("vlan=c0.7:c0 ip=c0.7:dhcp");
    auto r = run();
    if (supported) {
        ASSERT_EQ(r.status, 0) << log_;
        EXPECT_TRUE(contains(ip("-4 -o addr show dev c0.7"), "inet 10.77.0.")) << log_;
        EXPECT_TRUE(contains(ip("-d link show c0.7"), "vlan protocol 802.1Q id 7"));
    } else {
        EXPECT_EQ(r.status, 1) << log_;
        EXPECT_TRUE(contains(log_, "c0.7: cannot create vlan: ")) << log_;
    }
}

TEST_F(RunTest, WithoutConfigureAndQuitItStaysAndRenewsTheLease) {
    cable("c0", "s0", "10.77.0.1/24");
    // T1 = 4 s, T2 = 7 s on a 2 min lease (dnsmasq's minimum lease time).
    DnsmasqConfig c;
    c.interface = "s0";
    c.lease_time = "2m";
    c.arguments = {"--dhcp-option=58,4", "--dhcp-option=59,7"};
    auto server = DnsmasqServer::start(peer_namespace(), c);
    ASSERT_TRUE(server);
    generate("ip=c0:dhcp");
    BackgroundProcess daemon(run_argv(false));
    bool renewed = false;
    for (int i = 0; i < 300 && !renewed; ++i) {
        renewed = server->count_in_log("DHCPACK(s0)") >= 2;
        if (!renewed) std::this_thread::sleep_for(50ms);
    }
    EXPECT_TRUE(renewed) << server->log();
    EXPECT_EQ(server->count_in_log_after("DHCPACK(s0)", "DHCPDISCOVER(s0)"), 0)
        << "a renewal, not a new acquisition: " << server->log();
    EXPECT_TRUE(fs::exists(dir_ / "tmp" / "earlynet.done")) << "startup-complete without quitting";
    EXPECT_EQ(::waitpid(daemon.pid(), nullptr, WNOHANG), 0) << "it must still be running";
    ASSERT_EQ(::kill(daemon.pid(), SIGTERM), 0);
    auto ended = daemon.wait();
    EXPECT_EQ(ended.status, 0);
    EXPECT_TRUE(contains(ip("-4 -o addr show dev c0"), "inet 10.77.0."));
}

// A NIC whose driver loads late: its profile waits (wait-device-timeout,
// 60 s from the generator when networking is needed) and the device is
// activated when it appears.
TEST_F(RunTest, LateDeviceIsPickedUpWhileItsProfileWaits) {
    // The cable is made on the server's side, so dnsmasq is already serving
    // when c0 appears in the client's namespace.
    ip_in(peer_namespace(), "link add c0 type veth peer name s0");
    ip_in(peer_namespace(), "addr add 10.77.0.1/24 dev s0");
    ip_in(peer_namespace(), "link set s0 up");
    auto server = serve("s0");
    ASSERT_TRUE(server);
    generate("ip=c0:dhcp rd.neednet=1");
    BackgroundProcess daemon(run_argv(true));
    std::this_thread::sleep_for(300ms);  // the daemon is up and waiting; there is no event to wait for
    EXPECT_EQ(::waitpid(daemon.pid(), nullptr, WNOHANG), 0) << "it must wait for c0";
    ip_in(peer_namespace(), "link set c0 netns " + ns().name());
    auto ended = daemon.wait();
    EXPECT_EQ(ended.status, 0);
    EXPECT_TRUE(contains(ip("-4 -o addr show dev c0"), "inet 10.77.0."));
}

TEST_F(RunTest, ProfileWithoutDeviceGivesUpAtWaitDeviceTimeout) {
    generate("ip=c9:dhcp rd.neednet=1");
    // The generator's 60 s is the reference's; the test shortens it in the
    // profile, which is what a keyfile reader must honour.
    auto path = dir_ / "profiles" / "c9.nmconnection";
    std::string text = slurp(path);
    auto at = text.find("wait-device-timeout=60000");
    ASSERT_NE(at, std::string::npos) << text;
    text.replace(at, std::string("wait-device-timeout=60000").size(), "wait-device-timeout=1500");
    std::ofstream(path) << text;
    auto started = std::chrono::steady_clock::now();
    auto r = run();
    auto took = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(r.status, 1) << log_;
    EXPECT_TRUE(contains(log_, "profile 'c9': no device appeared within 1500 ms")) << log_;
    EXPECT_GE(took, 1500ms);
    EXPECT_LT(took, 10s);
}

// A packet socket opened with a protocol queues that protocol's frames from
// every interface until its filter and bind are in place, so each is opened
// with protocol 0 (inert), filtered, then bound to its protocol and interface.
// The window closes before socket() returns, so only the order of the system
// calls shows it: strace records them for a whole DHCP start with ACD.
TEST_F(RunTest, PacketSocketsAreOpenedInertThenFilteredThenBound) {
    auto server = serve_c0();
    ASSERT_TRUE(server);
    generate("ip=c0:dhcp");
    fs::path trace = dir_ / "syscalls";
    std::vector<std::string> argv{
        "strace", "-f", "-qq", "-e", "signal=none", "-e", "trace=socket,setsockopt,bind", "-o", trace.string()};
    for (auto& a : run_argv(true)) argv.push_back(a);
    auto r = run_command(argv);
    ASSERT_EQ(r.status, 0) << r.err;

    std::map<std::string, std::string> packet_sockets;  // fd -> "opened" / "filtered" while unbound
    std::vector<std::string> bound;                     // protocol of each bound packet socket
    std::string text = slurp(trace);
    std::istringstream lines(text);
    auto argument = [](const std::string& line, const std::string& call) {
        auto at = line.find(call + "(");
        return line.substr(at + call.size() + 1, line.find(',', at) - at - call.size() - 1);
    };
    for (std::string line; std::getline(lines, line);) {
        if (contains(line, "socket(AF_PACKET,")) {
            EXPECT_TRUE(contains(line, "htons(0 ")) << "opened with a protocol: " << line;
            packet_sockets[line.substr(line.rfind("= ") + 2)] = "opened";
        } else if (contains(line, "SO_ATTACH_FILTER")) {
            auto fd = packet_sockets.find(argument(line, "setsockopt"));
            if (fd != packet_sockets.end()) fd->second = "filtered";
        } else if (contains(line, "bind(") && contains(line, "sa_family=AF_PACKET")) {
            auto fd = packet_sockets.find(argument(line, "bind"));
            ASSERT_NE(fd, packet_sockets.end()) << line;
            EXPECT_EQ(fd->second, "filtered") << "bound before its filter: " << line;
            EXPECT_TRUE(contains(line, "sll_ifindex=if_nametoindex(\"c0\")")) << line;
            auto protocol = line.find("sll_protocol=");
            bound.push_back(line.substr(protocol, line.find(',', protocol) - protocol));
            packet_sockets.erase(fd);
        }
    }
    EXPECT_TRUE(std::count(bound.begin(), bound.end(), "sll_protocol=htons(ETH_P_IP)") >= 1) << text;
    EXPECT_TRUE(std::count(bound.begin(), bound.end(), "sll_protocol=htons(ETH_P_ARP)") >= 1) << text;
}

// The handover: the initrd's earlynet quits with the lease configured; the
// real root's `earlynet run --import` continues that lease from the state
// (a RENEW at T1, no new DISCOVER) and never removes the address.
TEST_F(RunTest, ImportContinuesTheLeaseWithoutRemovingTheAddress) {
    cable("c0", "s0", "10.77.0.1/24");
    DnsmasqConfig c;
    c.interface = "s0";
    c.lease_time = "2m";
    c.arguments = {"--dhcp-option=58,3", "--dhcp-option=59,6", "--dhcp-option=option:router,10.77.0.1"};
    auto server = DnsmasqServer::start(peer_namespace(), c);
    ASSERT_TRUE(server);
    generate("ip=c0:dhcp");
    auto initrd = run();
    ASSERT_EQ(initrd.status, 0) << log_;
    auto before = ip("-4 -o addr show dev c0");
    ASSERT_TRUE(contains(before, "inet 10.77.0.")) << before;
    fs::remove(dir_ / "tmp" / "earlynet.done");

    BackgroundProcess watch({"ip", "-o", "monitor", "address"});
    std::vector<std::string> argv = run_argv(false);
    argv.push_back("--import");
    BackgroundProcess real_root(argv);
    bool renewed = false;
    for (int i = 0; i < 200 && !renewed; ++i) {
        renewed = server->count_in_log("DHCPACK(s0)") >= 2;
        if (!renewed) std::this_thread::sleep_for(50ms);
    }
    EXPECT_TRUE(renewed) << server->log();
    EXPECT_EQ(server->count_in_log_after("DHCPACK(s0)", "DHCPDISCOVER(s0)"), 0)
        << "continued, not acquired anew: " << server->log();
    ASSERT_EQ(::kill(real_root.pid(), SIGTERM), 0);
    EXPECT_EQ(real_root.wait().status, 0);
    ASSERT_EQ(::kill(watch.pid(), SIGTERM), 0);
    auto events = watch.wait().out;
    EXPECT_FALSE(contains(events, "Deleted")) << "the address was removed: " << events;
    auto after = ip("-4 -o addr show dev c0");
    auto address = [](const std::string& line) {
        return line.substr(line.find("inet "), line.find('/') - line.find("inet "));
    };
    EXPECT_EQ(address(after), address(before));
    EXPECT_FALSE(fs::exists(dir_ / "tmp" / "earlynet.done")) << "no dracut files after switch_root";
    EXPECT_TRUE(contains(status_json(), "\"t1_s\": 3")) << "the state follows the renewed lease";
}

// The router's M flag can come while c0's link-local address is still
// tentative (DAD; a router's periodic advertisement): DHCPv6 then waits for
// the address instead of sending into the void and waiting a retransmission
// time (1 s, then 2 s) for the next try.
TEST_F(RunTest, Dhcp6WaitsForTheLinkLocalAddressWhenTheRouterSpeaksFirst) {
    cable("c0", "s0", "");
    ip_in(peer_namespace(), "-6 addr add fe80::1/64 dev s0 nodad");
    ip_in(peer_namespace(), "-6 addr add 2001:db8:77::1/64 dev s0 nodad");
    auto server = serve("s0", {}, "2001:db8:77::100,2001:db8:77::1ff,64");
    ASSERT_TRUE(server);
    generate("ip=c0:dhcp6 rd.net.timeout.carrier=5");
    // c0's link-local address stays tentative for about 0.9 s after link up.
    ip("link set c0 down");
    std::ofstream("/proc/sys/net/ipv6/conf/c0/dad_transmits") << "3\n";
    std::ofstream("/proc/sys/net/ipv6/neigh/c0/retrans_time_ms") << "300\n";
    // A router advertisement with M and O every 50 ms for 3 s.
    std::string router =
        "import socket,time\n"
        "s=socket.socket(socket.AF_INET6,socket.SOCK_RAW,socket.IPPROTO_ICMPV6)\n"
        "s.setsockopt(socket.IPPROTO_IPV6,socket.IPV6_MULTICAST_HOPS,255)\n"
        "i=socket.if_nametoindex('s0')\n"
        "s.setsockopt(socket.IPPROTO_IPV6,socket.IPV6_MULTICAST_IF,i)\n"
        "s.bind(('fe80::1',0,0,i))\n"
        "ra=bytes([134,0,0,0,64,0xc0,0,0])+bytes(8)\n"
        "end=time.time()+3\n"
        "while time.time()<end:\n"
        "    s.sendto(ra,('ff02::1',0,0,i))\n"
        "    time.sleep(0.05)\n";
    BackgroundProcess advertiser({"ip", "netns", "exec", peer_namespace().name(), "python3", "-c", router});
    std::vector<std::string> argv = run_argv(true);
    argv.push_back("--debug");
    auto r = run_command(argv);
    ASSERT_EQ(r.status, 0) << r.err << server->log();
    EXPECT_FALSE(contains(r.err, "failed: ")) << "a SOLICIT sent before the link-local address was usable: " << r.err;
    EXPECT_TRUE(contains(r.err, "c0: DHCPv6 lease 2001:db8:77::")) << r.err;
    EXPECT_EQ(server->count_in_log("DHCPSOLICIT(s0)"), 1) << server->log();
}

// The DHCPv6 handover: the initrd (no /etc/machine-id there, so a DUID-LL)
// leaves the lease in the state; the real root's `run --import` (which has a
// machine-id) continues it with the saved DUID and IAID: its T1 has passed
// during switch_root, so a RENEW at once, which the server answers for the
// binding it knows; no SOLICIT, and the address never goes.
TEST_F(RunTest, ImportContinuesTheDhcp6LeaseWithTheSavedDuid) {
    auto server = serve_dhcp6_to_c0();
    ASSERT_TRUE(server);
    std::vector<std::string> initrd{
        "unshare", "-m", "sh", "-c", "mount --make-rprivate / && mount --bind /dev/null /etc/machine-id && exec \"$@\"",
        "sh"};
    for (auto& a : run_argv(true)) initrd.push_back(a);
    auto r = run_command(initrd);
    ASSERT_EQ(r.status, 0) << r.err << server->log();
    auto global = [&] { return ip("-6 -o addr show dev c0 scope global"); };
    std::string before = global();
    std::smatch m;
    ASSERT_TRUE(std::regex_search(before, m, std::regex(R"(inet6 (2001:db8:77::[0-9a-f]+)/128)"))) << before;
    std::string address = m[1];
    fs::path record = dir_ / "state" / "c0.json";
    std::string saved = slurp(record);
    ASSERT_TRUE(contains(saved, "\"client_duid\": \"0003")) << "DUID-LL without a machine-id: " << saved;
    // T1 passed while the real root came up.
    saved = std::regex_replace(saved, std::regex(R"("t1_s": \d+)"), "\"t1_s\": 1");
    std::ofstream(record, std::ios::trunc) << saved;
    std::this_thread::sleep_for(1100ms);
    int solicits = server->count_in_log("DHCPSOLICIT(s0)");

    BackgroundProcess watch({"ip", "-o", "monitor", "address"});
    fs::path log = dir_ / "import.log";
    auto real_root = start_import(log);
    bool renewed = false;
    for (int i = 0; i < 200 && !renewed; ++i) {
        renewed = server->count_in_log_after("DHCPRENEW(s0)", "DHCPREPLY(s0) " + address) > 0;
        if (!renewed) std::this_thread::sleep_for(50ms);
    }
    ASSERT_EQ(::kill(real_root->pid(), SIGTERM), 0);
    real_root->wait();
    ASSERT_EQ(::kill(watch.pid(), SIGTERM), 0);
    auto events = watch.wait().out;
    std::string text = slurp(log);
    EXPECT_TRUE(renewed) << "the server knew the saved DUID's binding: " << server->log() << text;
    EXPECT_TRUE(contains(text, "c0: continuing DHCPv6 lease " + address)) << text;
    EXPECT_EQ(server->count_in_log("DHCPSOLICIT(s0)"), solicits) << "continued, not solicited: " << server->log();
    EXPECT_FALSE(contains(events, "Deleted")) << "an address was removed: " << events;
    EXPECT_TRUE(contains(global(), "inet6 " + address + "/128")) << global();
    std::string after = slurp(record);
    EXPECT_TRUE(contains(after, "\"client_duid\": \"0003")) << "the saved DUID, not one from the machine-id: " << after;
    EXPECT_FALSE(contains(after, "\"t1_s\": 1,")) << "the state follows the renewed lease: " << after;
}

// A DHCPv6 address that vanished before the real root started is put back
// with what is left of its lifetime, counted from the initrd's REPLY (here a
// minute ago, of dnsmasq's shortest lease, two minutes), not a fresh one.
TEST_F(RunTest, ImportPutsBackADhcp6AddressWithWhatIsLeftOfItsLifetime) {
    cable("c0", "s0", "");
    ip_in(peer_namespace(), "-6 addr add 2001:db8:77::1/64 dev s0 nodad");
    DnsmasqConfig c;
    c.interface = "s0";
    c.range = "2001:db8:77::100,2001:db8:77::1ff,64";
    c.lease_time = "2m";
    auto server = DnsmasqServer::start(peer_namespace(), c);
    ASSERT_TRUE(server);
    generate("ip=c0:dhcp6 rd.net.timeout.carrier=5");
    use_ipv6_method_dhcp(dir_ / "profiles" / "c0.nmconnection");
    ASSERT_EQ(run().status, 0) << log_ << server->log();
    auto global = [&] { return ip("-6 -o addr show dev c0 scope global"); };
    std::smatch m;
    std::string before = global();
    ASSERT_TRUE(std::regex_search(before, m, std::regex(R"(inet6 (2001:db8:77::[0-9a-f]+)/128)"))) << before;
    std::string address = m[1];
    // The REPLY came a minute ago; T1 is still ahead.
    fs::path record = dir_ / "state" / "c0.json";
    std::string saved = slurp(record);
    ASSERT_TRUE(std::regex_search(saved, m, std::regex(R"("acquired_boottime_ns": (\d+))"))) << saved;
    long long acquired = std::stoll(m[1]) - 60'000'000'000LL;
    ASSERT_GT(acquired, 0);
    saved = std::regex_replace(saved, std::regex(R"("acquired_boottime_ns": \d+)"),
                               "\"acquired_boottime_ns\": " + std::to_string(acquired));
    saved = std::regex_replace(saved, std::regex(R"("t1_s": \d+)"), "\"t1_s\": 110");
    saved = std::regex_replace(saved, std::regex(R"("t2_s": \d+)"), "\"t2_s\": 115");
    std::ofstream(record, std::ios::trunc) << saved;
    ip("-6 addr flush dev c0 scope global");
    ASSERT_FALSE(contains(global(), address));

    fs::path log = dir_ / "import.log";
    auto real_root = start_import(log);
    std::string after;
    for (int i = 0; i < 100 && !contains(after, address); ++i) {
        std::this_thread::sleep_for(50ms);
        after = global();
    }
    ASSERT_EQ(::kill(real_root->pid(), SIGTERM), 0);
    real_root->wait();
    ASSERT_TRUE(contains(after, "inet6 " + address + "/128")) << after << slurp(log);
    ASSERT_TRUE(std::regex_search(after, m, std::regex(R"(valid_lft (\d+)sec)"))) << after;
    EXPECT_LE(std::stoi(m[1]), 60) << "what is left of the 120 s, not a fresh lifetime: " << after;
    EXPECT_GE(std::stoi(m[1]), 50) << after;
    EXPECT_TRUE(contains(slurp(log), "c0: continuing DHCPv6 lease " + address)) << slurp(log);
}

// The address of a trusted saved lease is gone when the real root
// starts (something flushed it): put back at once with what is left of the
// lease, then the lease goes on; no DISCOVER.
TEST_F(RunTest, ImportPutsBackAnAddressThatVanishedAndContinuesTheLease) {
    auto server = serve_c0();
    ASSERT_TRUE(server);
    generate("ip=c0:dhcp");
    ASSERT_EQ(run().status, 0) << log_;
    auto before = ip("-4 -o addr show dev c0");
    auto inet = [](const std::string& line) {
        auto at = line.find("inet ");
        return at == std::string::npos ? std::string() : line.substr(at, line.find('/', at) - at);
    };
    ASSERT_FALSE(inet(before).empty()) << before;
    int discovers = server->count_in_log("DHCPDISCOVER(s0)");
    ip("-4 addr flush dev c0");
    ASSERT_TRUE(inet(ip("-4 -o addr show dev c0")).empty());

    fs::path log = dir_ / "import.log";
    auto real_root = start_import(log);
    std::string after;
    for (int i = 0; i < 100 && inet(after).empty(); ++i) {
        std::this_thread::sleep_for(50ms);
        after = ip("-4 -o addr show dev c0");
    }
    ASSERT_EQ(::kill(real_root->pid(), SIGTERM), 0);
    real_root->wait();
    std::string text = slurp(log);
    EXPECT_EQ(inet(after), inet(before)) << text;
    EXPECT_TRUE(contains(after, "valid_lft ") && !contains(after, "valid_lft forever"))
        << "put back with the lease's lifetime: " << after;
    EXPECT_TRUE(contains(ip("-4 route show dev c0"), "default via 10.77.0.1")) << "its routes too";
    EXPECT_TRUE(contains(text, "putting it back")) << text;
    EXPECT_EQ(server->count_in_log("DHCPDISCOVER(s0)"), discovers) << server->log();
    EXPECT_TRUE(contains(text, "continuing lease")) << text;
}

// "Untouched" means untouched. The import rewrites no sysctl of an
// adopted device, and in the real root leaves the resolver and the host name
// alone unless asked (--resolv-conf, --hostname-file): here it runs without
// them, with /etc (a resolv.conf symlink, as systemd-resolved makes it)
// replaced by a directory of the test's in a mount namespace of its own, and
// a UTS namespace of its own, so a regression cannot touch this machine's.
TEST_F(RunTest, ImportTouchesNoSysctlNorTheResolverNorTheHostName) {
    auto server = serve_c0({"--dhcp-option=option:dns-server,10.77.0.53", "--dhcp-option=12,realroot"});
    ASSERT_TRUE(server);
    generate("ip=c0:dhcp");
    ASSERT_EQ(run().status, 0) << log_;
    ASSERT_TRUE(contains(slurp(dir_ / "resolv.conf"), "10.77.0.53")) << "the initrd's run writes it when asked";
    // The real root's administrator turned SLAAC off on c0.
    const fs::path autoconf = "/proc/sys/net/ipv6/conf/c0/autoconf";
    ASSERT_EQ(slurp(autoconf), "1\n");
    std::ofstream(autoconf) << "0\n";

    fs::path etc = dir_ / "etc";
    fs::create_directories(etc);
    std::ofstream(dir_ / "stub-resolv.conf") << "nameserver 127.0.0.53\n";
    fs::create_symlink(dir_ / "stub-resolv.conf", etc / "resolv.conf");
    std::error_code ec;
    fs::copy_file("/etc/ld.so.cache", etc / "ld.so.cache", ec);
    fs::path log = dir_ / "import.log";
    std::vector<std::string> argv{
        "unshare",    "-m",     "-u",
        "sh",         "-c",     "mount --make-rprivate / && mount --bind \"$0\" /etc && exec \"$@\" 2>" + log.string(),
        etc.string(), binary(), "run",
        "--import"};
    std::vector<std::string> all = run_argv(false);
    for (std::size_t i = 2; i < all.size(); ++i) {
        if (all[i] == "--resolv-conf" || all[i] == "--hostname-file") {
            ++i;  // and its value
            continue;
        }
        argv.push_back(all[i]);
    }
    BackgroundProcess real_root(argv);
    bool continuing = false;
    for (int i = 0; i < 100 && !continuing; ++i) {
        std::this_thread::sleep_for(50ms);
        continuing = contains(slurp(log), "continuing lease");
    }
    std::this_thread::sleep_for(1s);  // what it would write, it writes at once
    ASSERT_EQ(::kill(real_root.pid(), SIGTERM), 0);
    real_root.wait();
    std::string text = slurp(log);
    ASSERT_TRUE(continuing) << text;
    EXPECT_EQ(slurp(autoconf), "0\n") << "the import rewrote a sysctl";
    EXPECT_TRUE(fs::is_symlink(etc / "resolv.conf")) << "the resolv.conf symlink was replaced";
    EXPECT_EQ(slurp(dir_ / "stub-resolv.conf"), "nameserver 127.0.0.53\n");
    EXPECT_FALSE(contains(text, "hostname ")) << text;
}

// The real root's manager after earlynet's initrd run: what the server saw
// and what happened to the address while the manager took over.
struct Handover {
    bool asked = false;  // the server ACKed the manager
    int discovers = 0;   // DISCOVERs after the initrd's
    int removals = 0;    // deletions of the address while the manager ran
    std::string address;
    std::string address_after;  // on c0 once the manager stopped
    std::string log;            // the manager's
    std::string server_log;
    std::string events;  // ip monitor address
};

class HandoverTest : public RunTest {
protected:
    static std::string first_inet(const std::string& text) {
        auto at = text.find("inet ");
        return at == std::string::npos ? std::string() : text.substr(at + 5, text.find('/', at) - at - 5);
    }

    // The initrd: c0 by DHCP from a 2-minute lease, with `extra` options for
    // `earlynet run --configure-and-quit`.
    void boot_initrd(const std::vector<std::string>& extra = {}) {
        server_ = serve_c0();
        ASSERT_TRUE(server_);
        generate("ip=c0:dhcp");
        std::vector<std::string> argv = run_argv(true);
        argv.insert(argv.end(), extra.begin(), extra.end());
        auto r = run_command(argv);
        ASSERT_EQ(r.status, 0) << r.err;
        ASSERT_FALSE(first_inet(ip("-4 -o addr show dev c0")).empty());
    }

    // Whether `text` shows up in the server's log more than `before` times
    // within 20 s.
    bool server_logs_more(const std::string& text, int before) {
        for (int i = 0; i < 400; ++i) {
            if (server_->count_in_log(text) > before) return true;
            std::this_thread::sleep_for(50ms);
        }
        return server_->count_in_log(text) > before;
    }

    // Runs `manager` (argv) until the server ACKs it or 20 s pass, then
    // SIGTERM; `log` is where it writes. Prints one figure line (DISCOVERs, removals).
    Handover hand_over(const std::string& name, const std::vector<std::string>& manager, const fs::path& log) {
        Handover h;
        h.address = first_inet(ip("-4 -o addr show dev c0"));
        int discovers = server_->count_in_log("DHCPDISCOVER(s0)");
        int acks = server_->count_in_log("DHCPACK(s0)");
        BackgroundProcess watch({"ip", "-o", "monitor", "address"});
        BackgroundProcess real_root(manager);
        h.asked = server_logs_more("DHCPACK(s0)", acks);
        std::this_thread::sleep_for(500ms);  // the manager applies the ACK
        EXPECT_EQ(::kill(real_root.pid(), SIGTERM), 0);
        real_root.wait();
        std::this_thread::sleep_for(200ms);
        EXPECT_EQ(::kill(watch.pid(), SIGTERM), 0);
        h.events = watch.wait().out;
        h.log = slurp(log);
        h.server_log = server_->log();
        std::istringstream lines(h.events);
        for (std::string line; std::getline(lines, line);)
            if (contains(line, "Deleted") && contains(line, "inet " + h.address + "/")) ++h.removals;
        h.discovers = server_->count_in_log("DHCPDISCOVER(s0)") - discovers;
        h.address_after = first_inet(ip("-4 -o addr show dev c0"));
        std::printf("handover %s: discovers %d, removals %d\n", name.c_str(), h.discovers, h.removals);
        return h;
    }

    // Nothing lost: asked for again, no DISCOVER, no removal, kept at the end.
    static void expect_kept(const Handover& h) {
        EXPECT_TRUE(h.asked) << "the manager never asked the server: " << h.server_log << h.log.substr(0, 20000);
        EXPECT_EQ(h.discovers, 0) << h.server_log;
        EXPECT_EQ(h.removals, 0) << h.events;
        EXPECT_EQ(h.address_after, h.address) << "kept after the manager stopped";
    }

    // The real root's NetworkManager on `run_dir` (its /run/NetworkManager):
    // a private system bus, its own /etc and /var/lib, a read-only sysfs of
    // this namespace (so it uses no udev), logging to `log`. SIGTERM to the
    // shell stops NetworkManager, then the bus: nothing outlives the test.
    std::vector<std::string> network_manager(const fs::path& run_dir, const fs::path& log) {
        const std::string nm = "/usr/sbin/NetworkManager";
        EXPECT_EQ(::access(nm.c_str(), X_OK), 0) << nm << " (package network-manager) is needed";
        EXPECT_EQ(::access("/usr/bin/dbus-daemon", X_OK), 0) << "dbus-daemon (package dbus) is needed";
        fs::create_directories(dir_ / "nm-etc");
        fs::create_directories(dir_ / "nm-var");
        std::ofstream(dir_ / "nm-etc" / "NetworkManager.conf") << "[main]\nplugins=keyfile\n";
        std::string script =
            "mount --make-rprivate / && mount -t sysfs -o ro sysfs /sys && mount -t tmpfs tmpfs /run && "
            "mkdir -p /run/dbus /run/NetworkManager && mount --bind \"$0\" /run/NetworkManager && "
            "mount --bind \"$1\" /etc/NetworkManager && mount --bind \"$2\" /var/lib/NetworkManager && "
            "dbus-daemon --system --fork --nopidfile --print-pid=3 3>/run/dbus/pid && read -r d < /run/dbus/pid && "
            "{ \"$3\" --no-daemon --debug --log-level=DEBUG 2>\"$4\" & n=$!; trap 'kill $n' TERM; "
            "wait $n; wait $n; kill $d; }";
        return {"unshare",
                "-m",
                "sh",
                "-c",
                script,
                run_dir.string(),
                (dir_ / "nm-etc").string(),
                (dir_ / "nm-var").string(),
                nm,
                log.string()};
    }

    // The initrd for DHCPv6 (ipv6.method=dhcp) without /etc/machine-id, so
    // its DUID is a DUID-LL and not what the real root's machine-id would
    // give; returns the leased address.
    std::string boot_initrd6(const std::vector<std::string>& extra) {
        server_ = serve_dhcp6_to_c0();
        EXPECT_TRUE(server_);
        if (!server_) return {};
        std::vector<std::string> argv{"unshare",
                                      "-m",
                                      "sh",
                                      "-c",
                                      "mount --make-rprivate / && mount --bind /dev/null /etc/machine-id && "
                                      "exec \"$@\"",
                                      "sh"};
        for (auto& a : run_argv(true)) argv.push_back(a);
        argv.insert(argv.end(), extra.begin(), extra.end());
        auto r = run_command(argv);
        EXPECT_EQ(r.status, 0) << r.err;
        return global6();
    }
    // c0's global IPv6 addresses, space-separated.
    std::string global6() {
        static const std::regex inet6(R"(inet6 ([0-9a-f:]+)/128)");
        std::string out = ip("-6 -o addr show dev c0 scope global"), all;
        for (std::sregex_iterator it(out.begin(), out.end(), inet6), end; it != end; ++it)
            all += (all.empty() ? "" : " ") + (*it)[1].str();
        return all;
    }

    // The real root's manager (argv) until the server answered it by DHCPv6
    // or 20 s passed; addresses and events are taken before it stops.
    struct Handover6 {
        bool answered = false;
        std::string after;   // c0's global addresses then
        std::string events;  // ip monitor address while it ran
        std::string log;
    };
    Handover6 hand_over6(const std::string& name, const std::vector<std::string>& manager, const fs::path& log) {
        Handover6 h;
        int replies = server_->count_in_log("DHCPREPLY(s0)");
        BackgroundProcess watch({"ip", "-o", "monitor", "address"});
        BackgroundProcess real_root(manager);
        h.answered = server_logs_more("DHCPREPLY(s0)", replies);
        std::this_thread::sleep_for(1s);  // the manager applies the reply
        h.after = global6();
        EXPECT_EQ(::kill(watch.pid(), SIGTERM), 0);
        h.events = watch.wait().out;
        EXPECT_EQ(::kill(real_root.pid(), SIGTERM), 0);
        real_root.wait();
        h.log = slurp(log);
        std::printf("handover %s (DHCPv6): answered %d, addresses after: %s\n", name.c_str(), h.answered,
                    h.after.c_str());
        return h;
    }
    // The server answered the manager with the initrd's address: it saw the
    // same client. c0 got no other address and lost none meanwhile.
    void expect_same_dhcp6_client(const Handover6& h, const std::string& address) {
        ASSERT_TRUE(h.answered) << server_->log() << h.log.substr(0, 20000);
        EXPECT_GE(server_->count_in_log("DHCPREPLY(s0) " + address), 2)
            << "the same address for the manager: " << server_->log();
        EXPECT_EQ(h.after, address) << "one address, the initrd's";
        EXPECT_FALSE(contains(h.events, "Deleted")) << h.events;
    }

    std::unique_ptr<DnsmasqServer> server_;
};

// systemd-networkd's real-root command: its own /run/systemd with `dir` as
// /run/systemd/network, a read-only sysfs of this namespace (no udev
// expected), an empty /etc/systemd/network, debug log to `log`.
std::vector<std::string> networkd_in_real_root(const fs::path& dir, const fs::path& log) {
    const std::string networkd = "/lib/systemd/systemd-networkd";
    EXPECT_EQ(::access(networkd.c_str(), X_OK), 0) << networkd << " (package systemd) is needed";
    std::string script =
        "mount --make-rprivate / && mount -t sysfs -o ro sysfs /sys && mount -t tmpfs tmpfs /run/systemd && "
        "mkdir -p /run/systemd/network /run/systemd/netif && "
        "chown systemd-network:systemd-network /run/systemd/netif && "
        "mount --bind \"$0\" /run/systemd/network && mount -t tmpfs tmpfs /etc/systemd/network && "
        "SYSTEMD_LOG_TARGET=console SYSTEMD_LOG_LEVEL=debug exec \"$1\" 2>\"$2\"";
    return {"unshare", "-m", "sh", "-c", script, dir.string(), networkd, log.string()};
}

// systemd-networkd (Debian 12's, the real binary) takes the
// device over in the real root from the .network earlynet wrote: it keeps the
// address (no removal), asks for it again (INIT-REBOOT: a REQUEST, no
// DISCOVER), and sends no RELEASE when it stops. networkd runs in the test's
// network namespace and a mount namespace of its own: a read-only sysfs of
// this namespace (networkd then expects no udev), its own /run/systemd with
// our directory as /run/systemd/network, an empty /etc/systemd/network.
TEST_F(HandoverTest, NetworkdInTheRealRootKeepsTheAddressAndAsksForItAgain) {
    boot_initrd({"--networkd-dir", (dir_ / "networkd").string()});
    if (HasFatalFailure()) return;
    ASSERT_TRUE(fs::exists(dir_ / "networkd" / "10-earlynet-c0.network"));
    fs::path log = dir_ / "networkd.log";
    Handover h = hand_over("networkd", networkd_in_real_root(dir_ / "networkd", log), log);
    expect_kept(h);
    EXPECT_TRUE(contains(h.log, "REQUEST (init-reboot)")) << h.log;
    EXPECT_EQ(server_->count_in_log("DHCPRELEASE(s0)"), 0) << h.server_log;
}

// DHCPv6: networkd in the real root has a machine-id the initrd lacked, so
// its own DUID would be another client to the server, and another address.
// The .network earlynet wrote gives it the initrd's DUID and IAID: the server
// answers it with the leased address, and c0 never has another one nor
// loses this one.
TEST_F(HandoverTest, NetworkdInTheRealRootAsksForTheDhcp6AddressAsTheSameClient) {
    std::string address = boot_initrd6({"--networkd-dir", (dir_ / "networkd").string()});
    ASSERT_FALSE(address.empty());
    std::string network = slurp(dir_ / "networkd" / "10-earlynet-c0.network");
    ASSERT_TRUE(contains(network, "DUIDType=link-layer\n")) << network;
    fs::path log = dir_ / "networkd.log";
    // networkd 252 removes its DHCPv6 addresses when it stops, whatever
    // KeepConfiguration= says: watched until then.
    expect_same_dhcp6_client(hand_over6("networkd", networkd_in_real_root(dir_ / "networkd", log), log), address);
}

// The same with NetworkManager: the profile earlynet left in its run
// directory names the lease's DUID and IAID (ipv6.dhcp-duid, dhcp-iaid).
TEST_F(HandoverTest, NetworkManagerInTheRealRootAsksForTheDhcp6AddressAsTheSameClient) {
    std::string address = boot_initrd6({});
    ASSERT_FALSE(address.empty());
    std::string profile = slurp(dir_ / "nm" / "system-connections" / "c0.nmconnection");
    ASSERT_TRUE(contains(profile, "dhcp-duid=00:03:")) << profile;
    fs::path log = dir_ / "nm.log";
    expect_same_dhcp6_client(hand_over6("NetworkManager", network_manager(dir_ / "nm", log), log), address);
}

// Debian 12's NetworkManager (the real binary, with a
// private D-Bus system bus) takes the device over in the real root from
// earlynet's files alone: the profile in /run/NetworkManager/system-
// connections, devices/IFINDEX and the internal lease file. It keeps the
// address and asks for it again (INIT-REBOOT from ADDRESS=): no DISCOVER, no
// removal. It runs in the test's network namespace (where it uses no udev)
// and a mount namespace of its own: a read-only sysfs, its own /run with our
// directory as /run/NetworkManager, its own /etc/NetworkManager and
// /var/lib/NetworkManager.
TEST_F(HandoverTest, NetworkManagerInTheRealRootKeepsTheAddressAndAsksForItAgain) {
    boot_initrd();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(fs::exists(dir_ / "nm" / "system-connections") && !fs::is_empty(dir_ / "nm" / "system-connections"))
        << "no profile where NetworkManager looks";
    fs::path log = dir_ / "nm.log";
    Handover h = hand_over("NetworkManager", network_manager(dir_ / "nm", log), log);
    expect_kept(h);
}

// The reference for the figures above, in the same run: NetworkManager's own
// initrd (nm-initrd-generator, then NetworkManager --configure-and-quit=initrd
// with no D-Bus, as dracut's network-manager module runs it), then the real
// root's NetworkManager on what it left. Asserted: both did their part (the
// initrd configured c0, the real root asked the server); the figures are
// printed beside earlynet's, not judged.
TEST_F(HandoverTest, ReferenceNmInitrdThenNetworkManager) {
    server_ = serve_c0();
    ASSERT_TRUE(server_);
    fs::path run_dir = dir_ / "nm-initrd";
    fs::create_directories(run_dir / "system-connections");
    fs::create_directories(dir_ / "nm-initrd-etc" / "conf.d");
    std::ofstream(dir_ / "nm-initrd-etc" / "NetworkManager.conf") << "[main]\nplugins=keyfile\n";
    auto generated = run_command({"/usr/lib/NetworkManager/nm-initrd-generator", "-c",
                                  (run_dir / "system-connections").string(), "-i", (dir_ / "initrd").string(), "-r",
                                  (dir_ / "nm-initrd-etc" / "conf.d").string(), "--", "ip=c0:dhcp"});
    ASSERT_EQ(generated.status, 0) << generated.err;
    fs::create_directories(dir_ / "nm-initrd-var");
    std::string script =
        "mount --make-rprivate / && mount -t sysfs -o ro sysfs /sys && mount -t tmpfs tmpfs /run && "
        "mkdir -p /run/NetworkManager && mount --bind \"$0\" /run/NetworkManager && "
        "mount --bind \"$1\" /etc/NetworkManager && mount --bind \"$2\" /var/lib/NetworkManager && "
        "exec NetworkManager --configure-and-quit=initrd --no-daemon --debug 2>\"$3\"";
    auto initrd = run_command({"unshare", "-m", "sh", "-c", script, run_dir.string(), (dir_ / "nm-initrd-etc").string(),
                               (dir_ / "nm-initrd-var").string(), (dir_ / "nm-initrd.log").string()});
    ASSERT_EQ(initrd.status, 0) << slurp(dir_ / "nm-initrd.log");
    ASSERT_FALSE(first_inet(ip("-4 -o addr show dev c0")).empty()) << slurp(dir_ / "nm-initrd.log");
    fs::path log = dir_ / "nm.log";
    Handover h = hand_over("nm-initrd", network_manager(run_dir, log), log);
    EXPECT_TRUE(h.asked) << "the real root's NetworkManager never asked the server: " << h.server_log;
}

}  // namespace
}  // namespace earlynet::test
