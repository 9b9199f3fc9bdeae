// The local API (io.earlynet.Network over varlink) of a real `earlynet run`
// in namespaces against dnsmasq, through the commands on top of it:
// `status` asks the daemon, `renew` makes it send a REQUEST now, and
// `wait-online` returns when a Subscribe update says the network is online,
// `down` and `up` take a device down and activate it again.
#include <sys/stat.h>

#include <chrono>
#include <regex>
#include <thread>

#include "test/netns/run_fixture.h"

namespace earlynet::test {
namespace {

using namespace std::chrono_literals;

class ApiTest : public RunTest {
protected:
    // The daemon is up once its socket answers; it binds it after reading
    // the profiles.
    bool wait_for_socket() {
        for (int i = 0; i < 100; ++i) {
            if (fs::exists(api_socket())) return true;
            std::this_thread::sleep_for(50ms);
        }
        return false;
    }

    CommandResult earlynet(std::vector<std::string> args) {
        args.insert(args.begin(), binary());
        args.push_back("--api-socket");
        args.push_back(api_socket());
        return run_command(args);
    }

    // Until status (from the daemon) shows `outcome` for the device.
    bool wait_for_outcome(const std::string& device, const std::string& outcome) {
        for (int i = 0; i < 300; ++i) {
            auto status = earlynet({"status", "--json", "--state-dir", "/nonexistent"});
            if (contains(status.out, "\"interface\": \"" + device + "\"") &&
                contains(status.out, "\"outcome\": \"" + outcome + "\""))
                return true;
            std::this_thread::sleep_for(50ms);
        }
        return false;
    }

