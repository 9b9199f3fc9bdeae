// The fault suite's state scenarios, against the real binary, the
// real kernel and a real dnsmasq in network namespaces:
//
// - earlynet SIGKILLed at random points while it starts and while it renews,
//   many times: the state directory never holds a torn, empty or half-written
//   record, `earlynet status` always answers (exit 0, never a crash or a
//   hang), a temporary a kill leaves behind is harmless and cleared by the
//   next writer, and the next run recovers (the device up, its record whole
//   and carrying the lease the kernel has);
// - `run --import` on a state directory that must not be trusted: corrupt,
//   truncated, empty, from a future version, or stale (another ifindex or
//   MAC, a lease that has ended or that began in another boot, a profile that
//   no longer matches): a report naming the file and what is wrong, the
//   device activated anew, and nothing of the record continued: an
//   unreadable record or another profile's means a DISCOVER; a readable one
//   of this profile means its address is asked for again first (INIT-REBOOT).
//
// The kill points come from a seeded generator; the seed is printed with
// every failure and can be given back with EARLYNET_FAULT_SEED=N.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "state/device_record.h"
#include "test/netns/run_fixture.h"

namespace earlynet::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

std::int64_t boottime_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_BOOTTIME, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// Polls `done` every 20 ms until it holds or `timeout` has passed.
bool wait_for(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    auto until = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
        if (std::chrono::steady_clock::now() >= until) return false;
        std::this_thread::sleep_for(20ms);
    }
    return true;
}

std::uint32_t fault_seed() {
    if (const char* s = std::getenv("EARLYNET_FAULT_SEED"))
        return static_cast<std::uint32_t>(std::strtoul(s, nullptr, 10));
    return std::random_device{}();
}

// "inet 10.77.0.23/24 ..." -> "10.77.0.23", or "" when there is none.
std::string first_inet(const std::string& ip_output) {
    auto at = ip_output.find("inet ");
    if (at == std::string::npos) return "";
    at += 5;
    return ip_output.substr(at, ip_output.find('/', at) - at);
}

json parse_or_null(const std::string& text) {
    json j = json::parse(text, nullptr, false);
    return j.is_discarded() ? json(nullptr) : j;
}

class StateFaultTest : public RunTest {
protected:
    fs::path state_dir() const { return dir_ / "state"; }
    fs::path record_path() const { return dir_ / "state" / "c0.json"; }

    // `earlynet ARGV...` in the background, its log (stderr) into `log`; the
    // shell execs it, so the pid is earlynet's.
    static std::unique_ptr<BackgroundProcess> start(const std::vector<std::string>& argv, const fs::path& log) {
        std::vector<std::string> sh{"/bin/sh", "-c", "exec \"$0\" \"$@\" 2>'" + log.string() + "'"};
        sh.insert(sh.end(), argv.begin(), argv.end());
        return std::make_unique<BackgroundProcess>(sh);
    }
    std::vector<std::string> import_argv() {
        auto argv = run_argv(false);
        argv.push_back("--import");
        return argv;
    }

    struct Status {
        int exit = -1;
        std::string out;
        std::string err;
    };
    // `earlynet status [--json]`, bounded: a hang ends with timeout's 124.
    Status status(bool as_json) {
        std::vector<std::string> argv{"timeout",      "10", binary(), "status", "--state-dir", state_dir().string(),
                                      "--api-socket", ""};
        if (as_json) argv.push_back("--json");
        auto r = run_command(argv);
        return {r.status, r.out, r.err};
    }

    // The hidden names in the state directory: write_file_atomically's
    // temporaries, left by a writer killed between create and rename.
    std::vector<std::string> temporaries() const {
        std::vector<std::string> names;
        for (const auto& e : fs::directory_iterator(state_dir()))
            if (e.path().filename().string().starts_with(".")) names.push_back(e.path().filename().string());
        return names;
    }

