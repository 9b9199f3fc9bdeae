// The errors of org.varlink.service (interfaces/org.varlink.service.varlink),
// as replies a method handler or the server's dispatch sends.
#pragma once

#include <string>
#include <string_view>

#include "varlink/message.h"

namespace earlynet::varlink::errors {

inline constexpr std::string_view kInterfaceNotFound = "org.varlink.service.InterfaceNotFound";
inline constexpr std::string_view kMethodNotFound = "org.varlink.service.MethodNotFound";
inline constexpr std::string_view kMethodNotImplemented = "org.varlink.service.MethodNotImplemented";
inline constexpr std::string_view kInvalidParameter = "org.varlink.service.InvalidParameter";
inline constexpr std::string_view kPermissionDenied = "org.varlink.service.PermissionDenied";
inline constexpr std::string_view kExpectedMore = "org.varlink.service.ExpectedMore";

// An error reply with its parameters: {"error": name, "parameters": ...}.
inline Reply error_reply(std::string_view name, nlohmann::json parameters = nlohmann::json::object()) {
    return Reply{std::string(name), std::move(parameters), false};
}

inline Reply interface_not_found(std::string_view interface) {
    return error_reply(kInterfaceNotFound, {{"interface", interface}});
}
inline Reply method_not_found(std::string_view method) {
    return error_reply(kMethodNotFound, {{"method", method}});
}
inline Reply method_not_implemented(std::string_view method) {
    return error_reply(kMethodNotImplemented, {{"method", method}});
}
inline Reply invalid_parameter(std::string_view parameter) {
    return error_reply(kInvalidParameter, {{"parameter", parameter}});
}
inline Reply permission_denied() {
    return error_reply(kPermissionDenied);
}
inline Reply expected_more() {
    return error_reply(kExpectedMore);
}

}  // namespace earlynet::varlink::errors
