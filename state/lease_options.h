// A saved lease's options, read through dhcp/option_table.h: what the
// exporters and `status` render, by the table's rows, so that an option is
// described once (its code, wire type, dhclient name and NetworkManager key).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dhcp/option_table.h"
#include "state/device_record.h"

namespace earlynet::state {

// An option's value in a saved lease. The options the client derived a value
// from (1 subnet mask, 51 lease time, 54 server, 58 T1, 59 T2) give that value
// (the classful mask when option 1 was missing, the repaired T1/T2), so every
// renderer shows what the client acted on. Otherwise the option as received,
// decoded strictly; nullopt when the server did not send it or sent it
// malformed (the client ignored it too).
std::optional<dhcp::OptionValue> lease_option(const LeaseRecord& lease, const dhcp::OptionDefinition& def);
std::optional<dhcp::OptionValue> lease_option(const LeaseRecord& lease, std::uint8_t code);

// The option as one line of text (dhcp::option_value_to_text); empty when absent.
std::string lease_option_text(const LeaseRecord& lease, std::uint8_t code);

// The lease's option 121 routes as route records (empty when none).
std::vector<StaticRouteRecord> lease_classless_routes(const LeaseRecord& lease);

struct RenderedOption {
    const dhcp::OptionDefinition* definition;
    dhcp::OptionValue value;
};
// Every row of the table the lease has a value for, in code order.
std::vector<RenderedOption> lease_options(const LeaseRecord& lease);

}  // namespace earlynet::state