    // What must hold whenever earlynet has stopped, however it stopped: every
    // record is whole (`status --json` reads it, reports nothing corrupt and
    // skips no file), a leftover temporary is hidden and changes nothing,
    // `status` answers in text too, and a record that says the device is up
    // carries the lease the kernel has. Returns c0's record (null if none).
    json expect_whole_state(const std::string& when) {
        Status s = status(true);
        EXPECT_EQ(s.exit, 0) << when << ": status --json: " << s.out << s.err;
        json parsed = parse_or_null(s.out);
        EXPECT_TRUE(parsed.is_object()) << when << ": status --json printed: " << s.out;
        if (!parsed.is_object()) return nullptr;
        EXPECT_EQ(parsed.value("corrupt", json::array()), json::array()) << when << ": " << s.out;
        std::vector<std::string> records;
        for (const auto& e : fs::directory_iterator(state_dir())) {
            auto name = e.path().filename().string();
            if (name.starts_with(".")) {
                EXPECT_TRUE(name.starts_with(".c0.json.tmp")) << when << ": unexpected file " << name;
                continue;
            }
            EXPECT_EQ(name, "c0.json") << when;
            EXPECT_GT(fs::file_size(e.path()), 0u) << when << ": an empty record";
            records.push_back(name);
        }
        EXPECT_EQ(parsed["devices"].size(), records.size()) << when << ": a record status did not read: " << s.out;
        Status text = status(false);
        EXPECT_EQ(text.exit, 0) << when << ": status: " << text.out << text.err;
        EXPECT_TRUE(contains(text.out, records.empty() ? "no devices in the state" : "c0: ")) << when << text.out;

        json device = nullptr;
        for (const auto& d : parsed["devices"])
            if (d.value("interface", "") == "c0") device = d;
        if (device.is_null()) return device;
        EXPECT_EQ(device["ifindex"], ifindex()) << when;
        if (device["outcome"] == "activated") {
            EXPECT_TRUE(device["lease"].is_object())
                << when << ": activated by DHCP without a lease: " << device.dump();
            if (device["lease"].is_object()) {
                auto addresses = ip("-4 -o addr show dev c0");
                EXPECT_TRUE(contains(addresses, "inet " + device["lease"].value("address", "?") + "/"))
                    << when << ": the record's lease is not on c0: " << addresses << device.dump();
            }
        }
        return device;
    }

    int ifindex() {
        auto link = ip("-o link show c0");
        return std::atoi(link.substr(0, link.find(':')).c_str());
    }
    std::string mac() {
        auto link = ip("-o link show c0");
        auto at = link.find("link/ether ");
        std::string m = at == std::string::npos ? "" : link.substr(at + 11, 17);
        // Records carry MACs as NetworkManager writes them: upper case.
        std::transform(m.begin(), m.end(), m.begin(), ::toupper);
        return m;
    }
    std::string kernel_address() { return first_inet(ip("-4 -o addr show dev c0")); }
    std::string profile_uuid() {
        auto text = slurp(dir_ / "profiles" / "c0.nmconnection");
        auto at = text.find("\nuuid=");
        return at == std::string::npos ? "" : text.substr(at + 6, text.find('\n', at + 6) - at - 6);
    }

    json record() { return parse_or_null(slurp(record_path())); }
    void rewrite_record(const std::function<void(json&)>& change) {
        json r = record();
        ASSERT_TRUE(r.is_object()) << slurp(record_path());
        change(r);
        std::ofstream(record_path(), std::ios::trunc) << r.dump(2) << "\n";
    }

    // --- run --import on a state directory that cannot be trusted -------------

    // The initrd's `run --configure-and-quit`: c0 up by DHCP (a 2-minute
    // lease, T1 and T2 at dnsmasq's defaults, so nothing renews meanwhile),
    // its record written.
    void boot_initrd() {
        server_ = serve_c0();
        ASSERT_TRUE(server_);
        generate("ip=c0:dhcp");
        auto r = run();
        ASSERT_EQ(r.status, 0) << log_;
        ASSERT_FALSE(kernel_address().empty());
        ASSERT_TRUE(record().is_object()) << slurp(record_path());
        // One, or more when a retransmission was needed (a busy machine).
        initrd_discovers_ = server_->count_in_log("DHCPDISCOVER(s0)");
        ASSERT_GE(initrd_discovers_, 1) << server_->log();
    }

