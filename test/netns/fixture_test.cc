// The fixture's own promise: a test process stopped from outside (meson's
// timeout sends SIGTERM to the test's process group) still deletes the network
// namespaces it made, so a hung test leaves nothing on the machine.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "test/netns/netns_fixture.h"

namespace earlynet::test {
namespace {

bool namespace_exists(const std::string& name) {
    struct stat st;
    return ::stat(("/run/netns/" + name).c_str(), &st) == 0;
}

// A child process makes a namespace, reports its name on a pipe and waits to
// be stopped by `signal`; returns the name and how the child ended.
struct StoppedChild {
    std::string namespace_name;
    int wstatus = 0;
};

StoppedChild make_namespace_then_stop(int signal) {
    int pipe_fds[2];
    EXPECT_EQ(::pipe(pipe_fds), 0);
    pid_t pid = ::fork();
    if (pid == 0) {
        ::close(pipe_fds[0]);
        auto ns = ScopedNetns::create();
        std::string name = ns ? ns->name() : "";
        (void)!::write(pipe_fds[1], name.c_str(), name.size() + 1);
        ::close(pipe_fds[1]);
        for (;;) ::pause();  // only the signal ends this process
    }
    ::close(pipe_fds[1]);
    StoppedChild child;
    char c;
    while (::read(pipe_fds[0], &c, 1) == 1 && c != '\0') child.namespace_name += c;
    ::close(pipe_fds[0]);
    EXPECT_FALSE(child.namespace_name.empty()) << "the child could not make a namespace";
    EXPECT_TRUE(namespace_exists(child.namespace_name));
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
