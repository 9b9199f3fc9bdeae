// netlink benchmark: 10,000 routes and 1,000 addresses on one link, applied and
// dumped by earlynet's verbs and by `ip` (-batch, show) in the same run, plus
// the monitor's throughput for 1,000 link events against `ip monitor link`.
// It unshares a fresh network namespace first, so nothing of the host is
// touched and everything disappears when it exits. Needs root.
//
//   netlink_bench [ROUTES [ADDRESSES [LINK_EVENTS]]]
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <systemd/sd-event.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "netlink/address.h"
#include "netlink/link.h"
#include "netlink/monitor.h"
#include "netlink/route.h"

extern char** environ;

namespace {

using namespace earlynet;
using namespace earlynet::netlink;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// VmHWM of our own mm, not getrusage's ru_maxrss: the latter keeps the
// high-water mark of whatever process exec'd us (meson's python, a shell).
long self_peak_kib() {
    long kib = 0;
    if (FILE* f = std::fopen("/proc/self/status", "r")) {
        char line[256];
        while (std::fgets(line, sizeof line, f))
            if (std::sscanf(line, "VmHWM: %ld kB", &kib) == 1) break;
        std::fclose(f);
    }
    return kib;
}

struct Child {
    double ms = 0;
    long peak_kib = 0;
    int status = -1;
};

// Runs argv with its output to /dev/null, timing it. Its peak RSS comes from
// GNU time (%M) when /usr/bin/time exists: wait4's ru_maxrss of a child we
// spawn would include our own RSS, because exec carries the spawning mm's
// high-water mark into the child's maxrss.
Child run_timed(const std::vector<std::string>& command) {
    std::vector<std::string> argv = command;
    char rss_path[] = "/tmp/netlink_bench_rss.XXXXXX";
    bool with_time = ::access("/usr/bin/time", X_OK) == 0;
    if (with_time) {
        int fd = ::mkstemp(rss_path);
        if (fd >= 0) ::close(fd);
        argv.insert(argv.begin(), {"/usr/bin/time", "-f", "%M", "-o", rss_path});
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    Child c;
    auto t0 = Clock::now();
    pid_t pid;
    int spawned = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (spawned != 0) return c;
    int wstatus = 0;
    while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
    }
    c.ms = ms_since(t0);
    c.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
    if (with_time) {
        if (FILE* f = std::fopen(rss_path, "r")) {
            if (std::fscanf(f, "%ld", &c.peak_kib) != 1) c.peak_kib = 0;
            std::fclose(f);
        }
        ::unlink(rss_path);
    }
    return c;
}

Ipv4Address route_dst(int i) {
    return Ipv4Address::from_host(0xAC100000u + static_cast<unsigned>(i) * 256);  // 172.16.0.0/24, 172.16.1.0/24, ...
}
Ipv4Address address_at(int i) {
    return Ipv4Address::from_host(0x0AC80000u + static_cast<unsigned>(i) + 1);  // 10.200.0.1 ...
}

void die(const std::string& what) {
    std::fprintf(stderr, "netlink_bench: %s\n", what.c_str());
    std::exit(1);
}

// The link everything goes on: a dummy, as the benchmark asks, or a veth
// (both ends up, so it has carrier) on kernels built without CONFIG_DUMMY.
std::string make_link(Socket& sock, const char* name) {
    std::string kind = "dummy";
    if (run_timed({"ip", "link", "add", name, "type", "dummy"}).status != 0) {
        kind = "veth (no CONFIG_DUMMY)";
        std::string peer = std::string(name) + "p";
        if (run_timed({"ip", "link", "add", name, "type", "veth", "peer", "name", peer}).status != 0)
            die("cannot create a link");
        run_timed({"ip", "link", "set", peer, "up"});
    }
    auto l = link::get(sock, name);
    if (!l) die(l.error().message);
    if (auto r = link::set_up(sock, l->index); !r) die(r.error().message);
    return kind;
}

}  // namespace