    // `run --import` until c0's record carries a lease this run acquired (it
    // began after the import started), then SIGTERM. Returns its log.
    std::string import_until_a_fresh_lease() {
        std::int64_t started = boottime_ns();
        fs::path log = dir_ / "import.log";
        auto daemon = start(import_argv(), log);
        bool fresh = wait_for(
            [&] {
                json r = record();
                if (!r.is_object() || !r["lease"].is_object()) return false;
                auto acquired = r["lease"].value("acquired_boottime_ns", std::int64_t{0});
                return acquired > started && acquired <= boottime_ns();
            },
            20s);
        EXPECT_EQ(::kill(daemon->pid(), SIGTERM), 0);
        EXPECT_EQ(daemon->wait().status, 0);
        std::string text = slurp(log);
        EXPECT_TRUE(fresh) << "no lease of its own within 20 s: " << slurp(record_path()) << "\n" << text;
        return text;
    }

    // The device brought up as if there had been no record: a DISCOVER after
    // the initrd's, the address configured, and a record of
    // the device as it is now with the lease the kernel has.
    void expect_brought_up_fresh(const std::string& log) {
        EXPECT_GT(server_->count_in_log("DHCPDISCOVER(s0)"), initrd_discovers_)
            << "acquired anew: " << server_->log() << log;
        EXPECT_FALSE(contains(log, "continuing lease")) << "an untrusted lease was continued: " << log;
        EXPECT_FALSE(kernel_address().empty()) << ip("-4 -o addr show dev c0");
        json d = expect_whole_state("after the import");
        ASSERT_TRUE(d.is_object());
        EXPECT_EQ(d["outcome"], "activated") << d.dump();
        EXPECT_EQ(d["ifindex"], ifindex());
        EXPECT_EQ(d["mac"], mac());
        EXPECT_EQ(d["profile_uuid"], profile_uuid());
    }

    // A record of this profile that cannot be continued (another MAC, an
    // ended lease, another boot...): the device is activated anew, and the
    // lease's address asked for again (INIT-REBOOT, RFC 2131 3.2) before any
    // DISCOVER; dnsmasq still holds that lease and grants it.
    void expect_asked_for_again(const std::string& log, const std::string& address) {
        EXPECT_TRUE(contains(log, "asking for " + address + " again")) << log;
        EXPECT_EQ(server_->count_in_log("DHCPDISCOVER(s0)"), initrd_discovers_)
            << "asked for again, not discovered: " << server_->log() << log;
        EXPECT_FALSE(contains(log, "continuing lease")) << "an untrusted lease was continued: " << log;
        EXPECT_EQ(kernel_address(), address) << ip("-4 -o addr show dev c0");
        json d = expect_whole_state("after the import");
        ASSERT_TRUE(d.is_object());
        EXPECT_EQ(d["outcome"], "activated") << d.dump();
        EXPECT_EQ(d["ifindex"], ifindex());
        EXPECT_EQ(d["mac"], mac());
    }

    // The log's report: the file by its path, and what is wrong with it.
    void expect_report(const std::string& log, const std::string& what) {
        std::string path = record_path().string();
        bool found = false;
        std::istringstream lines(log);
        for (std::string line; std::getline(lines, line);)
            found = found || (contains(line, path) && contains(line, what));
        EXPECT_TRUE(found) << "no line naming " << path << " and '" << what << "':\n" << log;
    }

    std::unique_ptr<DnsmasqServer> server_;
    int initrd_discovers_ = 0;
};

// --- SIGKILL at random points ------------------------------------------------

