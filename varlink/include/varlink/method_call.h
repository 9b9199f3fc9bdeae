// MethodCall: one call a client made, handed to the method's handler. The
// handler answers at once or keeps the (move-only) call and answers later
// from anywhere on the server's loop: a Subscribe handler keeps it and sends
// reply_continues() on every change.
//
// The server answers a connection's calls in order: while a call waits for
// its final reply, the connection's next calls wait too. A call destroyed
// without its final reply is abandoned: its connection is closed, so that no
// client waits forever for an answer that will not come.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "base/result.h"
#include "varlink/message.h"
#include "varlink/peer_credentials.h"

namespace earlynet::varlink {

class ServerConnection;

class MethodCall {
public:
    MethodCall(Call call, std::weak_ptr<ServerConnection> connection);
    MethodCall(MethodCall&&) noexcept = default;
    MethodCall& operator=(MethodCall&& other) noexcept;
    MethodCall(const MethodCall&) = delete;
    MethodCall& operator=(const MethodCall&) = delete;
    ~MethodCall();

    const std::string& method() const { return call_.method; }
    const nlohmann::json& parameters() const { return call_.parameters; }
    bool wants_more() const { return call_.mode == CallMode::More; }
    bool oneway() const { return call_.mode == CallMode::Oneway; }
    // The peer of the connection (SO_PEERCRED); the default (uid -1) once the
    // connection is gone.
    PeerCredentials peer() const;
    // False once the client disconnected or was disconnected; replies then fail.
    bool connected() const;
    // True once the final reply (or error) was sent.
    bool answered() const { return answered_; }

    // The final reply. For a oneway call nothing is sent. Errors: the
    // connection is gone (ErrorCode::System, EPIPE) or the call was answered
    // already (ErrorCode::Invalid).
    [[nodiscard]] Result<void> reply(nlohmann::json parameters = nlohmann::json::object());
    // A reply with "continues": true; the call stays open. Only for a call
    // that wants_more() (ErrorCode::Invalid otherwise).
    [[nodiscard]] Result<void> reply_continues(nlohmann::json parameters);
    // An error as the final reply: errors::invalid_parameter("name"), a
    // ParameterReader's finish(), or the interface's own errors.
    [[nodiscard]] Result<void> reply_error(const Reply& error);
    [[nodiscard]] Result<void> reply_error(std::string_view name, nlohmann::json parameters = nlohmann::json::object());

private:
    Result<void> send(const Reply& reply);

    Call call_;
    std::weak_ptr<ServerConnection> connection_;
    bool answered_ = false;
};

}  // namespace earlynet::varlink
