// Client: a blocking varlink client for command-line tools (earlynet status,
// renew, wait-online). Every call takes a timeout and fails with
// ErrorCode::Timeout when it passes; nothing here touches an event loop.
//
//   auto client = Client::connect("unix:/run/earlynet/io.earlynet.Network", 5s);
//   auto reply = client->call("io.earlynet.Network.Describe", {}, 5s);
//   if (!reply) ...;                       // transport: could not ask
//   else if (!reply->ok()) ...;            // the service's error, reply->error
//
//   client->call_more("io.earlynet.Network.Subscribe", {}, 30s, [](const Reply& r) {
//       ...; return true;                  // false: stop reading
//   });
#pragma once

#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/fd.h"
#include "base/result.h"
#include "varlink/frame_reader.h"
#include "varlink/message.h"

namespace earlynet::varlink {

// The path of a varlink address "unix:PATH" (";..." parameters after it are
// ignored, as varlink.org allows). ErrorCode::Invalid for other transports.
[[nodiscard]] Result<std::string> unix_socket_path(std::string_view address);

class Client {
public:
    // Replies are larger than calls (a status of many devices).
    static constexpr std::size_t kMaxReplyBytes = std::size_t{16} * 1024 * 1024;

    [[nodiscard]] static Result<Client> connect(std::string_view address, Duration timeout);

    Client(Client&&) noexcept = default;
    Client& operator=(Client&&) noexcept = default;

    // Sends a call and waits for its one reply.
    [[nodiscard]] Result<Reply> call(std::string_view method, nlohmann::json parameters, Duration timeout);
    // Sends a call that wants no reply.
    [[nodiscard]] Result<void> call_oneway(std::string_view method, nlohmann::json parameters, Duration timeout);
    // Sends a call with "more" and hands each reply to on_reply until the
    // final one (or an error reply, also handed over); `timeout` bounds the
    // wait for each reply. on_reply returning false stops early, and the
    // connection is then of no further use (the service is still sending).
    [[nodiscard]] Result<void> call_more(std::string_view method, nlohmann::json parameters, Duration timeout,
                                         const std::function<bool(const Reply&)>& on_reply);

    // The two halves of the calls above, for callers that keep several calls
    // in flight (pipelining): replies come in the order of the calls.
    [[nodiscard]] Result<void> send(const Call& call, Duration timeout);
    [[nodiscard]] Result<Reply> receive(Duration timeout);

    int fd() const { return fd_.get(); }

private:
    explicit Client(Fd fd) : fd_(std::move(fd)), reader_(kMaxReplyBytes) {}

    Fd fd_;
    FrameReader reader_;
};

}  // namespace earlynet::varlink