TEST_F(StateFaultTest, KilledAtRandomPointsDuringStartItNeverLeavesATornRecordAndTheNextRunRecovers) {
    const std::uint32_t seed = fault_seed();
    SCOPED_TRACE("EARLYNET_FAULT_SEED=" + std::to_string(seed));
    std::mt19937 random(seed);
    cable("c0", "s0", "10.77.0.1/24");
    auto server = serve("s0", {"--dhcp-option=option:router,10.77.0.1"});
    ASSERT_TRUE(server);
    generate("ip=c0:dhcp");

    // Whole starts, to know how long one takes: the kills fall inside it. The
    // fastest of three: on a busy machine one may wait out a retransmitted
    // DISCOVER (4 s more), and kills spread over that would mostly come
    // after the next, quicker, starts had finished.
    auto whole = std::chrono::milliseconds::max();
    for (int i = 0; i < 3; ++i) {
        auto began = std::chrono::steady_clock::now();
        ASSERT_EQ(run().status, 0) << log_;
        whole = std::min(
            whole, std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began));
        expect_whole_state("after a whole start");
    }

    constexpr int kKills = 40;
    int killed = 0;
    pid_t dead_writer = 0;
    for (int i = 0; i < kKills && !HasFailure(); ++i) {
        // Every third start begins from nothing, as at boot (no record, no
        // address); the others find the last one's, as after a restarted
        // initqueue.
        if (i % 3 == 0) {
            for (const auto& e : fs::directory_iterator(state_dir())) fs::remove_all(e.path());
            ip("addr flush dev c0");
        }
        auto delay = std::chrono::milliseconds(std::uniform_int_distribution<long>(0, whole.count())(random));
        std::string when = "kill " + std::to_string(i) + " after " + std::to_string(delay.count()) + " ms";
        auto daemon = start(run_argv(true), dir_ / "killed.log");
        pid_t pid = daemon->pid();
        std::this_thread::sleep_for(delay);  // the random point to kill at, not a wait for an event
        ::kill(pid, SIGKILL);
        auto ended = daemon->wait();
        if (ended.status == -1) {
            ++killed;
            dead_writer = pid;
        } else {
            EXPECT_EQ(ended.status, 0) << when << ": " << slurp(dir_ / "killed.log");
        }
        expect_whole_state(when + "\n" + slurp(dir_ / "killed.log"));
    }
    EXPECT_GE(killed, kKills / 2) << "most starts must have been killed, not finished (a whole one took "
                                  << whole.count() << " ms)";

    // A temporary a writer killed mid-write left: torn, hidden, harmless.
    ASSERT_NE(dead_writer, 0);
    std::string torn = slurp(record_path());
    std::ofstream(state_dir() / (".c0.json.tmp" + std::to_string(dead_writer))) << torn.substr(0, torn.size() / 2);
    expect_whole_state("with a torn temporary");

    // The next run recovers: c0 up, its record whole with the lease, and no
    // temporary left behind.
    std::int64_t recovery = boottime_ns();
    auto r = run();
    ASSERT_EQ(r.status, 0) << log_;
    json d = expect_whole_state("after the recovery run");
    ASSERT_TRUE(d.is_object());
    EXPECT_EQ(d["outcome"], "activated") << d.dump();
    ASSERT_TRUE(d["lease"].is_object()) << d.dump();
    EXPECT_GT(d["lease"]["acquired_boottime_ns"].get<std::int64_t>(), recovery) << d.dump();
    EXPECT_EQ(temporaries(), std::vector<std::string>{}) << "the next writer clears what a killed one left";
}

