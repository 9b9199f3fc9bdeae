#include "cmdline/bond_options.h"

#include <array>
#include <vector>

#include "base/ip_address.h"
#include "cmdline/cmdline_fields.h"
#include "profile/cmdline_values.h"

namespace earlynet::cmdline {

namespace {

enum class BondValue { Int, Enum, IpList4, IpList6, Mac, Ifname };

struct BondOptionDef {
    const char* name;
    BondValue kind;
    std::int64_t min;
    std::int64_t max;
    std::vector<const char*> names;  // for Enum: index = numeric value
};

// The kernel's bonding options (Documentation/networking/bonding.rst) with the
// ranges NetworkManager accepts.
const std::vector<BondOptionDef>& bond_option_table() {
    static const std::vector<BondOptionDef> table = {
        {"ad_actor_sys_prio", BondValue::Int, 1, 65535, {}},
        {"ad_actor_system", BondValue::Mac, 0, 0, {}},
        {"ad_select", BondValue::Enum, 0, 2, {"stable", "bandwidth", "count"}},
        {"ad_user_port_key", BondValue::Int, 0, 1023, {}},
        {"all_slaves_active", BondValue::Int, 0, 1, {}},
        {"arp_all_targets", BondValue::Enum, 0, 1, {"any", "all"}},
        {"arp_interval", BondValue::Int, 0, INT32_MAX, {}},
        {"arp_ip_target", BondValue::IpList4, 0, 0, {}},
        {"arp_missed_max", BondValue::Int, 1, 255, {}},
        {"arp_validate",
         BondValue::Enum,
         0,
         6,
         {"none", "active", "backup", "all", "filter", "filter_active", "filter_backup"}},
        {"downdelay", BondValue::Int, 0, INT32_MAX, {}},
        {"fail_over_mac", BondValue::Enum, 0, 2, {"none", "active", "follow"}},
        {"lacp_rate", BondValue::Enum, 0, 1, {"slow", "fast"}},
        {"lp_interval", BondValue::Int, 1, INT32_MAX, {}},
        {"miimon", BondValue::Int, 0, INT32_MAX, {}},
        {"min_links", BondValue::Int, 0, INT32_MAX, {}},
        {"mode",
         BondValue::Enum,
         0,
         6,
         {"balance-rr", "active-backup", "balance-xor", "broadcast", "802.3ad", "balance-tlb", "balance-alb"}},
        {"ns_ip6_target", BondValue::IpList6, 0, 0, {}},
        {"num_grat_arp", BondValue::Int, 0, 255, {}},
        {"num_unsol_na", BondValue::Int, 0, 255, {}},
        {"packets_per_slave", BondValue::Int, 0, 65535, {}},
        {"peer_notif_delay", BondValue::Int, 0, INT32_MAX, {}},
        {"primary", BondValue::Ifname, 0, 0, {}},
        {"primary_reselect", BondValue::Enum, 0, 2, {"always", "better", "failure"}},
        {"resend_igmp", BondValue::Int, 0, 255, {}},
        {"tlb_dynamic_lb", BondValue::Int, 0, 1, {}},
        {"updelay", BondValue::Int, 0, INT32_MAX, {}},
        {"use_carrier", BondValue::Int, 0, 1, {}},
        {"xmit_hash_policy",
         BondValue::Enum,
         0,
         5,
         {"layer2", "layer3+4", "layer2+3", "encap2+3", "encap3+4", "vlan+srcmac"}},
    };
    return table;
}

// Several targets: dracut separates them with ';' (the option list itself is
// comma separated); the normal form joins them with ','.
std::optional<std::string> normalize_ip_list(std::string_view value, bool v6, std::string& why) {
    std::string out;
    FieldReader f(value);
    while (!f.at_end()) {
        std::string_view item = f.next(';');
        auto addr = IpAddress::parse(item);
        if (!addr || addr->is_v4() == v6) {
            why = std::string("'") + std::string(item) + "' is not an " + (v6 ? "IPv6" : "IPv4") + " address";
            return std::nullopt;
        }
        if (!out.empty()) out += ',';
        out += addr->to_string();
    }
    if (out.empty()) {
        why = "is empty";
        return std::nullopt;
    }
    return out;
}

}  // namespace

std::optional<std::string> normalize_bond_option(std::string_view name, std::string_view value, std::string& why) {
    for (const auto& def : bond_option_table()) {
        if (name != def.name) continue;
        switch (def.kind) {
            case BondValue::Int:
                if (profile::parse_int(value, def.min, def.max)) return std::string(value);
                why = "is not a number in " + std::to_string(def.min) + ".." + std::to_string(def.max);
                return std::nullopt;
            case BondValue::Enum: {
                for (std::size_t i = 0; i < def.names.size(); ++i)
                    if (value == def.names[i]) return std::string(value);
                if (auto n = profile::parse_int(value, def.min, def.max)) {
                    // NetworkManager normalises the mode number to its name only.
                    if (name == "mode") return std::string(def.names[static_cast<std::size_t>(*n)]);
                    return std::string(value);
                }
                why = "is not one of";
                for (auto* n : def.names) why += std::string(" ") + n;
                return std::nullopt;
            }
            case BondValue::IpList4: return normalize_ip_list(value, false, why);
            case BondValue::IpList6: return normalize_ip_list(value, true, why);
            case BondValue::Mac:
                if (auto hw = HardwareAddress::parse_ethernet(value)) return hw->to_string();
                why = "is not a MAC address";
                return std::nullopt;
            case BondValue::Ifname:
                if (is_valid_interface_name(value)) return std::string(value);
                why = "is not an interface name";
                return std::nullopt;
        }
    }
    why = "is not a known bonding option";
    return std::nullopt;
}

std::string check_bond_options(const std::map<std::string, std::string>& options) {
    auto get = [&](const char* k) -> std::string {
        auto it = options.find(k);
        return it == options.end() ? std::string() : it->second;
    };
    std::string mode = get("mode").empty() ? "balance-rr" : get("mode");
    long arp_interval = get("arp_interval").empty() ? 0 : std::stol(get("arp_interval"));
    long miimon = get("miimon").empty() ? 0 : std::stol(get("miimon"));
    if (arp_interval > 0 && get("arp_ip_target").empty() && get("ns_ip6_target").empty())
        return "'arp_interval' needs 'arp_ip_target' or 'ns_ip6_target'";
    if (arp_interval > 0 && miimon > 0) return "'miimon' and 'arp_interval' cannot both be enabled";
    if (arp_interval > 0 && (mode == "802.3ad" || mode == "balance-tlb" || mode == "balance-alb"))
        return "'arp_interval' is not supported in mode " + mode;
    if (!get("primary").empty() && mode != "active-backup") return "'primary' needs mode active-backup";
    if (!get("lacp_rate").empty() && get("lacp_rate") != "slow" && get("lacp_rate") != "0" && mode != "802.3ad")
        return "'lacp_rate' needs mode 802.3ad";
    return {};
}

}  // namespace earlynet::cmdline
