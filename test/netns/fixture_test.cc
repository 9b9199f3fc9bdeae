// The fixture's own promise: a test process stopped from outside (meson's
// timeout sends SIGTERM to the test's process group) still deletes the network
// namespaces it made and stops the daemons it started, so a hung test leaves
// nothing running on the machine.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "test/netns/dnsmasq_server.h"
#include "test/netns/netns_fixture.h"

namespace earlynet::test {
namespace {

bool namespace_exists(const std::string& name) {
    struct stat st;
    return ::stat(("/run/netns/" + name).c_str(), &st) == 0;
}

// A running process, not a zombie waiting for a parent that does not reap.
bool process_runs(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string pid_field, comm, state;
    return stat >> pid_field >> comm >> state && state != "Z";
}

// A child process makes a namespace (and, with_dnsmasq, starts dnsmasq in
// it), reports both on a pipe and waits to be stopped by `signal`; returns
// what it made and how it ended.
struct StoppedChild {
    std::string namespace_name;
    pid_t dnsmasq = 0;
    int wstatus = 0;
};

StoppedChild make_namespace_then_stop(int signal, bool with_dnsmasq = false) {
    int pipe_fds[2];
    EXPECT_EQ(::pipe(pipe_fds), 0);
    pid_t pid = ::fork();
    if (pid == 0) {
        ::close(pipe_fds[0]);
        auto ns = ScopedNetns::create();
        std::string report = ns ? ns->name() : "";
        std::unique_ptr<DnsmasqServer> server;
        if (ns && with_dnsmasq) {
            for (const char* args :
                 {"link add s0 type veth peer name c0", "addr add 10.77.0.1/24 dev s0", "link set s0 up"}) {
                auto argv = split_words(args);
                argv.insert(argv.begin(), {"ip", "-n", ns->name()});
                run_command(argv);
            }
            server = DnsmasqServer::start(*ns, {.interface = "s0"});
            report += " " + std::to_string(server ? server->pid() : 0);
        }
        (void)!::write(pipe_fds[1], report.c_str(), report.size() + 1);
        ::close(pipe_fds[1]);
        for (;;) ::pause();  // only the signal ends this process
    }
    ::close(pipe_fds[1]);
    std::string report;
    char c;
    while (::read(pipe_fds[0], &c, 1) == 1 && c != '\0') report += c;
    ::close(pipe_fds[0]);
    StoppedChild child;
    std::istringstream(report) >> child.namespace_name >> child.dnsmasq;
    EXPECT_FALSE(child.namespace_name.empty()) << "the child could not make a namespace";
    EXPECT_TRUE(namespace_exists(child.namespace_name));
    if (with_dnsmasq) {
        EXPECT_TRUE(child.dnsmasq > 0 && process_runs(child.dnsmasq)) << report;
    }
    ::kill(pid, signal);
    while (::waitpid(pid, &child.wstatus, 0) < 0 && errno == EINTR) {
    }
    return child;
}

TEST(NetnsFixture, ATestStoppedBySigtermStillDeletesItsNamespaces) {
    auto child = make_namespace_then_stop(SIGTERM);
    ASSERT_FALSE(child.namespace_name.empty());
    EXPECT_FALSE(namespace_exists(child.namespace_name)) << child.namespace_name << " was left behind";
    // It still dies of the signal (meson reports it as killed, not passed).
    EXPECT_TRUE(WIFSIGNALED(child.wstatus) && WTERMSIG(child.wstatus) == SIGTERM);
    if (namespace_exists(child.namespace_name)) run_command({"ip", "netns", "delete", child.namespace_name});
}

TEST(NetnsFixture, ATestInterruptedFromTheTerminalStillDeletesItsNamespaces) {
    auto child = make_namespace_then_stop(SIGINT);
    ASSERT_FALSE(child.namespace_name.empty());
    EXPECT_FALSE(namespace_exists(child.namespace_name)) << child.namespace_name << " was left behind";
    EXPECT_TRUE(WIFSIGNALED(child.wstatus) && WTERMSIG(child.wstatus) == SIGINT);
    if (namespace_exists(child.namespace_name)) run_command({"ip", "netns", "delete", child.namespace_name});
}

// dnsmasq forks and leaves the test's process group, so the group's SIGTERM
// misses it: the stopped test stops it by its pid.
TEST(NetnsFixture, ATestStoppedBySigtermStopsTheDnsmasqItStarted) {
    auto child = make_namespace_then_stop(SIGTERM, true);
    ASSERT_GT(child.dnsmasq, 0);
    bool stopped = false;
    for (int i = 0; i < 200 && !stopped; ++i) {
        stopped = !process_runs(child.dnsmasq);
        if (!stopped) ::usleep(10000);
    }
    EXPECT_TRUE(stopped) << "dnsmasq " << child.dnsmasq << " was left running";
    if (!stopped) ::kill(child.dnsmasq, SIGTERM);
    EXPECT_FALSE(namespace_exists(child.namespace_name)) << child.namespace_name << " was left behind";
    if (namespace_exists(child.namespace_name)) run_command({"ip", "netns", "delete", child.namespace_name});
}

// The parent's own namespaces are not the child's to delete: a forked child
// that is stopped leaves the namespaces its parent made alone.
TEST(NetnsFixture, AChildStoppedDoesNotDeleteItsParentsNamespaces) {
    auto mine = ScopedNetns::create();
    ASSERT_NE(mine, nullptr);
    auto child = make_namespace_then_stop(SIGTERM);
    EXPECT_TRUE(namespace_exists(mine->name()));
    if (namespace_exists(child.namespace_name)) run_command({"ip", "netns", "delete", child.namespace_name});
}

}  // namespace
}  // namespace earlynet::test
