// ChildProcess: a program the certification tests run, its output captured,
// optionally given a listening socket on fd 3 the way systemd's socket
// activation does (LISTEN_FDS=1, LISTEN_PID=its pid), so that no test waits
// for a socket file to appear. Killed and reaped when destroyed.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "base/fd.h"

namespace earlynet::varlink::test {

// A listening unix socket at path, for a service to be handed.
inline Fd listening_socket(const std::string& path) {
    Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::strncpy(sa.sun_path, path.c_str(), sizeof(sa.sun_path) - 1);
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&sa), sizeof(sa)) < 0 || ::listen(fd.get(), 64) < 0)
        return Fd();
    return fd;
}

class ChildProcess {
public:
    // argv[0] is the program's path. listening, when valid, becomes fd 3.
    ChildProcess(std::vector<std::string> argv, const Fd& listening) {
        int out[2];
        if (::pipe2(out, O_CLOEXEC) < 0) return;
        output_ = Fd(out[0]);
        Fd write_end(out[1]);
        std::vector<char*> args;
        for (auto& a : argv) args.push_back(a.data());
        args.push_back(nullptr);
        pid_ = ::fork();
        if (pid_ == 0) {
            ::dup2(write_end.get(), 1);
            ::dup2(write_end.get(), 2);
            if (listening.valid()) {
                // dup2 clears FD_CLOEXEC, except when the socket is fd 3 already.
                if (listening.get() == 3) {
                    ::fcntl(3, F_SETFD, 0);
                } else {
                    ::dup2(listening.get(), 3);
                }
                char pid[32];
                std::snprintf(pid, sizeof(pid), "%d", ::getpid());
                ::setenv("LISTEN_PID", pid, 1);
                ::setenv("LISTEN_FDS", "1", 1);
            }
            ::execv(args[0], args.data());
            ::_exit(127);
        }
    }
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    ~ChildProcess() {
        if (pid_ > 0 && !status_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }

    bool started() const { return pid_ > 0; }

    // Collects output until the process exits; its exit status (-1 for a
    // signal), or nullopt when it is still running after `limit`.
    std::optional<int> wait(std::chrono::milliseconds limit) {
        auto deadline = std::chrono::steady_clock::now() + limit;
        while (output_.valid()) {
            auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return std::nullopt;
            pollfd p{output_.get(), POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
            char buffer[4096];
            ssize_t n = ::read(output_.get(), buffer, sizeof(buffer));
            if (n <= 0) {
                output_.reset();  // every writer closed: the process is ending
            } else {
                text_.append(buffer, static_cast<std::size_t>(n));
            }
        }
        int status = 0;
        ::waitpid(pid_, &status, 0);
        status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        return status_;
    }

    // Ends it with SIGTERM and returns its exit status.
    std::optional<int> stop(std::chrono::milliseconds limit) {
        ::kill(pid_, SIGTERM);
        return wait(limit);
    }

    const std::string& output() const { return text_; }

private:
    pid_t pid_ = -1;
    Fd output_;
    std::string text_;
    std::optional<int> status_;
};

}  // namespace earlynet::varlink::test
