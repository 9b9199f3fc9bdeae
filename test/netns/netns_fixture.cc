#include "test/netns/netns_fixture.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <systemd/sd-event.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <sstream>

#include "netlink/link.h"

extern char** environ;

namespace earlynet::test {

// Something this process made that a stopped test must not leave behind: a
// named namespace (its /run/netns path) or a daemon that left our process
// group (its pid). See below.
struct Leftover {
    enum : int { kFree, kClaimed, kLive };
    std::atomic<int> state{kFree};
    pid_t owner = 0;
    pid_t daemon = 0;
    char namespace_path[128] = {};
};

namespace {

std::atomic<int> g_namespace_counter{0};

// For the signal handler below: meson stops a test that runs out of time with
// SIGTERM to its process group (SIGKILL 0.5 s later), and destructors do not
// run then. Fixed slots, so the handler reads them without locks or
// allocation; a slot names its owner's pid, so a forked child never touches
// its parent's.
Leftover g_leftovers[96];

Leftover* remember(pid_t daemon, const std::string& namespace_path) {
    for (auto& slot : g_leftovers) {
        int expected = Leftover::kFree;
        if (!slot.state.compare_exchange_strong(expected, Leftover::kClaimed)) continue;
        slot.owner = ::getpid();
        slot.daemon = daemon;
        std::snprintf(slot.namespace_path, sizeof slot.namespace_path, "%s", namespace_path.c_str());
        slot.state.store(Leftover::kLive);
        return &slot;
    }
    return nullptr;  // too many at once: left to the destructors
}

void forget(Leftover* slot) {
    if (slot) slot->state.store(Leftover::kFree);
}

// The daemons stopped first (SIGTERM, by pid), then what `ip netns delete`
// does (detach the bind mount, remove the file), with async-signal-safe calls
// only; then the signal's default action, so the process still ends as killed.
void clean_up_and_die(int signal) {
    pid_t self = ::getpid();
    for (auto& slot : g_leftovers)
        if (slot.state.load() == Leftover::kLive && slot.owner == self && slot.daemon > 0) ::kill(slot.daemon, SIGTERM);
    for (auto& slot : g_leftovers) {
        if (slot.state.load() != Leftover::kLive || slot.owner != self || slot.namespace_path[0] == '\0') continue;
        ::umount2(slot.namespace_path, MNT_DETACH);
        ::unlink(slot.namespace_path);
    }
    ::signal(signal, SIG_DFL);
    ::raise(signal);
}

void clean_up_when_stopped() {
    static std::once_flag installed;
    std::call_once(installed, [] {
        struct sigaction action = {};
        action.sa_handler = clean_up_and_die;
        sigemptyset(&action.sa_mask);
        for (int signal : {SIGTERM, SIGINT, SIGHUP}) ::sigaction(signal, &action, nullptr);
    });
}

std::string read_all(int fd) {
    std::string s;
    char buf[4096];
    while (true) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) {
            s.append(buf, static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        return s;
    }
}

// Spawns argv with stdout (and stderr, if err_fd) going to pipes; returns pid.
pid_t spawn(const std::vector<std::string>& argv, Fd& out_read, Fd* err_read) {
    int out[2], err[2] = {-1, -1};
    if (::pipe2(out, O_CLOEXEC) < 0) return -1;
    if (err_read && ::pipe2(err, O_CLOEXEC) < 0) return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
    if (err_read) posix_spawn_file_actions_adddup2(&fa, err[1], STDERR_FILENO);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    int r = ::posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    ::close(out[1]);
    if (err_read) ::close(err[1]);
    out_read.reset(out[0]);
    if (err_read) err_read->reset(err[0]);
    return r == 0 ? pid : -1;
}

int exit_status(int wstatus) {
    return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
}

}  // namespace

std::vector<std::string> split_words(const std::string& s) {
    std::istringstream in(s);
    std::vector<std::string> words;
    for (std::string w; in >> w;) words.push_back(w);
    return words;
}

CommandResult run_command(const std::vector<std::string>& argv) {
    Fd out, err;
    pid_t pid = spawn(argv, out, &err);
    CommandResult r;
    if (pid < 0) {
        r.err = "cannot start " + argv[0];
        return r;
    }
    // Both pipes are read before waiting; ip's output is small, so reading
    // them one after the other cannot deadlock on a full stderr pipe.
    r.out = read_all(out.get());
    r.err = read_all(err.get());
    int wstatus = 0;
    while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
    }
    r.status = exit_status(wstatus);
    return r;
}

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv) {
    pid_ = spawn(argv, out_, nullptr);
}

BackgroundProcess::~BackgroundProcess() {
    if (pid_ > 0) {
        ::kill(pid_, SIGTERM);
        int wstatus;
        while (::waitpid(pid_, &wstatus, 0) < 0 && errno == EINTR) {
        }
    }
}

