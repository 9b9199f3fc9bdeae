// Server: a varlink service on a listening unix socket, driven by an sd-event
// loop and never blocking it. Each connection is read and written without
// blocking on its own io source; messages are bounded (limits below), and a
// client that does not read its replies is disconnected once its queued
// output passes the cap, so no client can stall the loop or grow memory.
// The loop is shared with the program's own work (the daemon's DHCP and
// netlink): the server's sources have the lowest priority
// (SD_EVENT_PRIORITY_IDLE) and each turn answers a bounded number of calls,
// so however many clients wait, a source of higher priority that becomes
// ready runs at the next turn.
//
//   auto server = Server::listen(loop, "/run/earlynet/io.earlynet.Network", info);
//   server->add_interface(kNetworkInterface);          // the .varlink text
//   server->add_method("io.earlynet.Network.Describe", [](MethodCall call) {
//       (void)call.reply({{"devices", ...}});
//   });
//
// Calls of org.varlink.service (GetInfo, GetInterfaceDescription) are
// answered by the server from what was added. A handler runs on the loop,
// must not block, and must not destroy the server (end the loop instead).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/c_handle.h"
#include "base/fd.h"
#include "base/result.h"
#include "varlink/interface_description.h"
#include "varlink/method_call.h"

// From <systemd/sd-event.h>, which only the .cc files include.
typedef struct sd_event sd_event;
typedef struct sd_event_source sd_event_source;
extern "C" sd_event_source* sd_event_source_disable_unref(sd_event_source* s);

namespace earlynet::varlink {

// What GetInfo answers.
struct ServiceInfo {
    std::string vendor;
    std::string product;
    std::string version;
    std::string url;
};

struct ServerLimits {
    // One message, in either direction's frame reader (64 KiB: a call is a
    // method name and a few parameters).
    std::size_t max_message_bytes = std::size_t{64} * 1024;
    // Replies queued for one client that reads too slowly (or not at all);
    // past it the client is disconnected.
    std::size_t max_output_bytes = std::size_t{1024} * 1024;
    // Connections beyond this are accepted and closed at once.
    std::size_t max_connections = 4096;
    // Calls dispatched in one turn of the loop (one source dispatched); the
    // rest wait for the next turn, after the loop's other sources.
    std::size_t calls_per_turn = 4;
};

class Server {
public:
    using Handler = std::function<void(MethodCall)>;
    // Told of what the server survived without stopping (an accept() failure,
    // a handler that threw, a client disconnected for a protocol error), for
    // the daemon to log. Optional.
    using ProblemSink = std::function<void(const Error&)>;

    // Binds a unix socket at path (a stale socket file there is replaced),
    // mode 0666 (who may do what is decided per method from the peer's
    // credentials), and listens.
    [[nodiscard]] static Result<std::unique_ptr<Server>> listen(sd_event* loop, const std::string& path,
                                                                ServiceInfo info, ServerLimits limits = {});
    // Serves on a listening socket made elsewhere (socket activation, tests).
    [[nodiscard]] static Result<std::unique_ptr<Server>> adopt(sd_event* loop, Fd listening, ServiceInfo info,
                                                               ServerLimits limits = {});

    // sd-event holds `this`: neither copyable nor movable.
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;
    ~Server();

    // An interface from its definition text. ErrorCode::Malformed for a text
    // that InterfaceDescription cannot read, ErrorCode::Conflict for a name
    // already served.
    [[nodiscard]] Result<void> add_interface(std::string_view description);
    // The handler of "interface.Method". ErrorCode::Invalid when the
    // interface was not added or does not define the method.
    [[nodiscard]] Result<void> add_method(std::string_view qualified_name, Handler handler);
    void set_problem_sink(ProblemSink sink) { problem_sink_ = std::move(sink); }

    // Connections open now (closed ones are not counted, even before their
    // memory is reclaimed on the next loop iteration).
    std::size_t connection_count() const { return open_connections_; }
    const ServerLimits& limits() const { return limits_; }

private:
    friend class ServerConnection;

    Server(sd_event* loop, Fd listening, ServiceInfo info, ServerLimits limits);
    Result<void> start();

    static int on_listen_readable(sd_event_source* s, int fd, std::uint32_t revents, void* userdata);
    static int on_work(sd_event_source* s, void* userdata);
    void accept_pending();
    // Called by connections: on the next loop iteration, free the
    // connection if closed, else dispatch the calls it has received.
    void schedule_work(std::uint64_t connection_id);
    void connection_closed(std::uint64_t connection_id);
    void report(const Error& problem);

    // Dispatch of one parsed call (ServerConnection calls it).
    void dispatch(const std::shared_ptr<ServerConnection>& connection, Call call);
    void serve_service_interface(MethodCall call, std::string_view member);

    sd_event* loop_;
    Fd listening_;
    ServiceInfo info_;
    ServerLimits limits_;
    CHandle<sd_event_source, sd_event_source_disable_unref> listen_source_;
    CHandle<sd_event_source, sd_event_source_disable_unref> work_source_;
    std::map<std::string, InterfaceDescription, std::less<>> interfaces_;
    std::map<std::string, Handler, std::less<>> handlers_;
    std::map<std::uint64_t, std::shared_ptr<ServerConnection>> connections_;
    std::uint64_t next_connection_id_ = 1;
    std::size_t open_connections_ = 0;
    bool accept_paused_ = false;      // out of file descriptors: wait for a close
    std::deque<std::uint64_t> work_;  // connections for on_work()
    std::vector<char> read_buffer_;   // every connection reads into it
    ProblemSink problem_sink_;
};

}  // namespace earlynet::varlink
