#include "varlink/client.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

#include "system_error.h"

namespace earlynet::varlink {

namespace {

using SteadyTime = std::chrono::steady_clock::time_point;

// Waits until fd is ready for `events` or the deadline passes.
Result<void> wait_for(int fd, short events, SteadyTime deadline, const char* what) {
    for (;;) {
        auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return unexpected(ErrorCode::Timeout, std::string("varlink: timed out ") + what);
        pollfd p{fd, events, 0};
        int r = ::poll(&p, 1, static_cast<int>(std::min<std::int64_t>(left.count(), INT32_MAX)));
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return system_error(errno, "varlink: poll");
        if (r > 0) return {};
    }
}

}  // namespace

Result<std::string> unix_socket_path(std::string_view address) {
    constexpr std::string_view kPrefix = "unix:";
    if (address.substr(0, kPrefix.size()) != kPrefix)
        return unexpected(ErrorCode::Invalid, "varlink: '" + std::string(address) + "' is not a unix: address");
    std::string_view path = address.substr(kPrefix.size());
    path = path.substr(0, path.find(';'));
    if (path.empty()) return unexpected(ErrorCode::Invalid, "varlink: '" + std::string(address) + "' has no path");
    return std::string(path);
}

Result<Client> Client::connect(std::string_view address, Duration timeout) {
    auto path = unix_socket_path(address);
    if (!path) return unexpected(std::move(path.error()));
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    if (path->size() >= sizeof(sa.sun_path))
        return unexpected(ErrorCode::Invalid, "varlink: socket path '" + *path + "' is too long");
    std::memcpy(sa.sun_path, path->c_str(), path->size() + 1);
    // Blocking for connect(): a unix socket then waits (up to SO_SNDTIMEO)
    // while the server's backlog is full, where a non-blocking one would
    // fail at once with EAGAIN. Non-blocking afterwards, for poll().
    Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) return system_error(errno, "varlink: socket");
    auto usec = std::max<std::int64_t>(1, std::chrono::duration_cast<std::chrono::microseconds>(timeout).count());
    timeval tv{static_cast<time_t>(usec / 1000000), static_cast<suseconds_t>(usec % 1000000)};
    if (::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
        return system_error(errno, "varlink: SO_SNDTIMEO");
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&sa), sizeof(sa)) < 0) {
        int err = errno;
        if (err == EAGAIN || err == EINPROGRESS)
            return unexpected(ErrorCode::Timeout, "varlink: timed out connecting to " + *path);
        return system_error(err, "varlink: connect " + *path);
    }
    int flags = ::fcntl(fd.get(), F_GETFL);
    if (flags < 0 || ::fcntl(fd.get(), F_SETFL, flags | O_NONBLOCK) < 0) return system_error(errno, "varlink: fcntl");
    return Client(std::move(fd));
}

Result<void> Client::send(const Call& call, Duration timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string bytes = encode_call(call);
    bytes.push_back('\0');
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        ssize_t n = ::send(fd_.get(), bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n >= 0) {
            sent += static_cast<std::size_t>(n);
        } else if (errno == EAGAIN) {
            EARLYNET_TRY(wait_for(fd_.get(), POLLOUT, deadline, "sending a call"));
        } else if (errno != EINTR) {
            return system_error(errno, "varlink: sending " + call.method);
        }
    }
    return {};
}

Result<Reply> Client::receive(Duration timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    char buffer[16384];
    for (;;) {
        auto message = reader_.next();
        if (!message) return unexpected(std::move(message.error()));
        if (*message) return parse_reply(**message);
        ssize_t n = ::recv(fd_.get(), buffer, sizeof(buffer), 0);
        if (n > 0) {
            EARLYNET_TRY(reader_.feed(std::string_view(buffer, static_cast<std::size_t>(n))));
        } else if (n == 0) {
            return unexpected(Error::system(ECONNRESET, "varlink: the service closed the connection"));
        } else if (errno == EAGAIN) {
            EARLYNET_TRY(wait_for(fd_.get(), POLLIN, deadline, "waiting for a reply"));
        } else if (errno != EINTR) {
            return system_error(errno, "varlink: receiving a reply");
        }
    }
}

Result<Reply> Client::call(std::string_view method, nlohmann::json parameters, Duration timeout) {
    EARLYNET_TRY(send(Call{std::string(method), std::move(parameters), CallMode::Plain, false}, timeout));
    return receive(timeout);
}

Result<void> Client::call_oneway(std::string_view method, nlohmann::json parameters, Duration timeout) {
    return send(Call{std::string(method), std::move(parameters), CallMode::Oneway, false}, timeout);
}

Result<void> Client::call_more(std::string_view method, nlohmann::json parameters, Duration timeout,
                               const std::function<bool(const Reply&)>& on_reply) {
    EARLYNET_TRY(send(Call{std::string(method), std::move(parameters), CallMode::More, false}, timeout));
    for (;;) {
        auto reply = receive(timeout);
        if (!reply) return unexpected(std::move(reply.error()));
        bool last = !reply->continues || !reply->ok();
        if (!on_reply(*reply) || last) return {};
    }
}

}  // namespace earlynet::varlink
