// `earlynet status`: the state for a person in the emergency shell (one block
// per device: outcome or failure reason, addresses, lease with its remaining
// time, timings) or for scripts (--json: {"version":2,"devices":[...],
// "corrupt":[...]}: the records as saved, each lease with "values", its
// options decoded by dhcp/option_table.h and keyed by their RFC names).
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "state/state_store.h"

namespace earlynet::state {

// `now_boottime` (CLOCK_BOOTTIME) computes a lease's remaining time.
std::string render_status_text(const LoadedState& state, std::chrono::nanoseconds now_boottime);
std::string render_status_json(const LoadedState& state);
// One device as --json shows it (the local API's Describe answers the same).
nlohmann::json device_status_json(const DeviceRecord& device);

}  // namespace earlynet::state
