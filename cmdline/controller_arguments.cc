// bond=, bridge=, team=, vlan= and ib.pkey=: virtual links and their ports.
#include "cmdline/bond_options.h"
#include "cmdline/cmdline_fields.h"
#include "cmdline/cmdline_reader_state.h"
#include "spdlog/spdlog.h"

namespace earlynet::cmdline {

namespace {
profile::PortType port_type_of(profile::ConnectionType t) {
    switch (t) {
        case profile::ConnectionType::Bond: return profile::PortType::Bond;
        case profile::ConnectionType::Bridge: return profile::PortType::Bridge;
        case profile::ConnectionType::Team: return profile::PortType::Team;
        case profile::ConnectionType::Ethernet:
        case profile::ConnectionType::Infiniband:
        case profile::ConnectionType::Vlan: break;
    }
    return profile::PortType::Bond;
}
}  // namespace

// bond=[<name>[:<ports>[:<options>[:<mtu>]]]], bridge=[<name>[:<ports>]],
// team=[<name>[:<ports>[:<runner>]]]. Defaults as the reference: bond0/br0/team0
// with the single port eth0.
Result<void> CmdlineReader::parse_controller(std::string_view arg, std::string_view value, profile::ConnectionType type) {
    const char* field_name = type == profile::ConnectionType::Bond     ? "bondname"
                             : type == profile::ConnectionType::Bridge ? "bridgename"
                                                              : "teamname";
    FieldReader f(value);
    std::string name(f.next(':'));
    if (name.empty()) name = type == profile::ConnectionType::Bridge ? "br0" : std::string(to_string(type)) + "0";
    if (!is_valid_interface_name(name))
        return unexpected(profile::argument_error(arg, field_name, name, "is not a valid interface name"));
    std::string_view ports_text = f.next(':');

    std::map<std::string, std::string> bond_options;
    std::optional<long> mtu;
    std::string_view mtu_text;
    if (type == profile::ConnectionType::Bond) {
        std::string_view options_text = f.next(':');
        FieldReader opts(options_text);
        while (!opts.at_end()) {
            std::string_view opt = opts.next(',');
            if (opt.empty()) return unexpected(profile::argument_error(arg, "options", options_text, "has an empty option"));
            auto eq = opt.find('=');
            if (eq == std::string_view::npos)
                return unexpected(profile::argument_error(arg, "options", opt, "is not <option>=<value>"));
            std::string why;
            auto normal = normalize_bond_option(opt.substr(0, eq), opt.substr(eq + 1), why);
            if (!normal) return unexpected(profile::argument_error(arg, "options", opt, why));
            bond_options[std::string(opt.substr(0, eq))] = *normal;
        }
        if (std::string why = check_bond_options(bond_options); !why.empty())
            return unexpected(profile::argument_error(arg, "options", options_text, why, ErrorCode::Invalid));
        mtu_text = f.next(':');
        if (!mtu_text.empty()) {
            auto n = profile::parse_int(mtu_text, 68, 65535);
            if (!n) return unexpected(profile::argument_error(arg, "mtu", mtu_text, "is not an MTU (68..65535)"));
            mtu = *n;
        }
    } else if (type == profile::ConnectionType::Team && !f.at_end()) {
        // dracut's runner field: teamd owns the runner, and earlynet does not run teamd.
        std::string_view runner = f.next(':');
        spdlog::warn("{}: field 'teamrunner': '{}' is ignored (team devices need teamd)", arg, runner);
    }
    if (!f.at_end()) return unexpected(profile::argument_error(arg, "extra", f.rest(), "is more than the syntax allows"));

    auto controller = get_profile(arg, field_name, name, type, true);
    EARLYNET_TRY(controller);
    profile::Profile& c = **controller;
    if (c.is_port())
        return unexpected(
            profile::argument_error(arg, field_name, name, "is already a port of another controller", ErrorCode::Invalid));
    if (type == profile::ConnectionType::Bridge) c.bridge->stp = false;  // no forwarding delay at boot
    if (type == profile::ConnectionType::Bond)
        for (auto& [k, v] : bond_options) c.bond->options[k] = v;
    if (mtu) c.ethernet_settings().mtu = static_cast<unsigned>(*mtu);
    std::string controller_uuid = c.uuid;
    std::string controller_name = c.basename;

    std::vector<std::string> ports;
    if (ports_text.empty()) {
        ports.emplace_back("eth0");
    } else {
        FieldReader pf(ports_text);
        while (!pf.at_end()) {
            std::string_view port = pf.next(',');
            if (port.empty()) return unexpected(profile::argument_error(arg, "ports", ports_text, "has an empty port name"));
            ports.emplace_back(port);
        }
    }
    for (const auto& port_name : ports) {
        if (port_name == controller_name)
            return unexpected(profile::argument_error(arg, "ports", port_name, "is the controller itself", ErrorCode::Invalid));
        auto port = get_profile(arg, "ports", port_name, std::nullopt, true);
        EARLYNET_TRY(port);
        profile::Profile& p = **port;
        if (!p.controller.empty() && p.controller != controller_uuid)
            return unexpected(
                profile::argument_error(arg, "ports", port_name, "is already a port of another controller", ErrorCode::Invalid));
        p.controller = controller_uuid;
        p.port_type = port_type_of(type);
    }
    return {};
}

// vlan=<name>:<parent>, the id being the trailing digits of the name
// (vlan5, vlan0005, eth0.5, eth0.0005).
Result<void> CmdlineReader::parse_vlan(std::string_view arg, std::string_view value) {
    FieldReader f(value);
    std::string_view name = f.next(':');
    std::string_view parent = f.next(':');
    if (name.empty()) return unexpected(profile::argument_error(arg, "vlanname", name, "is missing"));
    if (!is_valid_interface_name(name))
        return unexpected(profile::argument_error(arg, "vlanname", name, "is not a valid interface name"));
    if (parent.empty()) return unexpected(profile::argument_error(arg, "phydevice", parent, "is missing"));
    if (!is_valid_interface_name(parent))
        return unexpected(profile::argument_error(arg, "phydevice", parent, "is not a valid interface name"));
    if (!f.at_end()) return unexpected(profile::argument_error(arg, "extra", f.rest(), "is more than the syntax allows"));
    std::size_t digits = name.size();
    while (digits > 0 && std::isdigit(static_cast<unsigned char>(name[digits - 1]))) --digits;
    std::string_view id_text = name.substr(digits);
    if (id_text.empty()) return unexpected(profile::argument_error(arg, "vlanname", name, "does not end in a VLAN id"));
    auto id = profile::parse_int(id_text, 0, 4094);  // 4095 is reserved (IEEE 802.1Q)
    if (!id) return unexpected(profile::argument_error(arg, "vlanname", name, "has a VLAN id outside 0..4094"));
    if (name == parent)
        return unexpected(profile::argument_error(arg, "phydevice", parent, "is the VLAN itself", ErrorCode::Invalid));

    auto r = get_profile(arg, "vlanname", name, profile::ConnectionType::Vlan, true);
    EARLYNET_TRY(r);
    profile::VlanSettings& vlan = *(*r)->vlan;
    if (!vlan.parent.empty() && vlan.parent != parent)
        return unexpected(profile::argument_error(
            arg, "phydevice", parent, "contradicts the parent " + vlan.parent + " given earlier", ErrorCode::Invalid));
    vlan.parent = std::string(parent);
    vlan.id = static_cast<unsigned>(*id);
    bool known = false;
    for (const auto& [p, a] : vlan_parents_) known = known || p == parent;
    if (!known) vlan_parents_.emplace_back(std::string(parent), std::string(arg));
    return {};
}

// ib.pkey=<parent>.<pkey>, the partition key in hex.
Result<void> CmdlineReader::parse_ib_pkey(std::string_view arg, std::string_view value) {
    FieldReader f(value);
    std::string_view name = f.next(':');
    if (name.empty()) return unexpected(profile::argument_error(arg, "ib.pkey", name, "is missing"));
    if (!f.at_end()) return unexpected(profile::argument_error(arg, "extra", f.rest(), "is more than the syntax allows"));
    auto dot = name.find('.');
    if (dot == std::string_view::npos)
        return unexpected(profile::argument_error(arg, "ib.pkey", name, "is not <parent>.<pkey>"));
    std::string_view parent = name.substr(0, dot);
    auto pkey = profile::parse_int(name.substr(dot + 1), 0, 0xFFFF, 16);
    if (!pkey)
        return unexpected(profile::argument_error(arg, "pkey", name.substr(dot + 1), "is not a hex partition key (0..ffff)"));
    if (!is_valid_interface_name(parent) || !is_valid_interface_name(name))
        return unexpected(profile::argument_error(arg, "ib.pkey", name, "is not a valid interface name"));
    auto r = get_profile(arg, "ib.pkey", name, profile::ConnectionType::Infiniband, true);
    EARLYNET_TRY(r);
    (*r)->infiniband->parent = std::string(parent);
    (*r)->infiniband->p_key = static_cast<int>(*pkey);
    return {};
}

}  // namespace earlynet::cmdline
