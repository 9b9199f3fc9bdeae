// bond=[<name>[:<ports>[:<options>[:<mtu>]]]], bridge=[<name>[:<ports>]],
// team=[<name>[:<ports>[:<runner>]]]: a controller and its ports. Defaults as
// the reference: bond0/br0/team0 with the single port eth0.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "argument_parsers.h"
#include "base/log.h"
#include "cmdline/bond_options.h"
#include "cmdline/cmdline_fields.h"
#include "profile/cmdline_values.h"

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

const char* name_field(profile::ConnectionType type) {
    return type == profile::ConnectionType::Bond     ? "bondname"
           : type == profile::ConnectionType::Bridge ? "bridgename"
                                                     : "teamname";
}

// bond='s third and fourth fields.
struct BondFields {
    std::map<std::string, std::string> options;
    std::optional<long> mtu;
};

Result<BondFields> read_bond_fields(const Argument& arg, FieldReader& f) {
    BondFields bond;
    std::string_view options_text = f.next(':');
    FieldReader opts(options_text);
    while (!opts.at_end()) {
        std::string_view opt = opts.next(',');
        if (opt.empty()) return unexpected(arg.error("options", options_text, "has an empty option"));
        auto eq = opt.find('=');
        if (eq == std::string_view::npos) return unexpected(arg.error("options", opt, "is not <option>=<value>"));
        std::string why;
        auto normal = normalize_bond_option(opt.substr(0, eq), opt.substr(eq + 1), why);
        if (!normal) return unexpected(arg.error("options", opt, why));
        bond.options[std::string(opt.substr(0, eq))] = *normal;
    }
    if (std::string why = check_bond_options(bond.options); !why.empty())
        return unexpected(arg.error("options", options_text, why, ErrorCode::Invalid));
    std::string_view mtu_text = f.next(':');
    if (!mtu_text.empty()) {
        auto n = profile::parse_int(mtu_text, 68, 65535);
        if (!n) return unexpected(arg.error("mtu", mtu_text, "is not an MTU (68..65535)"));
        bond.mtu = *n;
    }
    return bond;
}

Result<std::vector<std::string>> read_ports(const Argument& arg, std::string_view ports_text) {
    std::vector<std::string> ports;
    if (ports_text.empty()) {
        ports.emplace_back("eth0");
        return ports;
    }
    FieldReader pf(ports_text);
    while (!pf.at_end()) {
        std::string_view port = pf.next(',');
        if (port.empty()) return unexpected(arg.error("ports", ports_text, "has an empty port name"));
        ports.emplace_back(port);
    }
    return ports;
}

Result<void> attach_ports(ReaderContext& ctx, const Argument& arg, const profile::Profile& controller,
                          profile::ConnectionType type, const std::vector<std::string>& ports) {
    const std::string controller_uuid = controller.uuid;
    const std::string controller_name = controller.basename;
    for (const auto& port_name : ports) {
        if (port_name == controller_name)
            return unexpected(arg.error("ports", port_name, "is the controller itself", ErrorCode::Invalid));
        auto port = ctx.profiles.resolve(arg.text, "ports", port_name, std::nullopt, IfMissing::Create);
        EARLYNET_TRY(port);
        profile::Profile& p = **port;
        if (!p.controller.empty() && p.controller != controller_uuid)
            return unexpected(
                arg.error("ports", port_name, "is already a port of another controller", ErrorCode::Invalid));
        p.controller = controller_uuid;
        p.port_type = port_type_of(type);
    }
    return {};
}

Result<void> parse_controller(ReaderContext& ctx, const Argument& arg, profile::ConnectionType type) {
    const char* field = name_field(type);
    FieldReader f(arg.value);
    std::string name(f.next(':'));
    if (name.empty()) name = type == profile::ConnectionType::Bridge ? "br0" : std::string(to_string(type)) + "0";
    if (!is_valid_interface_name(name)) return unexpected(arg.error(field, name, "is not a valid interface name"));
    std::string_view ports_text = f.next(':');

    BondFields bond;
    if (type == profile::ConnectionType::Bond) {
        auto read = read_bond_fields(arg, f);
        EARLYNET_TRY(read);
        bond = std::move(*read);
    } else if (type == profile::ConnectionType::Team && !f.at_end()) {
        // dracut's runner field: teamd owns the runner, and earlynet does not run teamd.
        std::string_view runner = f.next(':');
        spdlog::warn("{}: field 'teamrunner': '{}' is ignored (team devices need teamd)", arg.text, runner);
    }
    if (!f.at_end()) return unexpected(arg.error("extra", f.rest(), "is more than the syntax allows"));

    auto controller = ctx.profiles.resolve(arg.text, field, name, type, IfMissing::Create);
    EARLYNET_TRY(controller);
    profile::Profile& c = **controller;
    if (c.is_port())
        return unexpected(arg.error(field, name, "is already a port of another controller", ErrorCode::Invalid));
    if (type == profile::ConnectionType::Bridge) c.bridge->stp = false;  // no forwarding delay at boot
    if (type == profile::ConnectionType::Bond)
        for (auto& [k, v] : bond.options) c.bond->options[k] = v;
    if (bond.mtu) c.ethernet_settings().mtu = static_cast<unsigned>(*bond.mtu);

    auto ports = read_ports(arg, ports_text);
    EARLYNET_TRY(ports);
    return attach_ports(ctx, arg, c, type, *ports);
}

}  // namespace

Result<void> parse_bond(ReaderContext& ctx, const Argument& arg) {
    return parse_controller(ctx, arg, profile::ConnectionType::Bond);
}

Result<void> parse_bridge(ReaderContext& ctx, const Argument& arg) {
    return parse_controller(ctx, arg, profile::ConnectionType::Bridge);
}

Result<void> parse_team(ReaderContext& ctx, const Argument& arg) {
    return parse_controller(ctx, arg, profile::ConnectionType::Team);
}

}  // namespace earlynet::cmdline
