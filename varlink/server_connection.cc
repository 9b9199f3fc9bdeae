#include "server_connection.h"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <systemd/sd-event.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "base/guard.h"
#include "system_error.h"
#include "varlink/server.h"

namespace earlynet::varlink {

ServerConnection::ServerConnection(Server& server, std::uint64_t id, Fd fd, PeerCredentials peer)
    : server_(server), id_(id), peer_(peer), fd_(std::move(fd)), reader_(server.limits().max_message_bytes) {}

Result<std::shared_ptr<ServerConnection>> ServerConnection::start(Server& server, std::uint64_t id, Fd fd,
                                                                  PeerCredentials peer) {
    auto connection = std::make_shared<ServerConnection>(server, id, std::move(fd), peer);
    sd_event_source* source = nullptr;
    int r = sd_event_add_io(server.loop_, &source, connection->fd_.get(), EPOLLIN, &ServerConnection::on_io,
                            connection.get());
    if (r < 0) return system_error(-r, "varlink: watching a connection");
    connection->source_.reset(source);
    (void)sd_event_source_set_priority(source, kEventPriority);
    return connection;
}

int ServerConnection::on_io(sd_event_source*, int, std::uint32_t revents, void* userdata) {
    auto* self = static_cast<ServerConnection*>(userdata);
    // Held for the call: a handler's reply may close this connection, and
    // the server may drop its reference before this returns.
    auto keep = self->shared_from_this();
    if (auto done = call_guarded([&] { self->handle_io(revents); }); !done) self->close_for(done.error());
    return 0;
}

void ServerConnection::handle_io(std::uint32_t revents) {
    if ((revents & (EPOLLIN | EPOLLHUP | EPOLLERR)) && reading_wanted()) read_once();
    if (!closed_ && (revents & EPOLLOUT)) flush();
    std::size_t budget = server_.limits().calls_per_turn;
    process_input(budget);
    if (closed_) return;
    // The peer is gone (both directions) and everything it sent was read:
    // nothing sent now would arrive, so a call in progress ends here too.
    if ((revents & (EPOLLHUP | EPOLLERR)) && !reading_wanted()) {
        close();
        return;
    }
    close_if_finished();
    if (!closed_) update_events();
}

void ServerConnection::read_once() {
    auto& buffer = server_.read_buffer_;
    ssize_t n = ::recv(fd_.get(), buffer.data(), buffer.size(), MSG_DONTWAIT);
    if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) return;
        // ECONNRESET: the peer closed with unread replies; nothing to answer.
        close();
        return;
    }
    if (n == 0) {
        end_of_input_ = true;
        return;
    }
    if (auto fed = reader_.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n))); !fed)
        close_for(fed.error());
}

void ServerConnection::process_input(std::size_t& budget) {
    input_waiting_ = false;
    while (!closed_ && !call_in_progress_) {
        if (budget == 0) {
            input_waiting_ = reader_.buffered() > 0;
            if (input_waiting_) server_.schedule_work(id_);
            break;
        }
        auto message = reader_.next();
        if (!message) {
            close_for(message.error());
            return;
        }
        if (!*message) break;
        auto call = parse_call(**message);
        if (!call) {
            // Not a call we could answer (not JSON, no method): the stream
            // cannot be trusted to be in step any more.
            close_for(call.error());
            return;
        }
        call_in_progress_ = call->mode != CallMode::Oneway;
        --budget;
        server_.dispatch(shared_from_this(), std::move(*call));
    }
    // Here every complete message was dispatched (what is left is part of
    // one), or a call is in progress, or the rest waits for the next turn.
    if (!closed_) {
        close_if_finished();
        if (!closed_) update_events();
    }
}

Result<void> ServerConnection::send_reply(const Reply& reply, bool final) {
    if (closed_) return unexpected(Error::system(EPIPE, "varlink: the client is gone"));
    if (final) call_in_progress_ = false;
    std::string bytes = encode_reply(reply);
    bytes.push_back('\0');
    EARLYNET_TRY(write_or_queue(std::move(bytes)));
    // Calls received while this one was in progress are dispatched from
    // the loop, not from inside whoever sent this reply.
    if (final && reader_.buffered() > 0) {
        server_.schedule_work(id_);
    } else {
        close_if_finished();
    }
    if (!closed_) update_events();
    return {};
}

void ServerConnection::abandon(const std::string& method) {
    if (closed_) return;
    close_for(Error{ErrorCode::Internal, "varlink: " + method + " was never answered, disconnecting its client", 0});
}

Result<void> ServerConnection::write_or_queue(std::string bytes) {
    std::size_t written = 0;
    if (output_sent_ == output_.size()) {
        ssize_t n = ::send(fd_.get(), bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
            int err = errno;
            close();
            return system_error(err, "varlink: writing a reply");
        }
        written = n < 0 ? 0 : static_cast<std::size_t>(n);
    }
    if (written == bytes.size()) return {};
    if (output_sent_ > 0) {
        output_.erase(0, output_sent_);
        output_sent_ = 0;
    }
    // Checked before queueing: a client that does not read costs at most
    // the cap, and the loop never waits for it.
    if (output_.size() + bytes.size() - written > server_.limits().max_output_bytes) {
        close_for(Error::system(ENOBUFS, "varlink: a client reads its replies too slowly (more than " +
                                             std::to_string(server_.limits().max_output_bytes) +
                                             " bytes queued), disconnecting it"));
        return unexpected(Error::system(ENOBUFS, "varlink: the client was disconnected, its output queue is full"));
    }
    output_.append(bytes, written);
    return {};
}

void ServerConnection::flush() {
    while (output_sent_ < output_.size()) {
        ssize_t n = ::send(fd_.get(), output_.data() + output_sent_, output_.size() - output_sent_,
                           MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) return;
            close();
            return;
        }
        output_sent_ += static_cast<std::size_t>(n);
    }
    output_.clear();
    output_sent_ = 0;
}

bool ServerConnection::reading_wanted() const {
    if (closed_ || end_of_input_) return false;
    // While a call is in progress later calls wait in the reader; one
    // message's worth of them is enough, the socket keeps the rest.
    return !(call_in_progress_ && reader_.buffered() >= server_.limits().max_message_bytes);
}

void ServerConnection::update_events() {
    std::uint32_t events = 0;
    if (reading_wanted()) events |= EPOLLIN;
    if (output_sent_ < output_.size()) events |= EPOLLOUT;
    (void)sd_event_source_set_io_events(source_.get(), events);
}

void ServerConnection::close_if_finished() {
    if (end_of_input_ && !call_in_progress_ && !input_waiting_ && output_sent_ == output_.size()) close();
}

void ServerConnection::close() {
    if (closed_) return;
    closed_ = true;
    source_.reset();
    fd_.reset();
    output_ = std::string();
    reader_ = FrameReader(0);
    server_.connection_closed(id_);
}

void ServerConnection::close_for(Error problem) {
    if (closed_) return;
    close();
    server_.report(std::move(problem));
}

}  // namespace earlynet::varlink