CommandResult BackgroundProcess::wait() {
    CommandResult r;
    if (pid_ <= 0) return r;
    r.out = read_all(out_.get());
    int wstatus = 0;
    while (::waitpid(pid_, &wstatus, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    r.status = exit_status(wstatus);
    return r;
}

std::unique_ptr<ScopedNetns> ScopedNetns::create() {
    std::string name =
        "earlynet-test-" + std::to_string(::getpid()) + "-" + std::to_string(g_namespace_counter.fetch_add(1));
    auto r = run_command({"ip", "netns", "add", name});
    if (r.status != 0) {
        ADD_FAILURE() << "ip netns add " << name << " failed: " << r.err;
        return nullptr;
    }
    clean_up_when_stopped();
    std::string path = "/run/netns/" + name;
    auto* live = remember(0, path);
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    // From here on the destructor deletes the namespace, whatever happens
    // (and the signal handler, if the process is stopped first).
    std::unique_ptr<ScopedNetns> ns(new ScopedNetns(name, std::move(fd), live));
    if (!ns->fd_) ADD_FAILURE() << "open /run/netns/" << name << ": " << std::strerror(errno);
    return ns;
}

ScopedNetns::~ScopedNetns() {
    fd_.reset();
    // Deleting the namespace destroys its veths (and their peers elsewhere),
    // bridges and addresses with it.
    auto r = run_command({"ip", "netns", "delete", name_});
    if (r.status != 0) ADD_FAILURE() << "ip netns delete " << name_ << " failed: " << r.err;
    forget(live_);
}

DaemonStoppedWithTheTest::DaemonStoppedWithTheTest(pid_t pid) {
    clean_up_when_stopped();
    leftover_ = remember(pid, "");
}

DaemonStoppedWithTheTest::~DaemonStoppedWithTheTest() {
    forget(leftover_);
}

ScopedSetns::ScopedSetns(int netns_fd) : previous_(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)) {
    if (!previous_) {
        ADD_FAILURE() << "open /proc/thread-self/ns/net: " << std::strerror(errno);
        return;
    }
    if (::setns(netns_fd, CLONE_NEWNET) < 0) {
        ADD_FAILURE() << "setns: " << std::strerror(errno);
        return;
    }
    ok_ = true;
}

ScopedSetns::~ScopedSetns() {
    if (ok_ && ::setns(previous_.get(), CLONE_NEWNET) < 0)
        ADD_FAILURE() << "setns back to the original namespace: " << std::strerror(errno);
}

EventLoop::EventLoop() {
    if (sd_event_new(&loop_) < 0) ADD_FAILURE() << "sd_event_new failed";
}

EventLoop::~EventLoop() {
    sd_event_unref(loop_);
}

bool EventLoop::run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
        auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        int r = sd_event_run(loop_, static_cast<std::uint64_t>(left.count()));
        if (r < 0) {
            ADD_FAILURE() << "sd_event_run: " << std::strerror(-r);
            return false;
        }
    }
    return true;
}

void NetnsTest::SetUp() {
    // Failing, not skipping: a netns suite that silently skips without root
    // would report green while testing nothing.
    ASSERT_EQ(::geteuid(), 0u) << "the netns suite must run as root (it creates network namespaces)";
    ns_ = ScopedNetns::create();
    ASSERT_TRUE(ns_ && ns_->fd() >= 0);
    entered_ = std::make_unique<ScopedSetns>(ns_->fd());
    ASSERT_TRUE(entered_->ok());
    auto s = netlink::Socket::open();
    ASSERT_TRUE(s) << s.error().message;
    sock_.emplace(std::move(*s));
    ip("link set lo up");
}

void NetnsTest::TearDown() {
    // Socket first (it belongs to the namespace), then back to our own
    // namespace, then delete the namespaces.
    sock_.reset();
    entered_.reset();
    peer_.reset();
    ns_.reset();
}

std::string NetnsTest::ip(const std::string& args) {
    return ip_in(*ns_, args);
}

std::string NetnsTest::ip_in(const ScopedNetns& ns, const std::string& args) {
    std::vector<std::string> argv{"ip", "-n", ns.name()};
    for (auto& w : split_words(args)) argv.push_back(w);
    auto r = run_command(argv);
    EXPECT_EQ(r.status, 0) << "ip -n " << ns.name() << " " << args << ": " << r.err;
    return r.out;
}

std::pair<IfIndex, IfIndex> NetnsTest::add_veth(const std::string& a, const std::string& b) {
    ip("link add " + a + " type veth peer name " + b);
    auto la = netlink::link::get(sock(), a);
    auto lb = netlink::link::get(sock(), b);
    EXPECT_TRUE(la && lb);
    if (!la || !lb) return {};
    return {la->index, lb->index};
}

ScopedNetns& NetnsTest::peer_namespace() {
    if (!peer_) peer_ = ScopedNetns::create();
    return *peer_;
}

}  // namespace earlynet::test
