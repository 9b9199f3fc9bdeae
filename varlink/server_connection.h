// ServerConnection: one accepted client of a Server (private to varlink/).
// Reads messages through a FrameReader, hands calls to the server's dispatch
// one at a time (a call's final reply lets the next one in), and writes
// replies without blocking: what the socket does not take is queued, up to
// ServerLimits::max_output_bytes, past which the client is disconnected.
//
// Closing releases the socket and the io source at once; the object itself
// is freed by the server on the next loop iteration, since close() may run
// inside this connection's own callback. MethodCalls hold it weakly.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "base/c_handle.h"
#include "base/fd.h"
#include "base/result.h"
#include "varlink/frame_reader.h"
#include "varlink/message.h"
#include "varlink/peer_credentials.h"

typedef struct sd_event_source sd_event_source;
extern "C" sd_event_source* sd_event_source_disable_unref(sd_event_source* s);

namespace earlynet::varlink {

class Server;

// The priority of every source of the server: SD_EVENT_PRIORITY_IDLE, after
// everything else on the loop (see server.h).
inline constexpr std::int64_t kEventPriority = 100;

class ServerConnection : public std::enable_shared_from_this<ServerConnection> {
public:
    [[nodiscard]] static Result<std::shared_ptr<ServerConnection>> start(Server& server, std::uint64_t id, Fd fd,
                                                                         PeerCredentials peer);
    ServerConnection(Server& server, std::uint64_t id, Fd fd, PeerCredentials peer);
    ServerConnection(const ServerConnection&) = delete;
    ServerConnection& operator=(const ServerConnection&) = delete;

    std::uint64_t id() const { return id_; }
    const PeerCredentials& peer() const { return peer_; }
    bool closed() const { return closed_; }

    // For MethodCall: one reply to the call in progress; `final` lets the
    // next call in. Fails when the connection is closed, or closes it when
    // the client has fallen more than the output cap behind.
    [[nodiscard]] Result<void> send_reply(const Reply& reply, bool final);
    // For MethodCall: its call will never be answered.
    void abandon(const std::string& method);
    // Dispatches the calls already received, unless one is in progress, at
    // most `budget` of them (each one dispatched is taken off it); what is
    // left is scheduled for the server's next turn.
    void process_input(std::size_t& budget);

private:
    static int on_io(sd_event_source* s, int fd, std::uint32_t revents, void* userdata);
    void handle_io(std::uint32_t revents);
    void read_once();
    void flush();
    [[nodiscard]] Result<void> write_or_queue(std::string bytes);
    bool reading_wanted() const;
    void update_events();
    // Closes once the client has closed its side and everything was answered.
    void close_if_finished();
    void close();
    void close_for(Error problem);

    Server& server_;
    std::uint64_t id_;
    PeerCredentials peer_;
    Fd fd_;
    CHandle<sd_event_source, sd_event_source_disable_unref> source_;  // after fd_: released first
    FrameReader reader_;
    std::string output_;
    std::size_t output_sent_ = 0;  // bytes of output_ already written
    bool call_in_progress_ = false;
    bool end_of_input_ = false;
    bool input_waiting_ = false;  // calls left for the next turn (process_input)
    bool closed_ = false;
};

}  // namespace earlynet::varlink
