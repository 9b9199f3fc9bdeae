#include "daemon/api_client.h"

#include <cerrno>

namespace earlynet::daemon {

Result<std::optional<varlink::Client>> connect_api(const std::string& socket_path, Duration timeout) {
    auto client = varlink::Client::connect("unix:" + socket_path, timeout);
    if (client) return std::optional<varlink::Client>(std::move(*client));
    int err = client.error().sys_errno;
    if (err == ENOENT || err == ECONNREFUSED) return std::optional<varlink::Client>();
    return unexpected(std::move(client.error()));
}

Result<NetworkSnapshot> read_snapshot(const varlink::Reply& reply) {
    const auto& p = reply.parameters;
    if (!p.is_object() || !p.contains("devices") || !p["devices"].is_array())
        return unexpected(ErrorCode::Malformed, "the daemon's reply has no device list");
    NetworkSnapshot snapshot;
    if (auto it = p.find("startup_complete"); it != p.end() && it->is_boolean())
        snapshot.startup_complete = it->get<bool>();
    for (const auto& device : p["devices"]) {
        auto record = state::device_record_from_json(device.dump(), "the daemon's reply");
        if (!record) return unexpected(std::move(record.error()));
        snapshot.devices.push_back(std::move(*record));
    }
    return snapshot;
}

std::string describe_error(const varlink::Reply& reply) {
    std::string text = reply.error;
    if (reply.parameters.is_object() && !reply.parameters.empty())
        text += " " + reply.parameters.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return text;
}

}  // namespace earlynet::daemon