    // As an unprivileged user (nobody): reading is open to any local user,
    // changing is root's.
    CommandResult earlynet_as_nobody(std::vector<std::string> args) {
        args.insert(args.begin(), {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--", binary()});
        args.push_back("--api-socket");
        args.push_back(api_socket());
        return run_command(args);
    }
};

TEST_F(ApiTest, StatusRenewAndWaitOnlineAskTheRunningDaemon) {
    auto server = serve_c0();
    ASSERT_TRUE(server);
    generate("ip=c0:dhcp");
    BackgroundProcess daemon(run_argv(false));
    ASSERT_TRUE(wait_for_socket());

    auto online = earlynet({"wait-online", "--timeout", "20", "--state-dir", "/nonexistent"});
    ASSERT_EQ(online.status, 0) << online.err;
    EXPECT_TRUE(contains(ip("-4 -o addr show dev c0"), "inet 10.77.0.")) << "online means addressed";

    // The state directory given is empty: what status shows came from the daemon.
    auto status = earlynet({"status", "--state-dir", (dir_ / "nowhere").string()});
    EXPECT_EQ(status.status, 0) << status.err;
    EXPECT_TRUE(contains(status.out, "c0")) << status.out;
    EXPECT_TRUE(contains(status.out, "10.77.0.")) << status.out;
    auto json = earlynet({"status", "--json", "--state-dir", (dir_ / "nowhere").string()});
    EXPECT_EQ(json.status, 0) << json.err;
    EXPECT_TRUE(contains(json.out, "\"interface\": \"c0\"")) << json.out;
    EXPECT_TRUE(contains(json.out, "\"routers\": \"10.77.0.1\"")) << "lease options decoded: " << json.out;

    // renew: one more REQUEST/ACK, for the same lease (no DISCOVER).
    int acks = server->count_in_log("DHCPACK(s0)");
    auto renew = earlynet({"renew", "c0"});
    ASSERT_EQ(renew.status, 0) << renew.err;
    bool renewed = false;
    for (int i = 0; i < 100 && !renewed; ++i) {
        renewed = server->count_in_log("DHCPACK(s0)") > acks;
        if (!renewed) std::this_thread::sleep_for(50ms);
    }
    EXPECT_TRUE(renewed) << server->log();
    EXPECT_EQ(server->count_in_log_after("DHCPACK(s0)", "DHCPDISCOVER(s0)"), 0) << server->log();

    auto unknown = earlynet({"renew", "nosuch0"});
    EXPECT_EQ(unknown.status, 1);
    EXPECT_TRUE(contains(unknown.err, "io.earlynet.Network.NoSuchInterface")) << unknown.err;

    // Another local user may look, not change.
    ::chmod(dir_.c_str(), 0755);
    auto looked = earlynet_as_nobody({"status", "--state-dir", (dir_ / "nowhere").string()});
    EXPECT_EQ(looked.status, 0) << looked.err;
    EXPECT_TRUE(contains(looked.out, "c0")) << looked.out;
    acks = server->count_in_log("DHCPACK(s0)");
    auto refused = earlynet_as_nobody({"renew", "c0"});
    EXPECT_EQ(refused.status, 1);
    EXPECT_TRUE(contains(refused.err, "PermissionDenied")) << refused.err;

    ASSERT_EQ(::kill(daemon.pid(), SIGTERM), 0);
    EXPECT_EQ(daemon.wait().status, 0);
    EXPECT_EQ(server->count_in_log("DHCPACK(s0)"), acks) << "nobody's renew sent nothing";
    // With the daemon gone, status reads the state it left.
    auto after = earlynet({"status", "--state-dir", (dir_ / "state").string()});
    EXPECT_EQ(after.status, 0) << after.err;
    EXPECT_TRUE(contains(after.out, "c0")) << after.out;
}

// wait-online started before any server answers returns once the lease is
// there, which only a Subscribe update can tell it; without a server it
// gives up at its timeout.
TEST_F(ApiTest, WaitOnlineFollowsTheDaemonsUpdates) {
    cable("c0", "s0", "10.77.0.1/24");
    generate("ip=c0:dhcp");
    BackgroundProcess daemon(run_argv(false));
    ASSERT_TRUE(wait_for_socket());

    auto gave_up = earlynet({"wait-online", "--timeout", "1", "--state-dir", "/nonexistent"});
    EXPECT_EQ(gave_up.status, 1);
    EXPECT_TRUE(contains(gave_up.err, "not online after 1 s")) << gave_up.err;

    std::vector<std::string> argv{binary(), "wait-online",  "--interface", "c0",          "--timeout",
                                  "30",     "--api-socket", api_socket(),  "--state-dir", "/nonexistent"};
    BackgroundProcess waiting(argv);
    std::this_thread::sleep_for(1s);
    EXPECT_EQ(::waitpid(waiting.pid(), nullptr, WNOHANG), 0) << "nothing is online yet";
    auto server = serve("s0");
    ASSERT_TRUE(server);
    auto waited = waiting.wait();
    EXPECT_EQ(waited.status, 0) << waited.out;
    EXPECT_TRUE(contains(ip("-4 -o addr show dev c0"), "inet 10.77.0.")) << "it returned once c0 was addressed";

    ASSERT_EQ(::kill(daemon.pid(), SIGTERM), 0);
    daemon.wait();
}

// down: DHCP stopped, the address removed, the link down, state "down", its
// DNS server out of resolv.conf; refused without --force for the device the
// root is reached through, and to anyone but root. up: activated again, with
// a new exchange with the server.
TEST_F(ApiTest, DownAndUpTakeADeviceDownAndActivateItAgain) {
    auto server = serve_c0({"--dhcp-option=option:dns-server,10.77.0.53"});
    ASSERT_TRUE(server);
    generate("ip=c0:dhcp");
    auto argv = run_argv(false);
    argv.insert(argv.end(), {"--network-root", "c0"});
    BackgroundProcess daemon(argv);
    ASSERT_TRUE(wait_for_socket());
    auto online = earlynet({"wait-online", "-i", "c0", "--timeout", "20", "--state-dir", "/nonexistent"});
    ASSERT_EQ(online.status, 0) << online.err;
    ASSERT_TRUE(contains(slurp(dir_ / "resolv.conf"), "10.77.0.53"));

    auto refused = earlynet({"down", "c0"});
    EXPECT_EQ(refused.status, 1);
    EXPECT_TRUE(contains(refused.err, "io.earlynet.Network.NetworkRoot")) << refused.err;
    EXPECT_TRUE(contains(ip("-4 -o addr show dev c0"), "inet 10.77.0.")) << "a refused down changed nothing";
    ::chmod(dir_.c_str(), 0755);
    auto not_root = earlynet_as_nobody({"down", "c0", "--force"});
    EXPECT_EQ(not_root.status, 1);
    EXPECT_TRUE(contains(not_root.err, "PermissionDenied")) << not_root.err;
    EXPECT_TRUE(contains(ip("-4 -o addr show dev c0"), "inet 10.77.0."));

    std::smatch leased;
    std::string before = ip("-4 -o addr show dev c0");
    ASSERT_TRUE(std::regex_search(before, leased, std::regex(R"(inet (10\.77\.0\.\d+)/24)"))) << before;
    std::string address = leased[1];
    auto down = earlynet({"down", "c0", "--force"});
    ASSERT_EQ(down.status, 0) << down.err;
    EXPECT_FALSE(contains(ip("-4 -o addr show dev c0"), "inet 10.77.0."));
    EXPECT_FALSE(contains(ip("-o link show dev c0"), ",UP")) << ip("-o link show dev c0");
    EXPECT_TRUE(wait_for_outcome("c0", "down"));
    EXPECT_TRUE(contains(slurp(dir_ / "state" / "c0.json"), "\"outcome\": \"down\""));
    EXPECT_FALSE(contains(slurp(dir_ / "resolv.conf"), "10.77.0.53"));
    // It stays down: nothing is sent for it, and asking again changes nothing.
    int acks = server->count_in_log("DHCPACK(s0)");
    EXPECT_EQ(earlynet({"down", "c0"}).status, 0);
    auto renew = earlynet({"renew", "c0"});
    EXPECT_EQ(renew.status, 1);
    EXPECT_TRUE(contains(renew.err, "CannotRenew")) << renew.err;

    // Up asks for the address it had (INIT-REBOOT), as after a carrier loss:
    // a root reached through it finds the same address again.
    int discovers = server->count_in_log("DHCPDISCOVER(s0)");
    auto up = earlynet({"up", "c0"});
    ASSERT_EQ(up.status, 0) << up.err;
    auto again = earlynet({"wait-online", "-i", "c0", "--timeout", "20", "--state-dir", "/nonexistent"});
    ASSERT_EQ(again.status, 0) << again.err;
    EXPECT_TRUE(contains(ip("-4 -o addr show dev c0"), "inet " + address + "/24"));
    EXPECT_GT(server->count_in_log("DHCPACK(s0)"), acks) << server->log();
    EXPECT_EQ(server->count_in_log("DHCPDISCOVER(s0)"), discovers) << "asked for " << address << " again, "
                                                                   << "no DISCOVER: " << server->log();
    EXPECT_TRUE(contains(slurp(dir_ / "resolv.conf"), "10.77.0.53"));
    EXPECT_EQ(earlynet({"up", "c0"}).status, 0) << "up on an activated device is nothing to do";
    // Down and up once more: the same address again, still no DISCOVER.
    ASSERT_EQ(earlynet({"down", "c0", "--force"}).status, 0);
    ASSERT_TRUE(wait_for_outcome("c0", "down"));
    ASSERT_EQ(earlynet({"up", "c0"}).status, 0);
    ASSERT_EQ(earlynet({"wait-online", "-i", "c0", "--timeout", "20", "--state-dir", "/nonexistent"}).status, 0);
    EXPECT_TRUE(contains(ip("-4 -o addr show dev c0"), "inet " + address + "/24"));
    EXPECT_EQ(server->count_in_log("DHCPDISCOVER(s0)"), discovers) << server->log();

    auto unknown = earlynet({"up", "nosuch0"});
    EXPECT_EQ(unknown.status, 1);
    EXPECT_TRUE(contains(unknown.err, "io.earlynet.Network.NoSuchInterface")) << unknown.err;

    ASSERT_EQ(::kill(daemon.pid(), SIGTERM), 0);
    EXPECT_EQ(daemon.wait().status, 0);
}

// renew on an IPv6-only device: a DHCPv6 RENEW to the server now, for the
// same address (no SOLICIT), long before T1.
TEST_F(ApiTest, RenewSendsADhcp6RenewForAnIpv6OnlyDevice) {
    auto server = serve_dhcp6_to_c0();
    ASSERT_TRUE(server);
    BackgroundProcess daemon(run_argv(false));
    ASSERT_TRUE(wait_for_socket());
    auto online = earlynet({"wait-online", "-i", "c0", "--timeout", "20", "--state-dir", "/nonexistent"});
    ASSERT_EQ(online.status, 0) << online.err;
    int solicits = server->count_in_log("DHCPSOLICIT(s0)");
    ASSERT_EQ(server->count_in_log("DHCPRENEW(s0)"), 0) << server->log();

    auto renew = earlynet({"renew", "c0"});
    ASSERT_EQ(renew.status, 0) << renew.err;
    bool renewed = false;
    for (int i = 0; i < 100 && !renewed; ++i) {
        renewed = server->count_in_log_after("DHCPRENEW(s0)", "DHCPREPLY(s0)") > 0;
        if (!renewed) std::this_thread::sleep_for(50ms);
    }
    EXPECT_TRUE(renewed) << server->log();
    EXPECT_EQ(server->count_in_log("DHCPSOLICIT(s0)"), solicits) << server->log();
    ASSERT_EQ(::kill(daemon.pid(), SIGTERM), 0);
    daemon.wait();
    EXPECT_TRUE(contains(ip("-6 -o addr show dev c0 scope global"), "inet6 2001:db8:77:"));
}

// A device that failed (no server answered in time) is tried again by up.
TEST_F(ApiTest, UpTriesAFailedDeviceAgain) {
    cable("c0", "s0", "10.77.0.1/24");
    generate("ip=c0:dhcp rd.net.timeout.dhcp=2");
    BackgroundProcess daemon(run_argv(false));
    ASSERT_TRUE(wait_for_socket());
    ASSERT_TRUE(wait_for_outcome("c0", "failed"));

    auto server = serve("s0");
    ASSERT_TRUE(server);
    auto up = earlynet({"up", "c0"});
    ASSERT_EQ(up.status, 0) << up.err;
    auto online = earlynet({"wait-online", "-i", "c0", "--timeout", "20", "--state-dir", "/nonexistent"});
    EXPECT_EQ(online.status, 0) << online.err;
    EXPECT_TRUE(contains(ip("-4 -o addr show dev c0"), "inet 10.77.0."));

    ASSERT_EQ(::kill(daemon.pid(), SIGTERM), 0);
    daemon.wait();
}

}  // namespace
}  // namespace earlynet::test