TEST_F(StateFaultTest, KilledAtRandomPointsWhileRenewingItNeverLeavesATornRecordAndTheNextImportContinues) {
    const std::uint32_t seed = fault_seed();
    SCOPED_TRACE("EARLYNET_FAULT_SEED=" + std::to_string(seed));
    std::mt19937 random(seed);
    cable("c0", "s0", "10.77.0.1/24");
    // T1 = 2 s, T2 = 4 s on a 2-minute lease (dnsmasq ignores a T1 of 1 s):
    // an import that finds T1 passed renews at once, then every 2 s.
    DnsmasqConfig c;
    c.interface = "s0";
    c.lease_time = "2m";
    c.arguments = {"--dhcp-option=58,2", "--dhcp-option=59,4", "--dhcp-option=option:router,10.77.0.1"};
    auto server = DnsmasqServer::start(peer_namespace(), c);
    ASSERT_TRUE(server);
    generate("ip=c0:dhcp");
    ASSERT_EQ(run().status, 0) << log_;
    const std::string address = kernel_address();
    ASSERT_FALSE(address.empty());
    expect_whole_state("after the initrd's run");
    int acks_before = server->count_in_log("DHCPACK(s0)");
    const int discovers = server->count_in_log("DHCPDISCOVER(s0)");

    constexpr int kKills = 30;
    int killed = 0;
    pid_t dead_writer = 0;
    for (int i = 0; i < kKills && !HasFailure(); ++i) {
        auto delay = std::chrono::milliseconds(std::uniform_int_distribution<long>(0, 2500)(random));
        std::string when = "kill " + std::to_string(i) + " after " + std::to_string(delay.count()) + " ms";
        auto daemon = start(import_argv(), dir_ / "killed.log");
        pid_t pid = daemon->pid();
        std::this_thread::sleep_for(delay);  // the random point to kill at, not a wait for an event
        ::kill(pid, SIGKILL);
        if (daemon->wait().status == -1) {
            ++killed;
            dead_writer = pid;
        }
        std::string context = when + "\n" + slurp(dir_ / "killed.log");
        json d = expect_whole_state(context);
        // However it was killed, what the next import reads is the lease, whole.
        ASSERT_TRUE(d.is_object()) << context;
        EXPECT_EQ(d["outcome"], "activated") << context << d.dump();
        ASSERT_TRUE(d["lease"].is_object()) << context << d.dump();
        EXPECT_EQ(d["lease"]["address"], address) << context;
        EXPECT_EQ(kernel_address(), address) << context << "the address was removed";
    }
    EXPECT_EQ(killed, kKills) << "an import never ends by itself";
    EXPECT_GE(server->count_in_log("DHCPACK(s0)") - acks_before, kKills / 4)
        << "the kills must have fallen among renewals: " << server->log();
    EXPECT_EQ(server->count_in_log("DHCPDISCOVER(s0)"), discovers)
        << "the lease was always continued: " << server->log();

    ASSERT_NE(dead_writer, 0);
    std::string torn = slurp(record_path());
    std::ofstream(state_dir() / (".c0.json.tmp" + std::to_string(dead_writer))) << torn.substr(0, torn.size() / 2);
    expect_whole_state("with a torn temporary");

    // The next import continues the lease: it renews, and its record is whole.
    std::int64_t started = boottime_ns();
    auto daemon = start(import_argv(), dir_ / "import.log");
    bool renewed = wait_for(
        [&] {
            json r = record();
            return r.is_object() && r["lease"].is_object() &&
                   r["lease"].value("acquired_boottime_ns", std::int64_t{0}) > started;
        },
        10s);
    ASSERT_EQ(::kill(daemon->pid(), SIGTERM), 0);
    EXPECT_EQ(daemon->wait().status, 0);
    std::string log = slurp(dir_ / "import.log");
    EXPECT_TRUE(renewed) << log;
    EXPECT_FALSE(contains(log, "not trusted")) << log;
    json d = expect_whole_state("after the last import");
    ASSERT_TRUE(d.is_object());
    EXPECT_EQ(d["lease"]["address"], address);
    EXPECT_EQ(server->count_in_log("DHCPDISCOVER(s0)"), discovers) << server->log();
    EXPECT_EQ(temporaries(), std::vector<std::string>{}) << "the next writer clears what a killed one left";
}

// --- run --import on a record that cannot be trusted ---------------------------

