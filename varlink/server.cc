#include "varlink/server.h"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <systemd/sd-event.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "base/guard.h"
#include "org.varlink.service.h"
#include "server_connection.h"
#include "system_error.h"
#include "varlink/parameters.h"
#include "varlink/service_errors.h"

namespace earlynet::varlink {

namespace {

constexpr std::string_view kServiceInterface = "org.varlink.service";
// Connections accepted per wakeup, so that a burst of clients does not keep
// the loop from everything else.
constexpr int kAcceptsPerWakeup = 64;
static_assert(kEventPriority == SD_EVENT_PRIORITY_IDLE);

}  // namespace

Server::Server(sd_event* loop, Fd listening, ServiceInfo info, ServerLimits limits)
    : loop_(loop),
      listening_(std::move(listening)),
      info_(std::move(info)),
      limits_(limits),
      read_buffer_(limits.max_message_bytes) {}

Server::~Server() {
    // Connections first: their sources are released before the loop's
    // other references to this server go.
    connections_.clear();
}

Result<std::unique_ptr<Server>> Server::listen(sd_event* loop, const std::string& path, ServiceInfo info,
                                               ServerLimits limits) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof(address.sun_path))
        return unexpected(ErrorCode::Invalid, "varlink: '" + path + "' is not a usable socket path");
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd) return system_error(errno, "varlink: socket");
    // A socket file left by an earlier run (which could not remove it) would
    // make bind() fail; anything else at the path is not ours to remove.
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) ::unlink(path.c_str());
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) < 0)
        return system_error(errno, "varlink: bind " + path);
    if (::chmod(path.c_str(), 0666) < 0) return system_error(errno, "varlink: chmod " + path);
    if (::listen(fd.get(), SOMAXCONN) < 0) return system_error(errno, "varlink: listen " + path);
    return adopt(loop, std::move(fd), std::move(info), limits);
}

Result<std::unique_ptr<Server>> Server::adopt(sd_event* loop, Fd listening, ServiceInfo info, ServerLimits limits) {
    int accepting = 0;
    socklen_t length = sizeof(accepting);
    if (::getsockopt(listening.get(), SOL_SOCKET, SO_ACCEPTCONN, &accepting, &length) < 0)
        return system_error(errno, "varlink: the listening socket");
    if (!accepting) return unexpected(ErrorCode::Invalid, "varlink: the socket is not listening");
    int flags = ::fcntl(listening.get(), F_GETFL);
    if (flags < 0 || ::fcntl(listening.get(), F_SETFL, flags | O_NONBLOCK) < 0 ||
        ::fcntl(listening.get(), F_SETFD, FD_CLOEXEC) < 0)
        return system_error(errno, "varlink: the listening socket");
    std::unique_ptr<Server> server(new Server(loop, std::move(listening), std::move(info), limits));
    EARLYNET_TRY(server->start());
    return server;
}

Result<void> Server::start() {
    sd_event_source* source = nullptr;
    int r = sd_event_add_io(loop_, &source, listening_.get(), EPOLLIN, &Server::on_listen_readable, this);
    if (r < 0) return system_error(-r, "varlink: watching the listening socket");
    listen_source_.reset(source);
    (void)sd_event_source_set_priority(source, kEventPriority);
    r = sd_event_add_defer(loop_, &source, &Server::on_work, this);
    if (r < 0) return system_error(-r, "varlink: a deferred source");
    work_source_.reset(source);
    (void)sd_event_source_set_priority(source, kEventPriority);
    (void)sd_event_source_set_enabled(work_source_.get(), SD_EVENT_OFF);
    auto service = InterfaceDescription::parse(interfaces::org_varlink_service);
    if (!service) return unexpected(std::move(service.error()));
    interfaces_.emplace(service->name, std::move(*service));
    return {};
}

Result<void> Server::add_interface(std::string_view description) {
    auto interface = InterfaceDescription::parse(description);
    if (!interface) return unexpected(std::move(interface.error()));
    if (interfaces_.count(interface->name))
        return unexpected(ErrorCode::Conflict, "varlink: interface " + interface->name + " added twice");
    interfaces_.emplace(interface->name, std::move(*interface));
    return {};
}

Result<void> Server::add_method(std::string_view qualified_name, Handler handler) {
    std::size_t dot = qualified_name.rfind('.');
    std::string_view interface = qualified_name.substr(0, dot == std::string_view::npos ? 0 : dot);
    std::string_view member = dot == std::string_view::npos ? qualified_name : qualified_name.substr(dot + 1);
    auto it = interfaces_.find(interface);
    if (interface == kServiceInterface || it == interfaces_.end() || !it->second.methods.count(std::string(member))) {
        return unexpected(ErrorCode::Invalid,
                          "varlink: " + std::string(qualified_name) + " is not a method of an added interface");
    }
    handlers_[std::string(qualified_name)] = std::move(handler);
    return {};
}

int Server::on_listen_readable(sd_event_source*, int, std::uint32_t, void* userdata) {
    auto* self = static_cast<Server*>(userdata);
    if (auto done = call_guarded([self] { self->accept_pending(); }); !done) self->report(done.error());
    return 0;
}

