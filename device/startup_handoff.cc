#include "device/startup_handoff.h"

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

#include "base/log.h"

namespace earlynet::device {

Result<StartupHandoff> StartupHandoff::fork_worker() {
    // A socket, not a pipe: a word to a parent that is gone must not raise
    // SIGPIPE (send() takes MSG_NOSIGNAL).
    int ends[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0)
        return unexpected(Error::system(errno, std::string("socketpair: ") + std::strerror(errno)));
    Fd read_end(ends[0]), write_end(ends[1]);
    pid_t parent = ::getpid();
    // Whatever is buffered would be written twice, once by each process.
    std::fflush(nullptr);
    pid_t pid = ::fork();
    if (pid < 0) return unexpected(Error::system(errno, std::string("fork: ") + std::strerror(errno)));
    if (pid > 0) return StartupHandoff(pid, std::move(read_end));
    // The worker: dies with the started process until it says go on; a parent
    // that is already gone (killed between fork and prctl) is not waited for.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(1);
    return StartupHandoff(0, std::move(write_end));
}

int StartupHandoff::wait_for_worker() {
    unsigned char code = 0;
    ssize_t n;
    do n = ::read(channel_.get(), &code, 1);
    while (n < 0 && errno == EINTR);
    if (n == 1) return code;
    // The worker ended without a word: its own exit status.
    int status = 0;
    while (::waitpid(worker_, &status, 0) < 0)
        if (errno != EINTR) return 1;
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

void StartupHandoff::go_on(int exit_code) {
    if (!channel_.valid()) return;
    ::prctl(PR_SET_PDEATHSIG, 0);
    unsigned char code = static_cast<unsigned char>(exit_code);
    ssize_t n;
    do n = ::send(channel_.get(), &code, 1, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n != 1) spdlog::warn("cannot tell the started process to go on: {}", std::strerror(errno));
    channel_.reset();
}

}  // namespace earlynet::device
