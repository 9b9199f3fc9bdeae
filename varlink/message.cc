#include "varlink/message.h"

#include <optional>
#include <utility>

namespace earlynet::varlink {

namespace {

using nlohmann::json;

// Parses without exceptions and stops at kMaxJsonDepth (the callback's
// depth counts the enclosing containers).
std::optional<json> parse_object(std::string_view text) {
    bool too_deep = false;
    json::parser_callback_t limit_depth = [&too_deep](int depth, json::parse_event_t, json&) {
        if (static_cast<std::size_t>(depth) > kMaxJsonDepth) too_deep = true;
        return !too_deep;
    };
    json value = json::parse(text.begin(), text.end(), limit_depth, /*allow_exceptions=*/false);
    if (too_deep || value.is_discarded() || !value.is_object()) return std::nullopt;
    return value;
}

Unexpected<Error> malformed(std::string what) {
    return unexpected(ErrorCode::Malformed, std::move(what));
}

// A missing flag is false; anything but a boolean is a protocol error.
std::optional<bool> flag(const json& message, const char* name) {
    auto it = message.find(name);
    if (it == message.end()) return false;
    if (!it->is_boolean()) return std::nullopt;
    return it->get<bool>();
}

// Missing and null parameters are both none; anything but an object is an error.
std::optional<json> parameters_of(json& message) {
    auto it = message.find("parameters");
    if (it == message.end() || it->is_null()) return json::object();
    if (!it->is_object()) return std::nullopt;
    return std::move(*it);
}

std::string dump(const json& value) {
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

Result<Call> parse_call(std::string_view message) {
    auto object = parse_object(message);
    if (!object) return malformed("not a JSON object");
    Call call;
    auto method = object->find("method");
    if (method == object->end() || !method->is_string()) return malformed("no \"method\" string");
    call.method = method->get<std::string>();
    auto parameters = parameters_of(*object);
    if (!parameters) return malformed("\"parameters\" is not an object");
    call.parameters = std::move(*parameters);
    auto more = flag(*object, "more");
    auto oneway = flag(*object, "oneway");
    auto upgrade = flag(*object, "upgrade");
    if (!more || !oneway || !upgrade) return malformed("\"more\", \"oneway\" and \"upgrade\" must be booleans");
    // A call that wants many replies and none at once cannot be answered.
    if (*more && *oneway) return malformed("\"more\" and \"oneway\" together");
    call.mode = *more ? CallMode::More : *oneway ? CallMode::Oneway : CallMode::Plain;
    call.upgrade = *upgrade;
    return call;
}

Result<Reply> parse_reply(std::string_view message) {
    auto object = parse_object(message);
    if (!object) return malformed("not a JSON object");
    Reply reply;
    if (auto error = object->find("error"); error != object->end()) {
        if (!error->is_string() || error->get_ref<const std::string&>().empty())
            return malformed("\"error\" is not a name");
        reply.error = error->get<std::string>();
    }
    auto parameters = parameters_of(*object);
    if (!parameters) return malformed("\"parameters\" is not an object");
    reply.parameters = std::move(*parameters);
    auto continues = flag(*object, "continues");
    if (!continues) return malformed("\"continues\" is not a boolean");
    reply.continues = *continues;
    return reply;
}

std::string encode_call(const Call& call) {
    json message = {{"method", call.method}, {"parameters", call.parameters}};
    if (call.mode == CallMode::More) message["more"] = true;
    if (call.mode == CallMode::Oneway) message["oneway"] = true;
    if (call.upgrade) message["upgrade"] = true;
    return dump(message);
}

std::string encode_reply(const Reply& reply) {
    json message = {{"parameters", reply.parameters}};
    if (!reply.error.empty()) message["error"] = reply.error;
    if (reply.continues) message["continues"] = true;
    return dump(message);
}

}  // namespace earlynet::varlink
