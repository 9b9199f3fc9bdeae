// The fixture of `earlynet run` end-to-end tests: a temp directory for the
// profiles, state, dracut files and hooks; cables into a server namespace
// with a real dnsmasq; helpers to generate profiles, run the binary and read
// what it left. Shared by the run, fault and state-fault suites.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "test/netns/dnsmasq_server.h"
#include "test/netns/netns_fixture.h"

namespace earlynet::test {

namespace fs = std::filesystem;

inline std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

// c0's generated profile with ipv6.method=dhcp instead of auto (what a
// profile or iBFT may say): DHCPv6 without waiting for a router advertisement.
inline void use_ipv6_method_dhcp(const fs::path& profile) {
    std::string text = slurp(profile);
    auto at = text.find("[ipv6]");
    ASSERT_NE(at, std::string::npos) << text;
    at = text.find("method=auto", at);
    ASSERT_NE(at, std::string::npos) << text;
    text.replace(at, 11, "method=dhcp");
    std::ofstream(profile, std::ios::trunc) << text;
}

class RunTest : public NetnsTest {
protected:
    void SetUp() override {
        NetnsTest::SetUp();
        if (HasFatalFailure()) return;
        char tmpl[] = "/tmp/earlynet-run-test-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        for (const char* d : {"profiles", "conf", "initrd", "state", "tmp", "hooks/initqueue/online", "nm"})
            fs::create_directories(dir_ / d);
        // An online hook that records how it was called, as dracut's would be.
        std::ofstream hook(dir_ / "hooks/initqueue/online/50-record.sh");
        hook << "echo \"online $1 netif=$netif\" >> '" << (dir_ / "hooks.log").string() << "'\n";
    }
    void TearDown() override {
        // A background earlynet a failed test left (it names itself in its
        // PID file): stopped by that PID, before its directory goes.
        if (!dir_.empty()) {
            std::ifstream pid_file(dir_ / "tmp" / "earlynet.pid");
            pid_t pid = 0;
            if (pid_file >> pid && pid > 1 && slurp("/proc/" + std::to_string(pid) + "/comm") == "earlynet\n")
                ::kill(pid, SIGTERM);
        }
        std::error_code ec;
        if (!dir_.empty()) fs::remove_all(dir_, ec);
        NetnsTest::TearDown();
    }

    static std::string binary() {
        const char* b = std::getenv("EARLYNET_BINARY");
        return b ? b : "earlynet";
    }

    // A veth from the test namespace (name) to the server namespace (peer_name).
    void cable(const std::string& name, const std::string& peer_name, const std::string& server_address) {
        add_veth(name, peer_name);
        ip("link set " + peer_name + " netns " + peer_namespace().name());
        if (!server_address.empty()) ip_in(peer_namespace(), "addr add " + server_address + " dev " + peer_name);
        ip_in(peer_namespace(), "link set " + peer_name + " up");
    }

    // A veth whose far end (peer_name) waits, down, in the server's
    // namespace: a NIC without a cable (no carrier) until that end is set up.
    void uncabled(const std::string& name, const std::string& peer_name) {
        add_veth(name, peer_name);
        ip("link set " + peer_name + " netns " + peer_namespace().name());
    }

    std::unique_ptr<DnsmasqServer> serve(const std::string& interface, std::vector<std::string> extra = {},
                                         std::string range = "10.77.0.10,10.77.0.250,255.255.255.0") {
        DnsmasqConfig c;
        c.interface = interface;
        c.range = range;
        c.arguments = std::move(extra);
        return DnsmasqServer::start(peer_namespace(), c);
    }

    // c0 cabled to s0 (10.77.0.1/24) in the server's namespace, with dnsmasq
    // on s0 handing out 2-minute leases (its shortest) with a router, and
    // `extra` arguments.
    std::unique_ptr<DnsmasqServer> serve_c0(std::vector<std::string> extra = {}) {
        cable("c0", "s0", "10.77.0.1/24");
        DnsmasqConfig c;
        c.interface = "s0";
        c.lease_time = "2m";
        c.arguments = {"--dhcp-option=option:router,10.77.0.1"};
        c.arguments.insert(c.arguments.end(), extra.begin(), extra.end());
        return DnsmasqServer::start(peer_namespace(), c);
    }