TEST_F(StateFaultTest, ImportOfACorruptRecordReportsItAndBringsTheDeviceUpFresh) {
    boot_initrd();
    if (HasFatalFailure()) return;
    std::string text = slurp(record_path());
    text.replace(text.size() / 2, 12, std::string("\xff\x00#garbage!!", 12));
    std::ofstream(record_path(), std::ios::trunc) << text;
    auto s = status(true);
    EXPECT_EQ(s.exit, 1) << s.out;
    EXPECT_TRUE(contains(s.out, record_path().string())) << s.out;
    EXPECT_TRUE(contains(status(false).out, "corrupt state, not trusted: " + record_path().string()));

    std::string log = import_until_a_fresh_lease();
    expect_report(log, "not trusted");
    expect_report(log, "not JSON");
    expect_brought_up_fresh(log);
}

TEST_F(StateFaultTest, ImportOfATruncatedRecordReportsItAndBringsTheDeviceUpFresh) {
    boot_initrd();
    if (HasFatalFailure()) return;
    std::string text = slurp(record_path());
    std::ofstream(record_path(), std::ios::trunc) << text.substr(0, text.size() * 2 / 3);
    auto s = status(true);
    EXPECT_EQ(s.exit, 1) << s.out;

    std::string log = import_until_a_fresh_lease();
    expect_report(log, "not trusted");
    expect_report(log, "truncated");
    expect_brought_up_fresh(log);
}

TEST_F(StateFaultTest, ImportOfAnEmptyRecordReportsItAndBringsTheDeviceUpFresh) {
    boot_initrd();
    if (HasFatalFailure()) return;
    std::ofstream(record_path(), std::ios::trunc).flush();
    ASSERT_EQ(fs::file_size(record_path()), 0u);
    auto s = status(false);
    EXPECT_EQ(s.exit, 1) << s.out;
    EXPECT_TRUE(contains(s.out, "not trusted")) << s.out;

    std::string log = import_until_a_fresh_lease();
    expect_report(log, "not trusted");
    expect_report(log, "empty");
    expect_brought_up_fresh(log);
}

TEST_F(StateFaultTest, ImportOfARecordFromAFutureVersionReportsItAndBringsTheDeviceUpFresh) {
    boot_initrd();
    if (HasFatalFailure()) return;
    rewrite_record([](json& r) {
        r["version"] = state::kFormatVersion + 1;
        r["a_field_of_a_later_version"] = "unknown here";
    });
    auto s = status(true);
    EXPECT_EQ(s.exit, 1) << s.out;

    std::string log = import_until_a_fresh_lease();
    expect_report(log, "not trusted");
    expect_report(log, "version " + std::to_string(state::kFormatVersion + 1) + " is newer than");
    expect_brought_up_fresh(log);
}

// Stale: a record that reads well but describes another device, another
// lease time or another profile than the one there now.

TEST_F(StateFaultTest, ImportOfARecordOfAnotherIfindexAsksForItsAddressAgain) {
    boot_initrd();
    if (HasFatalFailure()) return;
    std::string address = kernel_address();
    rewrite_record([](json& r) { r["ifindex"] = r["ifindex"].get<int>() + 1000; });
    std::string log = import_until_a_fresh_lease();
    expect_asked_for_again(log, address);
}

TEST_F(StateFaultTest, ImportOfARecordOfAProfileThatNoLongerMatchesBringsTheDeviceUpFresh) {
    boot_initrd();
    if (HasFatalFailure()) return;
    std::string before = profile_uuid();
    generate("ip=c0:dhcp");  // the same command line makes a profile with a new UUID
    ASSERT_NE(profile_uuid(), before);
    ASSERT_EQ(record()["profile_uuid"], before);
    std::string log = import_until_a_fresh_lease();
    expect_brought_up_fresh(log);
}

