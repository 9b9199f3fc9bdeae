// Per-device arguments: rd.ethtool=, rd.znet=/rd.znet_ifname=, ifname=, rd.route=.
#include <algorithm>
#include <climits>

#include "cmdline/cmdline_fields.h"
#include "cmdline/cmdline_reader_state.h"
#include "spdlog/spdlog.h"

namespace earlynet::cmdline {

// rd.ethtool=<interface>:[<autoneg>]:[<speed>]
Result<void> CmdlineReader::parse_ethtool(std::string_view arg, std::string_view value) {
    FieldReader f(value);
    std::string_view iface = f.next(':');
    if (iface.empty()) return unexpected(profile::argument_error(arg, "interface", iface, "is missing"));
    std::string_view autoneg_text = f.next(':');
    std::string_view speed_text = f.next(':');
    if (!f.at_end()) return unexpected(profile::argument_error(arg, "extra", f.rest(), "is more than the syntax allows"));

    std::optional<bool> autoneg;
    if (!autoneg_text.empty()) {
        autoneg = profile::parse_bool(autoneg_text, false);
        if (!autoneg) return unexpected(profile::argument_error(arg, "autoneg", autoneg_text, "is not a boolean"));
    }
    unsigned speed = 0;
    if (!speed_text.empty()) {
        auto n = profile::parse_int(speed_text, 0, UINT32_MAX);
        if (!n) return unexpected(profile::argument_error(arg, "speed", speed_text, "is not a speed in Mbit/s"));
        speed = static_cast<unsigned>(*n);
    }
    if (speed == 0 && autoneg == false)
        spdlog::warn("{}: field 'autoneg': autonegotiation cannot be disabled without a speed, ignoring", arg);

    auto r = get_profile(arg, "interface", iface, profile::ConnectionType::Ethernet, true);
    EARLYNET_TRY(r);
    if (autoneg || speed != 0) {
        profile::EthernetSettings& eth = (*r)->ethernet_settings();
        eth.auto_negotiate = autoneg.value_or(false);
        eth.speed = speed;
        eth.duplex = speed == 0 ? "" : "full";
    }
    return {};
}

// rd.znet_ifname=<ifname>:<subchannels>
Result<void> CmdlineReader::parse_znet_ifname(std::string_view arg, std::string_view value) {
    FieldReader f(value);
    std::string_view ifname = f.next(':');
    if (ifname.empty() || !is_valid_interface_name(ifname))
        return unexpected(profile::argument_error(arg, "ifname", ifname, "is not a valid interface name"));
    std::string subchannels(f.rest());
    if (subchannels.empty()) return unexpected(profile::argument_error(arg, "subchannels", subchannels, "is missing"));
    znet_ifnames_[subchannels] = std::string(ifname);
    znet_ifname_args_[subchannels] = std::string(arg);
    return {};
}

namespace {
// s390 options NetworkManager accepts (nm-setting-wired.c, valid_s390_opts).
bool is_valid_s390_option(std::string_view key) {
    static constexpr const char* kOptions[] = {"bridge_role",
                                               "buffer_count",
                                               "canonical_macaddr",
                                               "checksumming",
                                               "ctcprot",
                                               "fake_broadcast",
                                               "inter",
                                               "inter_jumbo",
                                               "ipato_add4",
                                               "ipato_add6",
                                               "ipato_enable",
                                               "ipato_invert4",
                                               "ipato_invert6",
                                               "isolation",
                                               "lancmd_timeout",
                                               "large_send",
                                               "layer2",
                                               "portname",
                                               "portno",
                                               "priority_queueing",
                                               "protocol",
                                               "route4",
                                               "route6",
                                               "rxip_add4",
                                               "rxip_add6",
                                               "sniffer",
                                               "total",
                                               "vipa_add4",
                                               "vipa_add6"};
    return std::any_of(std::begin(kOptions), std::end(kOptions), [&](const char* o) { return key == o; });
}
}  // namespace

// rd.znet=<nettype>,<subchannel1>,<subchannel2>[,<subchannel3>][,<key>=<value>...]
// (s390). It only adds the s390 settings to a profile that exists already.
Result<void> CmdlineReader::parse_znet(std::string_view arg, std::string_view value) {
    FieldReader f(value);
    std::string_view nettype = f.next(',');
    std::vector<std::string> subchannels;
    if (nettype.empty()) return unexpected(profile::argument_error(arg, "nettype", nettype, "is missing"));
    // qeth uses three subchannels (read, write, data), ctc two; others (lcs)
    // two, and a third when it is given (as the reference reads them).
    std::size_t wanted = nettype == "qeth" ? 3 : 2;
    for (std::size_t i = 0; i < wanted; ++i) {
        std::string_view s = f.next(',');
        if (s.empty() || s.find('=') != std::string_view::npos)
            return unexpected(
                profile::argument_error(arg, "subchannels", value,
                               "needs " + std::to_string(wanted) + " subchannels for " + std::string(nettype)));
        subchannels.emplace_back(s);
    }
    if (nettype != "qeth" && nettype != "ctc" && !f.at_end()) {
        FieldReader peek(f.rest());
        std::string_view third = peek.next(',');
        if (!third.empty() && third.find('=') == std::string_view::npos) subchannels.emplace_back(f.next(','));
    }
    std::map<std::string, std::string> options;
    while (!f.at_end()) {
        std::string_view opt = f.next(',');
        auto eq = opt.find('=');
        if (eq == std::string_view::npos || eq == 0)
            return unexpected(profile::argument_error(arg, "options", opt, "is not <option>=<value>"));
        std::string key(opt.substr(0, eq));
        if (!is_valid_s390_option(key))
            return unexpected(profile::argument_error(arg, "options", opt, "is not a known s390 option"));
        std::string_view val = opt.substr(eq + 1);
        if (val.empty() || val.size() > 200)
            return unexpected(profile::argument_error(arg, "options", opt, "has no valid value"));
        options[key] = std::string(val);
    }

    std::string joined;
    for (const auto& s : subchannels) joined += (joined.empty() ? "" : ",") + s;
    std::string ifname;
    if (auto it = znet_ifnames_.find(joined); it != znet_ifnames_.end()) {
        ifname = it->second;
        znet_ifnames_.erase(it);
        znet_ifname_args_.erase(joined);
    } else if (net_ifnames_) {
        // udev's predictable name for CCW devices: bus id without leading 0s and dots.
        std::string_view bus_id = subchannels[0];
        std::size_t start = bus_id.find_first_not_of(".0");
        bus_id = start == std::string_view::npos ? bus_id.substr(bus_id.size() - 1) : bus_id.substr(start);
        ifname = std::string(nettype == "ctc" ? "sl" : "en") + "c" + std::string(bus_id);
    } else {
        ifname =
            nettype == "ctc" ? "ctc" + std::to_string(znet_count_ctc_++) : "eth" + std::to_string(znet_count_eth_++);
    }

    profile::Profile* p = find(ifname);
    if (!p || p->type != profile::ConnectionType::Ethernet) return {};
    profile::EthernetSettings& eth = p->ethernet_settings();
    eth.s390_nettype = std::string(nettype);
    eth.s390_subchannels = subchannels;
    eth.s390_options = options;
    return {};
}

// ifname=<interface>:<MAC>: udev renames the NIC with that MAC; profiles then
// match the new name. Validated here, applied by `earlynet run`.
Result<void> CmdlineReader::parse_ifname(std::string_view arg, std::string_view value) {
    FieldReader f(value);
    std::string_view name = f.next(':');
    std::string_view mac_text = f.rest();
    if (name.empty() || !is_valid_interface_name(name))
        return unexpected(profile::argument_error(arg, "interface", name, "is not a valid interface name"));
    auto mac = HardwareAddress::parse(mac_text);
    if (!mac || (mac->size() != HardwareAddress::kEthernetLength && mac->size() != HardwareAddress::kInfinibandLength))
        return unexpected(profile::argument_error(arg, "MAC", mac_text, "is not a MAC address"));
    for (const auto& r : out_.renames) {
        if (r.name == name && !(r.mac == *mac))
            return unexpected(
                profile::argument_error(arg, "interface", name, "is given two different MAC addresses", ErrorCode::Invalid));
        if (r.mac == *mac && r.name != name)
            return unexpected(profile::argument_error(arg, "MAC", mac_text, "is given two different names", ErrorCode::Invalid));
    }
    out_.renames.push_back({std::string(name), *mac});
    return {};
}

namespace {
// "<net>[/<prefix>|/<netmask>]"
std::optional<IpPrefix> parse_route_destination(std::string_view text, std::string& why) {
    auto slash = text.rfind('/');
    auto addr = IpAddress::parse(text.substr(0, slash));
    if (!addr) {
        why = "is not an IP address[/prefix]";
        return std::nullopt;
    }
    int prefix = addr->max_prefix();
    if (slash != std::string_view::npos) {
        std::string_view p = text.substr(slash + 1);
        if (addr->is_v4() && p.find('.') != std::string_view::npos) {
            auto mask = Ipv4Address::parse(p);
            auto n = mask ? mask->netmask_prefix() : std::nullopt;
            if (!n) {
                why = "has a netmask that is not contiguous";
                return std::nullopt;
            }
            prefix = *n;
        } else {
            auto n = profile::parse_int(p, 0, addr->max_prefix());
            if (!n) {
                why = "has an invalid prefix length";
                return std::nullopt;
            }
            prefix = static_cast<int>(*n);
        }
    }
    return IpPrefix{*addr, prefix};
}
}  // namespace

// rd.route=<net>[/<prefix>]:[<gateway>][:<interface>]; without an interface the
// route goes to bootdev's profile, else the first one that is not a port.
Result<void> CmdlineReader::add_route(std::string_view arg, std::string_view value) {
    FieldReader f(value);
    std::string_view net = f.next(':');
    std::string_view gw = f.next(':');
    std::string_view iface = f.next(':');
    if (!f.at_end()) return unexpected(profile::argument_error(arg, "extra", f.rest(), "is more than the syntax allows"));
    if (net.empty()) return unexpected(profile::argument_error(arg, "net", net, "is missing"));
    std::string why;
    auto dest = parse_route_destination(net, why);
    if (!dest) return unexpected(profile::argument_error(arg, "net", net, why));
    std::optional<IpAddress> next_hop;
    if (!gw.empty()) {
        next_hop = IpAddress::parse(gw);
        if (!next_hop) return unexpected(profile::argument_error(arg, "gateway", gw, "is not an IP address"));
        if (next_hop->is_v4() != dest->address.is_v4())
            return unexpected(
                profile::argument_error(arg, "gateway", gw, "is not of the destination's address family", ErrorCode::Invalid));
    }

    profile::Profile* p = nullptr;
    if (!iface.empty()) {
        auto r = get_profile(arg, "interface", iface, std::nullopt, true);
        EARLYNET_TRY(r);
        p = *r;
    }
    if (!p && bootdev_index_) p = &profiles_[*bootdev_index_];
    if (!p) {
        auto r = get_profile(arg, "interface", "", std::nullopt, false);
        EARLYNET_TRY(r);
        p = *r;
    }
    if (!p) p = &default_profile();
    profile::IpSettings& ip = dest->address.is_v4() ? p->ipv4 : p->ipv6;
    profile::Route route{*dest, next_hop, -1};
    if (std::find(ip.routes.begin(), ip.routes.end(), route) == ip.routes.end()) ip.routes.push_back(route);
    return {};
}

}  // namespace earlynet::cmdline
