#include "varlink/method_call.h"

#include <cerrno>
#include <utility>

#include "server_connection.h"

namespace earlynet::varlink {

MethodCall::MethodCall(Call call, std::weak_ptr<ServerConnection> connection)
    : call_(std::move(call)), connection_(std::move(connection)) {}

MethodCall& MethodCall::operator=(MethodCall&& other) noexcept {
    if (this != &other) {
        MethodCall abandoned(std::move(*this));
        call_ = std::move(other.call_);
        connection_ = std::move(other.connection_);
        answered_ = other.answered_;
    }
    return *this;
}

MethodCall::~MethodCall() {
    if (answered_ || oneway()) return;
    if (auto connection = connection_.lock()) connection->abandon(call_.method);
}

PeerCredentials MethodCall::peer() const {
    auto connection = connection_.lock();
    return connection ? connection->peer() : PeerCredentials{};
}

bool MethodCall::connected() const {
    auto connection = connection_.lock();
    return connection && !connection->closed();
}

Result<void> MethodCall::reply(nlohmann::json parameters) {
    return send(Reply{std::string(), std::move(parameters), false});
}

Result<void> MethodCall::reply_continues(nlohmann::json parameters) {
    if (!wants_more())
        return unexpected(ErrorCode::Invalid, "varlink: " + call_.method + " was not called with \"more\"");
    return send(Reply{std::string(), std::move(parameters), true});
}

Result<void> MethodCall::reply_error(const Reply& error) {
    if (error.ok()) return unexpected(ErrorCode::Invalid, "varlink: an error reply without an error name");
    return send(Reply{error.error, error.parameters, false});
}

Result<void> MethodCall::reply_error(std::string_view name, nlohmann::json parameters) {
    return send(Reply{std::string(name), std::move(parameters), false});
}

Result<void> MethodCall::send(const Reply& reply) {
    if (answered_) return unexpected(ErrorCode::Invalid, "varlink: " + call_.method + " was answered already");
    bool final = !reply.continues;
    if (final) answered_ = true;
    if (oneway()) return {};
    auto connection = connection_.lock();
    if (!connection) return unexpected(Error::system(EPIPE, "varlink: the client is gone"));
    return connection->send_reply(reply, final);
}

}  // namespace earlynet::varlink
