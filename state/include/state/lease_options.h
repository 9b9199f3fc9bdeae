// A saved lease's options, read through dhcp/option_table.h: what the
// exporters and `status` render, by the table's rows, so that an option is
// described once (its code, wire type, dhclient name and NetworkManager key).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dhcp/dhcp6_message.h"
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

// The same for a DHCPv6 lease: every option of the REPLY that the DHCPv6
// table knows and that decodes, in wire order, the first of a repeated code
// (as dhclient -6 names one variable per option).
struct RenderedOption6 {
    const dhcp::Dhcp6OptionDefinition* definition;
    dhcp::Dhcp6OptionValue value;
};
std::vector<RenderedOption6> lease6_options(const Lease6Record& lease);
std::string lease6_option_text(const Lease6Record& lease, std::uint16_t code);
// The IAID as dhclient -6 and NetworkManager print it: "xx:xx:xx:xx".
std::string lease6_iaid_text(const Lease6Record& lease);

// The DHCPv6 boot-file URL (option 59) when it names a root dracut can mount
// (nfs:, nfs4:, nbd:, iscsi:, nfs://...; nfs://[ADDR]/PATH written as dracut's
// nfs:[ADDR]:/PATH:): `root=dhcp6` reads the root path from it, as `root=dhcp`
// reads option 17. Empty otherwise (an http:// URL is for the firmware).
std::string lease6_root_path(const Lease6Record& lease);

}  // namespace earlynet::state
