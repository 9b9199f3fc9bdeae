#include "global_arguments.h"

#include <algorithm>
#include <climits>
#include <string_view>

#include "argument.h"
#include "profile/cmdline_values.h"

namespace earlynet::cmdline {

namespace {

// What the pass collects; the DHCP timeout is made of two arguments.
struct Globals {
    GlobalSettings settings;
    long timeout_s = 90;
    long retries = 1;
};

using GlobalParser = Result<void> (*)(Globals&, const Argument&);

Result<void> parse_net_ifnames(Globals& g, const Argument& arg) {
    g.settings.net_ifnames = arg.value != "0";
    return {};
}

Result<void> parse_peerdns(Globals& g, const Argument& arg) {
    auto b = profile::parse_bool(arg.value, true);
    if (!b) return unexpected(arg.error("rd.peerdns", arg.value, "is not a boolean (0/1, yes/no, true/false, on/off)"));
    g.settings.profile_defaults.ignore_auto_dns = !*b;
    return {};
}

Result<void> parse_dhcp_timeout(Globals& g, const Argument& arg) {
    if (arg.value == "infinity") {
        g.timeout_s = INT32_MAX;
        return {};
    }
    auto n = profile::parse_int(arg.value, 1, INT32_MAX);
    if (!n)
        return unexpected(
            arg.error("rd.net.timeout.dhcp", arg.value, "is not a number of seconds (1..2147483647) or 'infinity'"));
    g.timeout_s = *n;
    return {};
}

Result<void> parse_dhcp_retry(Globals& g, const Argument& arg) {
    auto n = profile::parse_int(arg.value, 1, INT32_MAX);
    if (!n) return unexpected(arg.error("rd.net.dhcp.retry", arg.value, "is not a number of attempts (1..2147483647)"));
    g.retries = *n;
    return {};
}

Result<void> parse_vendor_class(Globals& g, const Argument& arg) {
    if (arg.value.empty()) return unexpected(arg.error("rd.net.dhcp.vendor-class", arg.value, "is empty"));
    // Option 60 carries at most 255 bytes.
    if (arg.value.size() > 255)
        return unexpected(arg.error("rd.net.dhcp.vendor-class", arg.value.substr(0, 16),
                                    "is longer than 255 bytes (DHCP option 60)"));
    g.settings.profile_defaults.vendor_class = std::string(arg.value);
    return {};
}

Result<void> parse_carrier_timeout(Globals& g, const Argument& arg) {
    auto n = profile::parse_int(arg.value, 0, INT32_MAX);
    if (!n)
        return unexpected(arg.error("rd.net.timeout.carrier", arg.value, "is not a number of seconds (0..2147483647)"));
    g.settings.carrier_timeout_s = *n;
    return {};
}

struct GlobalEntry {
    std::string_view name;
    GlobalParser parse;
};

constexpr GlobalEntry kGlobalArguments[] = {
    {"net.ifnames", parse_net_ifnames},
    {"rd.peerdns", parse_peerdns},
    {"rd.net.timeout.dhcp", parse_dhcp_timeout},
    {"rd.net.dhcp.retry", parse_dhcp_retry},
    {"rd.net.dhcp.vendor-class", parse_vendor_class},
    {"rd.net.timeout.carrier", parse_carrier_timeout},
};

}  // namespace

Result<GlobalSettings> read_global_arguments(const std::vector<std::string>& args) {
    Globals g;
    for (const auto& word : args) {
        Argument arg = split_argument(word);
        for (const auto& entry : kGlobalArguments)
            if (entry.name == arg.name) EARLYNET_TRY(entry.parse(g, arg));
    }
    // Like the reference: the retries make one longer attempt, not several.
    g.settings.profile_defaults.dhcp_timeout_s =
        static_cast<int>(std::clamp<long long>(static_cast<long long>(g.timeout_s) * g.retries, 1, INT32_MAX));
    return g.settings;
}

}  // namespace earlynet::cmdline