void Server::accept_pending() {
    for (int i = 0; i < kAcceptsPerWakeup; ++i) {
        Fd fd(::accept4(listening_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
        if (!fd) {
            int err = errno;
            if (err == EAGAIN || err == EINTR || err == ECONNABORTED) {
                if (err == EAGAIN) return;
                continue;
            }
            if (err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM) {
                // The socket stays readable: stop watching it until a
                // connection closes, or the loop would spin.
                accept_paused_ = true;
                (void)sd_event_source_set_enabled(listen_source_.get(), SD_EVENT_OFF);
            }
            report(Error::system(err, std::string("varlink: accept: ") + std::strerror(err)));
            return;
        }
        if (open_connections_ >= limits_.max_connections) continue;  // closed by fd's owner
        ucred credentials{};
        socklen_t length = sizeof(credentials);
        if (::getsockopt(fd.get(), SOL_SOCKET, SO_PEERCRED, &credentials, &length) < 0) continue;
        std::uint64_t id = next_connection_id_++;
        auto connection =
            ServerConnection::start(*this, id, std::move(fd), {credentials.uid, credentials.gid, credentials.pid});
        if (!connection) {
            report(connection.error());
            continue;
        }
        connections_.emplace(id, std::move(*connection));
        ++open_connections_;
    }
}

void Server::schedule_work(std::uint64_t id) {
    work_.push_back(id);
    (void)sd_event_source_set_enabled(work_source_.get(), SD_EVENT_ONESHOT);
}

int Server::on_work(sd_event_source*, void* userdata) {
    auto* self = static_cast<Server*>(userdata);
    auto done = call_guarded([self] {
        std::size_t budget = self->limits_.calls_per_turn;
        while (!self->work_.empty() && budget > 0) {
            std::uint64_t id = self->work_.front();
            self->work_.pop_front();
            auto it = self->connections_.find(id);
            if (it == self->connections_.end()) continue;
            if (it->second->closed()) {
                self->connections_.erase(it);
            } else {
                it->second->process_input(budget);
            }
        }
    });
    if (!done) self->report(done.error());
    // What is left waits for the next turn, behind the loop's other sources.
    if (!self->work_.empty()) (void)sd_event_source_set_enabled(self->work_source_.get(), SD_EVENT_ONESHOT);
    return 0;
}

void Server::connection_closed(std::uint64_t id) {
    --open_connections_;
    schedule_work(id);
    if (accept_paused_) {
        accept_paused_ = false;
        (void)sd_event_source_set_enabled(listen_source_.get(), SD_EVENT_ON);
    }
}

void Server::report(const Error& problem) {
    if (problem_sink_) problem_sink_(problem);
}

void Server::dispatch(const std::shared_ptr<ServerConnection>& connection, Call call) {
    bool upgrade = call.upgrade;
    MethodCall method_call(std::move(call), connection);
    const std::string& method = method_call.method();
    // An upgrade hands the socket over to another protocol after the reply;
    // no method served here has one.
    if (upgrade) {
        (void)method_call.reply_error(errors::invalid_parameter("upgrade"));
        return;
    }
    std::size_t dot = method.rfind('.');
    std::string_view interface = std::string_view(method).substr(0, dot == std::string::npos ? 0 : dot);
    std::string_view member = dot == std::string::npos ? std::string_view() : std::string_view(method).substr(dot + 1);
    if (!is_interface_name(interface) || !is_member_name(member)) {
        (void)method_call.reply_error(errors::invalid_parameter("method"));
        return;
    }
    if (interface == kServiceInterface) {
        serve_service_interface(std::move(method_call), member);
        return;
    }
    auto found = interfaces_.find(interface);
    if (found == interfaces_.end()) {
        (void)method_call.reply_error(errors::interface_not_found(interface));
        return;
    }
    if (!found->second.methods.count(std::string(member))) {
        (void)method_call.reply_error(errors::method_not_found(method));
        return;
    }
    auto handler = handlers_.find(method);
    if (handler == handlers_.end()) {
        (void)method_call.reply_error(errors::method_not_implemented(method));
        return;
    }
    // A handler that throws loses its call (the connection is closed as for
    // any abandoned call); the loop and the other clients go on.
    if (auto done = call_guarded([&] { handler->second(std::move(method_call)); }); !done)
        report(Error{ErrorCode::Internal, "varlink: " + handler->first + ": " + done.error().message, 0});
}

void Server::serve_service_interface(MethodCall call, std::string_view member) {
    ParameterReader in(call.parameters());
    if (member == "GetInfo") {
        if (auto invalid = in.finish()) {
            (void)call.reply_error(*invalid);
            return;
        }
        nlohmann::json names = nlohmann::json::array();
        for (const auto& [name, interface] : interfaces_) names.push_back(name);
        (void)call.reply({{"vendor", info_.vendor},
                          {"product", info_.product},
                          {"version", info_.version},
                          {"url", info_.url},
                          {"interfaces", std::move(names)}});
    } else if (member == "GetInterfaceDescription") {
        auto name = in.required<std::string>("interface");
        if (auto invalid = in.finish()) {
            (void)call.reply_error(*invalid);
            return;
        }
        auto found = interfaces_.find(name);
        if (found == interfaces_.end()) {
            (void)call.reply_error(errors::interface_not_found(name));
            return;
        }
        (void)call.reply({{"description", found->second.text}});
    } else {
        (void)call.reply_error(errors::method_not_found(call.method()));
    }
}

}  // namespace earlynet::varlink
