// The netns suite's fixture: every test runs in a network namespace of its own
// (earlynet-test-<pid>-<n>), created in SetUp and deleted with everything in it
// on every path, failure included. The test thread enters the namespace with
// setns(2) for the test's duration, so that rtnetlink sockets, the
// /proc/sys/net files and child processes (ip, ping) all see the same
// namespace; a socket-only approach would leave the sysctls in the host's.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/fd.h"
#include "base/ip_address.h"
#include "netlink/socket.h"

typedef struct sd_event sd_event;

namespace earlynet::test {

struct CommandResult {
    int status = -1;  // exit status, or -1 when it did not exit normally
    std::string out;
    std::string err;
};

// Runs argv (searched in PATH) in the calling thread's namespace, waits for it.
CommandResult run_command(const std::vector<std::string>& argv);

// A process started in the background; stopped (SIGTERM, by its pid) and reaped
// on destruction unless wait() already reaped it.
class BackgroundProcess {
public:
    explicit BackgroundProcess(const std::vector<std::string>& argv);
    BackgroundProcess(const BackgroundProcess&) = delete;
    BackgroundProcess& operator=(const BackgroundProcess&) = delete;
    ~BackgroundProcess();
    pid_t pid() const { return pid_; }
    // Waits for it to exit and returns what it printed.
    CommandResult wait();

private:
    pid_t pid_ = -1;
    Fd out_;
};

// A network namespace this process created, deleted (with its links) when the
// object goes. Only ever deletes the namespace it created.
struct Leftover;  // netns_fixture.cc

class ScopedNetns {
public:
    // Fails the current test (and returns nullptr) when it cannot be created.
    static std::unique_ptr<ScopedNetns> create();
    ScopedNetns(const ScopedNetns&) = delete;
    ScopedNetns& operator=(const ScopedNetns&) = delete;
    ~ScopedNetns();
    const std::string& name() const { return name_; }
    int fd() const { return fd_.get(); }

private:
    ScopedNetns(std::string name, Fd fd, Leftover* live) : name_(std::move(name)), fd_(std::move(fd)), live_(live) {}
    std::string name_;
    Fd fd_;
    Leftover* live_;  // its entry among what a stopped process deletes
};

// A daemon started by the test that left its process group (dnsmasq forks
// and calls setsid), so a signal to the group misses it: while this object
// lives, the test being stopped by a signal stops the daemon too (by pid).
class DaemonStoppedWithTheTest {
public:
    explicit DaemonStoppedWithTheTest(pid_t pid);
    DaemonStoppedWithTheTest(const DaemonStoppedWithTheTest&) = delete;
    DaemonStoppedWithTheTest& operator=(const DaemonStoppedWithTheTest&) = delete;
    ~DaemonStoppedWithTheTest();

private:
    Leftover* leftover_;
};

// Puts the calling thread into a namespace; back into the previous one on
// destruction.
class ScopedSetns {
public:
    explicit ScopedSetns(int netns_fd);
    ScopedSetns(const ScopedSetns&) = delete;
    ScopedSetns& operator=(const ScopedSetns&) = delete;
    ~ScopedSetns();
    bool ok() const { return ok_; }

private:
    Fd previous_;
    bool ok_ = false;
};

// An sd-event loop for tests that wait for monitor events.
class EventLoop {
public:
    EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;
    ~EventLoop();
    sd_event* get() const { return loop_; }
    // Runs the loop until done() holds or timeout passes; returns done().
    bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = std::chrono::seconds(10));

private:
    sd_event* loop_ = nullptr;
};

class NetnsTest : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

    // `ip -n NS ARGS...`; fails the test when ip fails. Returns stdout.
    std::string ip(const std::string& args);
    // `ip -n NS ARGS...` expected to succeed, in another namespace.
    static std::string ip_in(const ScopedNetns& ns, const std::string& args);
    // A veth pair in the test's namespace, both ends down.
    std::pair<IfIndex, IfIndex> add_veth(const std::string& a, const std::string& b);
    // A second namespace (for a peer across a veth); deleted with the fixture.
    ScopedNetns& peer_namespace();

    netlink::Socket& sock() { return *sock_; }
    const ScopedNetns& ns() const { return *ns_; }

private:
    std::unique_ptr<ScopedNetns> ns_;
    std::unique_ptr<ScopedNetns> peer_;
    std::unique_ptr<ScopedSetns> entered_;
    std::optional<netlink::Socket> sock_;
};

// Splits "a b c" at spaces (test helper arguments never need quoting).
std::vector<std::string> split_words(const std::string& s);

// "192.0.2.1", 24 -> 192.0.2.1/24 (test literals are known to parse).
inline IpPrefix prefix(const char* address, int len) {
    return IpPrefix{*IpAddress::parse(address), len};
}

}  // namespace earlynet::test
