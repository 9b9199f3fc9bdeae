// vlan=<name>:<parent>, the id being the trailing digits of the name
// (vlan5, vlan0005, eth0.5, eth0.0005). The parent's own IP configuration is
// disabled after the pass unless an ip= asked for one.
#include <cctype>
#include <string>

#include "argument_parsers.h"
#include "cmdline/cmdline_fields.h"
#include "profile/cmdline_values.h"

namespace earlynet::cmdline {

namespace {

// The VLAN id, from the name's trailing digits.
Result<unsigned> vlan_id(const Argument& arg, std::string_view name) {
    std::size_t digits = name.size();
    while (digits > 0 && std::isdigit(static_cast<unsigned char>(name[digits - 1]))) --digits;
    std::string_view id_text = name.substr(digits);
    if (id_text.empty()) return unexpected(arg.error("vlanname", name, "does not end in a VLAN id"));
    auto id = profile::parse_int(id_text, 0, 4094);  // 4095 is reserved (IEEE 802.1Q)
    if (!id) return unexpected(arg.error("vlanname", name, "has a VLAN id outside 0..4094"));
    return static_cast<unsigned>(*id);
}

Result<void> check_name(const Argument& arg, std::string_view field, std::string_view name) {
    if (name.empty()) return unexpected(arg.error(field, name, "is missing"));
    if (!is_valid_interface_name(name)) return unexpected(arg.error(field, name, "is not a valid interface name"));
    return {};
}

}  // namespace

Result<void> parse_vlan(ReaderContext& ctx, const Argument& arg) {
    FieldReader f(arg.value);
    std::string_view name = f.next(':');
    std::string_view parent = f.next(':');
    EARLYNET_TRY(check_name(arg, "vlanname", name));
    EARLYNET_TRY(check_name(arg, "phydevice", parent));
    if (!f.at_end()) return unexpected(arg.error("extra", f.rest(), "is more than the syntax allows"));
    auto id = vlan_id(arg, name);
    EARLYNET_TRY(id);
    if (name == parent) return unexpected(arg.error("phydevice", parent, "is the VLAN itself", ErrorCode::Invalid));

    auto r = ctx.profiles.resolve(arg.text, "vlanname", name, profile::ConnectionType::Vlan, IfMissing::Create);
    EARLYNET_TRY(r);
    profile::VlanSettings& vlan = *(*r)->vlan;
    if (!vlan.parent.empty() && vlan.parent != parent)
        return unexpected(arg.error("phydevice", parent, "contradicts the parent " + vlan.parent + " given earlier",
                                    ErrorCode::Invalid));
    vlan.parent = std::string(parent);
    vlan.id = *id;
    auto& parents = ctx.pending.vlan_parents;
    bool known = false;
    for (const auto& [p, a] : parents) known = known || p == parent;
    if (!known) parents.emplace_back(std::string(parent), arg);
    return {};
}

// IP configuration of VLAN parents is disabled unless an ip= asked for it.
Result<void> disable_ip_of_vlan_parents(ReaderContext& ctx) {
    for (const auto& [parent, arg] : ctx.pending.vlan_parents) {
        auto p = ctx.profiles.resolve(arg.text, "parent", parent, std::nullopt, IfMissing::Create);
        EARLYNET_TRY(p);
        if (!ctx.ip_history.explicit_ip.count((*p)->basename)) {
            (*p)->ipv4.method = profile::IpMethod::Disabled;
            (*p)->ipv6.method = profile::IpMethod::Disabled;
        }
    }
    return {};
}

}  // namespace earlynet::cmdline
