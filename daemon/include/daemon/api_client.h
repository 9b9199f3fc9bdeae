// The command-line side of the local API: `status`, `renew` and
// `wait-online` ask the running `earlynet run` through its socket, with a
// blocking varlink client (they are not the daemon: blocking is fine here).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "state/device_record.h"
#include "varlink/client.h"

namespace earlynet::daemon {

inline constexpr const char* kDefaultApiSocket = "/run/earlynet/io.earlynet.Network";

// A connection to the daemon; nullopt when none listens at socket_path (no
// socket file, or a stale one), which is not an error: earlynet is not running.
Result<std::optional<varlink::Client>> connect_api(const std::string& socket_path, Duration timeout);

// Describe's or one Subscribe reply's contents.
struct NetworkSnapshot {
    bool startup_complete = false;
    std::vector<state::DeviceRecord> devices;
};
Result<NetworkSnapshot> read_snapshot(const varlink::Reply& reply);

// A service's error reply in one line: its name and parameters.
std::string describe_error(const varlink::Reply& reply);

}  // namespace earlynet::daemon