TEST_F(StateFaultTest, ImportOfALeaseThatHasEndedAsksForItsAddressAgain) {
    boot_initrd();
    if (HasFatalFailure()) return;
    std::string address = kernel_address();
    // The lease (2 minutes) began 150 s ago by CLOCK_BOOTTIME: it has ended.
    ASSERT_GT(boottime_ns(), 200'000'000'000) << "this machine has been up for less than 200 s";
    rewrite_record([](json& r) {
        ASSERT_EQ(r["lease"]["lease_time_s"], 120);
        r["lease"]["acquired_boottime_ns"] = boottime_ns() - 150'000'000'000;
    });
    std::string log = import_until_a_fresh_lease();
    expect_asked_for_again(log, address);
}

TEST_F(StateFaultTest, ImportOfALeaseFromAnotherBootAsksForItsAddressAgain) {
    boot_initrd();
    if (HasFatalFailure()) return;
    std::string address = kernel_address();
    // Acquired "later" than now by CLOCK_BOOTTIME: not this boot's lease.
    rewrite_record([](json& r) { r["lease"]["acquired_boottime_ns"] = boottime_ns() + 3600'000'000'000; });
    std::string log = import_until_a_fresh_lease();
    expect_asked_for_again(log, address);
}

// What a start killed mid-way leaves: a whole record of a device that had
// not come up yet. Nothing of it may be continued.
TEST_F(StateFaultTest, ImportOfARecordOfAStartThatNeverFinishedAsksForItsAddressAgain) {
    boot_initrd();
    if (HasFatalFailure()) return;
    std::string address = kernel_address();
    rewrite_record([](json& r) { r["outcome"] = "activating"; });
    std::string log = import_until_a_fresh_lease();
    expect_asked_for_again(log, address);
}

// A MAC that changed is not adopted; the address is asked for again.
TEST_F(StateFaultTest, ImportOfARecordOfAnotherMacReportsItAndAsksForItsAddressAgain) {
    boot_initrd();
    if (HasFatalFailure()) return;
    std::string address = kernel_address();
    rewrite_record([](json& r) { r["mac"] = "02:00:5e:10:00:01"; });
    std::string log = import_until_a_fresh_lease();
    expect_report(log, "not trusted");
    expect_report(log, "'mac'");
    expect_asked_for_again(log, address);
}

TEST_F(StateFaultTest, ImportReportsARecordOfAnotherIfindexNamingTheFile) {
    boot_initrd();
    if (HasFatalFailure()) return;
    rewrite_record([](json& r) { r["ifindex"] = r["ifindex"].get<int>() + 1000; });
    std::string log = import_until_a_fresh_lease();
    expect_report(log, "not trusted");
    expect_report(log, "'ifindex'");
}

TEST_F(StateFaultTest, ImportReportsARecordOfAProfileThatNoLongerMatchesNamingTheFile) {
    boot_initrd();
    if (HasFatalFailure()) return;
    generate("ip=c0:dhcp");
    std::string log = import_until_a_fresh_lease();
    expect_report(log, "not trusted");
    expect_report(log, "'profile_uuid'");
}

TEST_F(StateFaultTest, ImportReportsALeaseThatHasEndedNamingTheFile) {
    boot_initrd();
    if (HasFatalFailure()) return;
    ASSERT_GT(boottime_ns(), 200'000'000'000) << "this machine has been up for less than 200 s";
    rewrite_record([](json& r) { r["lease"]["acquired_boottime_ns"] = boottime_ns() - 150'000'000'000; });
    std::string log = import_until_a_fresh_lease();
    expect_report(log, "not trusted");
    expect_report(log, "ended");
}

// The NIC's MAC changed between the initrd and the real root. Not
// adopted, but the address is asked for again with the client identifier
// the server bound the lease to: the saved one (dnsmasq, authoritative,
// would NAK an identifier made from the new MAC and hand out another address).
TEST_F(StateFaultTest, ImportAfterTheMacChangedAsksForTheAddressAgainWithTheSavedClientIdentifier) {
    boot_initrd();
    if (HasFatalFailure()) return;
    std::string address = kernel_address();
    json saved_id = record()["lease"]["client_id"];
    ASSERT_FALSE(saved_id.is_null()) << record().dump();
    ip("link set c0 address 02:00:5e:10:00:02");
    ASSERT_EQ(mac(), "02:00:5E:10:00:02");
    std::string log = import_until_a_fresh_lease();
    expect_report(log, "'mac'");
    expect_asked_for_again(log, address);
    EXPECT_EQ(record()["lease"]["client_id"], saved_id) << record().dump();
}

}  // namespace
}  // namespace earlynet::test