    // Two cables (c0, c1) into one switch (a bridge on the server's side)
    // with dnsmasq on it: a bond's or a bridge's two ports.
    std::unique_ptr<DnsmasqServer> serve_two_cables() {
        cable("c0", "s0", "");
        cable("c1", "s1", "");
        ip_in(peer_namespace(), "link add sbr type bridge");
        ip_in(peer_namespace(), "link set s0 master sbr");
        ip_in(peer_namespace(), "link set s1 master sbr");
        ip_in(peer_namespace(), "addr add 10.77.0.1/24 dev sbr");
        ip_in(peer_namespace(), "link set sbr up");
        return serve("sbr");
    }

    void generate(const std::string& cmdline) {
        std::vector<std::string> argv{binary(), "generate",
                                      "-c",     (dir_ / "profiles").string(),
                                      "-r",     (dir_ / "conf").string(),
                                      "-i",     (dir_ / "initrd").string(),
                                      "--"};
        for (auto& w : split_words(cmdline)) argv.push_back(w);
        auto r = run_command(argv);
        ASSERT_EQ(r.status, 0) << r.err;
    }

    // c0 cabled to s0, which has 2001:db8:77::1/64 and a DHCPv6 server (with
    // `extra` dnsmasq arguments), and ip=c0:dhcp6 profiles whose ipv6.method
    // is dhcp: DHCPv6 without waiting for a router advertisement. nullptr
    // (the test failed) when dnsmasq does not start.
    std::unique_ptr<DnsmasqServer> serve_dhcp6_to_c0(std::vector<std::string> extra = {}) {
        cable("c0", "s0", "");
        ip_in(peer_namespace(), "-6 addr add 2001:db8:77::1/64 dev s0 nodad");
        auto server = serve("s0", std::move(extra), "2001:db8:77::100,2001:db8:77::1ff,64");
        if (!server) return nullptr;
        generate("ip=c0:dhcp6 rd.net.timeout.carrier=5");
        use_ipv6_method_dhcp(dir_ / "profiles" / "c0.nmconnection");
        return server;
    }

    std::vector<std::string> run_argv(bool quit) {
        std::vector<std::string> argv{binary(), "run"};
        if (quit) argv.push_back("--configure-and-quit");
        for (const std::string& a : std::vector<std::string>{"-c",
                                                             (dir_ / "profiles").string(),
                                                             "-r",
                                                             (dir_ / "conf").string(),
                                                             "-i",
                                                             (dir_ / "initrd").string(),
                                                             "--state-dir",
                                                             (dir_ / "state").string(),
                                                             "--api-socket",
                                                             api_socket(),
                                                             "--tmp-dir",
                                                             (dir_ / "tmp").string(),
                                                             "--hook-dir",
                                                             (dir_ / "hooks").string(),
                                                             "--netroot",
                                                             "",
                                                             "--nm-run-dir",
                                                             (dir_ / "nm").string(),
                                                             "--resolv-conf",
                                                             (dir_ / "resolv.conf").string(),
                                                             "--hostname-file",
                                                             (dir_ / "hostname").string()})
            argv.push_back(a);
        return argv;
    }

    // The real root's `earlynet run --import` in the background, its log in `log`.
    std::unique_ptr<BackgroundProcess> start_import(const fs::path& log) {
        std::vector<std::string> argv{"sh", "-c", "exec \"$@\" 2>\"$0\"", log.string()};
        for (auto& a : run_argv(false)) argv.push_back(a);
        argv.push_back("--import");
        return std::make_unique<BackgroundProcess>(argv);
    }

    // The local API's socket of this test's `earlynet run`.
    std::string api_socket() const { return (dir_ / "io.earlynet.Network").string(); }

    CommandResult run() {
        auto r = run_command(run_argv(true));
        log_ = r.err;
        return r;
    }

    std::string status_json() {
        auto r =
            run_command({binary(), "status", "--json", "--state-dir", (dir_ / "state").string(), "--api-socket", ""});
        EXPECT_EQ(r.status, 0) << r.err;
        return r.out;
    }

    // What /bin/sh makes of a dracut file: sources it and prints one variable.
    std::string sourced(const std::string& file, const std::string& variable) {
        auto r = run_command(
            {"/bin/sh", "-c", ". \"$1\" && printf '%s' \"$" + variable + "\"", "sh", (dir_ / "tmp" / file).string()});
        EXPECT_EQ(r.status, 0) << r.err;
        return r.out;
    }

    fs::path dir_;
    std::string log_;
};

}  // namespace earlynet::test