int main(int argc, char** argv) {
    int routes = argc > 1 ? std::atoi(argv[1]) : 10000;
    int addresses = argc > 2 ? std::atoi(argv[2]) : 1000;
    int link_events = argc > 3 ? std::atoi(argv[3]) : 1000;
    if (::geteuid() != 0) die("must run as root (it creates a network namespace)");
    if (::unshare(CLONE_NEWNET) < 0) die(std::string("unshare(CLONE_NEWNET): ") + std::strerror(errno));

    auto sock_r = Socket::open();
    if (!sock_r) die(sock_r.error().message);
    Socket& sock = *sock_r;
    long baseline_kib = self_peak_kib();

    // ---- earlynet: apply, then dump --------------------------------------
    std::string kind = make_link(sock, "bench0");
    IfIndex ifindex = link::get(sock, "bench0")->index;
    auto t0 = Clock::now();
    for (int i = 0; i < addresses; ++i) {
        if (auto r = address::add(sock, Address{ifindex, IpPrefix{address_at(i), 32}}); !r) die(r.error().message);
    }
    for (int i = 0; i < routes; ++i) {
        Route rt{IpPrefix{route_dst(i), 24}, std::nullopt, ifindex};
        if (auto r = route::add(sock, rt); !r) die(r.error().message);
    }
    double our_apply = ms_since(t0);

    t0 = Clock::now();
    auto dumped_routes = route::list(sock, {AddressFamily::V4, kMainTable});
    double our_route_dump = ms_since(t0);
    t0 = Clock::now();
    auto dumped_addresses = address::list(sock, {AddressFamily::V4, ifindex});
    double our_address_dump = ms_since(t0);
    if (!dumped_routes || !dumped_addresses) die("dump failed");
    long our_peak = self_peak_kib();

    // ---- ip: the same work on a fresh link -------------------------------
    if (auto r = link::remove(sock, ifindex); !r) die(r.error().message);
    make_link(sock, "bench0");
    char batch_path[] = "/tmp/netlink_bench.XXXXXX";
    int batch_fd = ::mkstemp(batch_path);
    if (batch_fd < 0) die("mkstemp");
    {
        std::string batch;
        for (int i = 0; i < addresses; ++i) batch += "address add " + address_at(i).to_string() + "/32 dev bench0\n";
        for (int i = 0; i < routes; ++i) batch += "route add " + route_dst(i).to_string() + "/24 dev bench0\n";
        if (::write(batch_fd, batch.data(), batch.size()) != static_cast<ssize_t>(batch.size())) die("write batch");
        ::close(batch_fd);
    }
    Child ip_apply = run_timed({"ip", "-batch", batch_path});
    ::unlink(batch_path);
    if (ip_apply.status != 0) die("ip -batch failed");
    Child ip_route_dump = run_timed({"ip", "-4", "route", "show", "table", "main"});
    Child ip_address_dump = run_timed({"ip", "-4", "address", "show", "dev", "bench0"});
    // earlynet's dump of the state ip built, for a like-for-like second figure.
    t0 = Clock::now();
    auto again = route::list(sock, {AddressFamily::V4, kMainTable});
    double our_route_dump_2 = ms_since(t0);
    if (!again) die(again.error().message);

    // ---- monitor throughput: LINK_EVENTS MTU changes on one link ---------
    IfIndex bench = link::get(sock, "bench0")->index;
    sd_event* loop = nullptr;
    sd_event_new(&loop);
    int seen = 0;
    auto monitor = Monitor::start(loop, [&](std::vector<MonitorEvent> batch) {
        for (const auto& e : batch)
            if (auto* c = std::get_if<LinkChanged>(&e); c && c->link.index == bench) ++seen;
    });
    if (!monitor) die(monitor.error().message);
    auto generate = [&] {
        for (int i = 0; i < link_events; ++i)
            if (auto r = link::set_mtu(sock, bench, i % 2 ? 1500 : 1400); !r) die(r.error().message);
    };
    t0 = Clock::now();
    generate();
    double generate_ms = ms_since(t0);
    auto t1 = Clock::now();
    while (seen < link_events) {
        if (sd_event_run(loop, 2'000'000) <= 0) break;  // 2 s without an event: give up
    }
    double our_drain = ms_since(t1);
    double our_monitor_total = ms_since(t0);
    int our_seen = seen;
    monitor->reset();
    sd_event_unref(loop);

    // ip monitor link reading the same kind of burst through a pipe.
    int pipefd[2];
    if (::pipe(pipefd) < 0) die("pipe");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&fa, pipefd[0]);
    const char* margs[] = {"ip", "-o", "monitor", "link", "dev", "bench0", nullptr};
    pid_t mpid;
    if (posix_spawnp(&mpid, "ip", &fa, nullptr, const_cast<char**>(margs), environ) != 0) die("spawn ip monitor");
    ::close(pipefd[1]);
    // Lines ip monitor printed, counted as they arrive; false after 2 s of silence.
    int ip_seen = 0;
    auto read_lines = [&](int until) {
        char buf[65536];
        while (ip_seen < until) {
            pollfd p{pipefd[0], POLLIN, 0};
            if (::poll(&p, 1, 2000) <= 0) return false;
            ssize_t n = ::read(pipefd[0], buf, sizeof buf);
            if (n <= 0) return false;
            for (ssize_t i = 0; i < n; ++i) ip_seen += buf[i] == '\n';
        }
        return true;
    };
    // ip monitor subscribes some time after it starts and prints nothing until
    // something happens: poke the link until it prints, then time the burst.
    for (int tries = 0; ip_seen == 0 && tries < 50; ++tries) {
        if (auto r = link::set_mtu(sock, bench, tries % 2 ? 1450 : 1460); !r) die(r.error().message);
        pollfd p{pipefd[0], POLLIN, 0};
        if (::poll(&p, 1, 100) > 0) read_lines(1);
    }
    if (ip_seen == 0) die("ip monitor printed nothing");
    // Let stragglers from the pokes arrive, then start counting afresh.
    {
        pollfd p{pipefd[0], POLLIN, 0};
        while (::poll(&p, 1, 200) > 0) {
            char b[65536];
            if (::read(pipefd[0], b, sizeof b) <= 0) break;
        }
    }
    ip_seen = 0;
    t0 = Clock::now();
    generate();
    read_lines(link_events);
    double ip_monitor_total = ms_since(t0);
    ::kill(mpid, SIGTERM);
    int ws;
    ::waitpid(mpid, &ws, 0);
    ::close(pipefd[0]);

    std::printf("netlink benchmark: %d routes + %d addresses on a %s link, %d link events\n", routes, addresses,
                kind.c_str(), link_events);
    std::printf("%-44s %12s %12s\n", "", "earlynet", "ip");
    std::printf("%-44s %10.1fms %10.1fms\n", "apply (one request + ack each)", our_apply, ip_apply.ms);
    std::printf("%-44s %10.1fms %10.1fms\n", "dump IPv4 main table", our_route_dump, ip_route_dump.ms);
    std::printf("%-44s %10.1fms %12s\n", "dump IPv4 main table (state ip built)", our_route_dump_2, "");
    std::printf("%-44s %10.2fms %10.1fms\n", "dump addresses of the link", our_address_dump, ip_address_dump.ms);
    std::printf("%-44s %10ldKiB %9ldKiB\n", "peak RSS (earlynet process; ip via time %M)", our_peak,
                std::max({ip_apply.peak_kib, ip_route_dump.peak_kib, ip_address_dump.peak_kib}));
    std::printf("%-44s %10ldKiB %12s\n", "  earlynet baseline before any work", baseline_kib, "");
    std::printf("%-44s %12zu %12s\n", "routes dumped", dumped_routes->size(), "");
    std::printf("%-44s %12zu %12s\n", "addresses dumped", dumped_addresses->size(), "");
    std::printf("%-44s %10.1fms %12s\n", "monitor: generate burst (set mtu)", generate_ms, "");
    std::printf("%-44s %10.1fms %12s\n", "monitor: drain after burst", our_drain, "");
    std::printf("%-44s %10.1fms %10.1fms\n", "monitor: burst start to last event", our_monitor_total, ip_monitor_total);
    std::printf("%-44s %12d %12d\n", "monitor: events received", our_seen, ip_seen);
    std::printf("%-44s %10.0f/s %10.0f/s\n", "monitor: throughput (end to end)", our_seen / our_monitor_total * 1000,
                ip_seen / ip_monitor_total * 1000);
    std::printf("%-44s %10ldKiB %12s\n", "peak RSS after the monitor run", self_peak_kib(), "");
    return our_seen == link_events && ip_seen == link_events ? 0 : 1;
}
