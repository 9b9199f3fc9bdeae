// Top level of the command line reader: the two passes and the post-processing
// of nm-initrd-generator (nmi-cmdline-reader.c), in the same order, so that
// the same command line yields the same profiles.
#include "cmdline/cmdline_reader.h"

#include <sys/stat.h>

#include <algorithm>
#include <climits>

#include "cmdline/cmdline_fields.h"
#include "cmdline/cmdline_reader_state.h"
#include "cmdline/network_root.h"
#include "profile/uuid.h"

namespace earlynet::cmdline {

namespace {

bool is_directory(const std::string& path) {
    struct stat st {};
    return !path.empty() && ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool iequals_ascii(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

void set_needed(profile::Profile& p) {
    if (p.type == profile::ConnectionType::Ethernet) p.wait_device_timeout = profile::kWaitDeviceTimeoutMs;
}

}  // namespace

profile::Profile* CmdlineReader::find(std::string_view basename) {
    auto it = by_basename_.find(basename);
    return it == by_basename_.end() ? nullptr : &profiles_[it->second];
}

profile::Profile& CmdlineReader::create_profile(const std::string& basename, const std::string& id, const std::string& ifname,
                                       std::optional<HardwareAddress> mac, profile::ConnectionType type, int priority,
                                       profile::MultiConnect multi_connect) {
    profile::Profile p;
    p.basename = basename;
    p.id = id;
    p.uuid = profile::random_uuid();
    p.type = type;
    p.interface_name = ifname;
    p.autoconnect_priority = priority;
    p.autoconnect_retries = 1;
    p.multi_connect = multi_connect;
    for (profile::IpSettings* ip : {&p.ipv4, &p.ipv6}) {
        ip->method = profile::IpMethod::Auto;
        ip->may_fail = true;
        ip->ignore_auto_dns = ignore_auto_dns_;
        ip->dhcp_timeout = dhcp_timeout_s_;
    }
    p.ipv4.dhcp_vendor_class = vendor_class_;
    p.ipv4.required_timeout = profile::kIpRequiredTimeoutMs;
    if (type == profile::ConnectionType::Infiniband) {
        p.infiniband.emplace();
        p.infiniband->mac_address = mac;
    } else if (mac) {
        p.ethernet_settings().mac_address = mac;
    }

    auto it = by_basename_.find(basename);
    if (it != by_basename_.end()) {
        profiles_[it->second] = std::move(p);
        return profiles_[it->second];
    }
    profiles_.push_back(std::move(p));
    by_basename_.emplace(basename, profiles_.size() - 1);
    return profiles_.back();
}

profile::Profile& CmdlineReader::default_profile() {
    if (!default_index_) {
        create_profile("default_connection", "Wired Connection", "", std::nullopt, profile::ConnectionType::Ethernet,
                       profile::kPriorityCmdline, profile::MultiConnect::Multiple)
            .ethernet_settings();
        default_index_ = by_basename_.at("default_connection");
    }
    return profiles_[*default_index_];
}

namespace {
void add_type_setting(profile::Profile& p, profile::ConnectionType type) {
    p.type = type;
    switch (type) {
        case profile::ConnectionType::Ethernet: p.ethernet_settings(); break;
        case profile::ConnectionType::Infiniband:
            if (!p.infiniband) p.infiniband.emplace();
            break;
        case profile::ConnectionType::Bond:
            if (!p.bond) p.bond.emplace();
            break;
        case profile::ConnectionType::Bridge:
            if (!p.bridge) p.bridge.emplace();
            break;
        case profile::ConnectionType::Team: p.team = true; break;
        case profile::ConnectionType::Vlan:
            if (!p.vlan) p.vlan.emplace();
            break;
    }
}
}  // namespace

Result<profile::Profile*> CmdlineReader::get_profile(std::string_view argument, std::string_view field, std::string_view spec,
                                            std::optional<profile::ConnectionType> type, bool create) {
    std::string ifname;
    std::optional<HardwareAddress> mac;
    if (!spec.empty()) {
        if (is_valid_interface_name(spec)) {
            ifname = std::string(spec);
        } else if (auto hw = HardwareAddress::parse(spec)) {
            // Ethernet or InfiniBand only: the reference takes any length up to
            // 20 and writes an [ethernet] mac-address NetworkManager then rejects.
            if (hw->size() != HardwareAddress::kEthernetLength && hw->size() != HardwareAddress::kInfinibandLength)
                return unexpected(profile::argument_error(argument, field, spec,
                                                 "is not an Ethernet (6 bytes) or InfiniBand (20 bytes) address"));
            mac = hw;
        } else {
            return unexpected(profile::argument_error(
                argument, field, spec,
                spec.size() >= IFNAMSIZ ? "is not a valid interface name (longer than 15 characters) or MAC address"
                                        : "is not a valid interface name or MAC address"));
        }
    }

    profile::Profile* found = nullptr;
    if (ifname.empty() && !mac) {
        // No name: the first profile of the asked type, or the first that is not
        // a port, in creation order.
        for (auto& p : profiles_) {
            if ((!type && !p.is_port()) || (type && p.type == *type)) {
                found = &p;
                break;
            }
        }
    } else {
        found = find(!ifname.empty() ? ifname : mac->to_string());
    }

    if (!found) {
        if (!create) return static_cast<profile::Profile*>(nullptr);
        if (ifname.empty() && !mac) return &default_profile();  // nothing to key a new profile by
        profile::ConnectionType t =
            type.value_or((ifname.rfind("ib", 0) == 0 || (mac && mac->size() == HardwareAddress::kInfinibandLength))
                              ? profile::ConnectionType::Infiniband
                              : profile::ConnectionType::Ethernet);
        std::string key = !ifname.empty() ? ifname : mac->to_string();
        found = &create_profile(key, key, ifname, mac, t, profile::kPriorityCmdline, profile::MultiConnect::Single);
        add_type_setting(*found, t);
        return found;
    }
    if (type) add_type_setting(*found, *type);
    return found;
}

Result<void> CmdlineReader::read_globals(const std::vector<std::string>& args) {
    long timeout_s = 90;
    long retries = 1;
    for (const auto& arg : args) {
        auto [tag, value] = split_tag(arg);
        std::string_view v = value.value_or("");
        if (tag == "net.ifnames") {
            net_ifnames_ = v != "0";
        } else if (tag == "rd.peerdns") {
            auto b = profile::parse_bool(v, true);
            if (!b)
                return unexpected(
                    profile::argument_error(arg, "rd.peerdns", v, "is not a boolean (0/1, yes/no, true/false, on/off)"));
            ignore_auto_dns_ = !*b;
        } else if (tag == "rd.net.timeout.dhcp") {
            if (v == "infinity") {
                timeout_s = INT32_MAX;
            } else {
                auto n = profile::parse_int(v, 1, INT32_MAX);
                if (!n)
                    return unexpected(profile::argument_error(arg, "rd.net.timeout.dhcp", v,
                                                     "is not a number of seconds (1..2147483647) or 'infinity'"));
                timeout_s = *n;
            }
        } else if (tag == "rd.net.dhcp.retry") {
            auto n = profile::parse_int(v, 1, INT32_MAX);
            if (!n)
                return unexpected(
                    profile::argument_error(arg, "rd.net.dhcp.retry", v, "is not a number of attempts (1..2147483647)"));
            retries = *n;
        } else if (tag == "rd.net.dhcp.vendor-class") {
            if (v.empty()) return unexpected(profile::argument_error(arg, "rd.net.dhcp.vendor-class", v, "is empty"));
            // Option 60 carries at most 255 bytes.
            if (v.size() > 255)
                return unexpected(profile::argument_error(arg, "rd.net.dhcp.vendor-class", v.substr(0, 16),
                                                 "is longer than 255 bytes (DHCP option 60)"));
            vendor_class_ = std::string(v);
        } else if (tag == "rd.net.timeout.carrier") {
            auto n = profile::parse_int(v, 0, INT32_MAX);
            if (!n)
                return unexpected(
                    profile::argument_error(arg, "rd.net.timeout.carrier", v, "is not a number of seconds (0..2147483647)"));
            out_.carrier_timeout_s = *n;
        }
    }
    // Like the reference: the retries make one longer attempt, not several.
    dhcp_timeout_s_ =
        static_cast<int>(std::clamp<long long>(static_cast<long long>(timeout_s) * retries, 1, INT32_MAX));
    return {};
}

Result<void> CmdlineReader::read_argument(std::string_view arg) {
    auto [tag, value] = split_tag(arg);
    if (tag.empty()) return {};  // "=" or "=foo": nothing to name
    std::string_view v = value.value_or("");
    auto need_value = [&](std::string_view field) -> Result<void> {
        if (v.empty()) return unexpected(profile::argument_error(arg, field, v, "is missing"));
        return {};
    };

    if (tag == "ip") {
        EARLYNET_TRY(need_value("ip"));
        return parse_ip(arg, v);
    }
    if (tag == "rd.route") {
        EARLYNET_TRY(need_value("rd.route"));
        route_args_.emplace_back(arg);
        return {};
    }
    if (tag == "bridge") return parse_controller(arg, v, profile::ConnectionType::Bridge);
    if (tag == "bond") return parse_controller(arg, v, profile::ConnectionType::Bond);
    if (tag == "team") return parse_controller(arg, v, profile::ConnectionType::Team);
    if (tag == "vlan") return parse_vlan(arg, v);
    if (tag == "ib.pkey") return parse_ib_pkey(arg, v);
    if (tag == "bootdev") {
        EARLYNET_TRY(need_value("bootdev"));
        if (!is_valid_interface_name(v))
            return unexpected(profile::argument_error(arg, "bootdev", v, "is not a valid interface name"));
        bootdev_ = std::string(v);
        return {};
    }
    if (tag == "nameserver") {
        EARLYNET_TRY(need_value("nameserver"));
        FieldReader f(v);
        std::string_view text = f.next('\0');
        auto addr = IpAddress::parse(text);
        if (!addr) return unexpected(profile::argument_error(arg, "nameserver", v, "is not an IP address"));
        nameservers_.emplace_back(std::string(arg), *addr);
        return {};
    }
    if (tag == "rd.iscsi.ibft") {
        auto b = profile::parse_bool(v, true);
        if (!b) return unexpected(profile::argument_error(arg, "rd.iscsi.ibft", v, "is not a boolean"));
        if (*b) return import_firmware(arg);
        return {};
    }
    if (tag == "rd.bootif") {
        auto b = profile::parse_bool(v, true);
        if (!b) return unexpected(profile::argument_error(arg, "rd.bootif", v, "is not a boolean"));
        ignore_bootif_ = !*b;
        return {};
    }
    if (tag == "rd.neednet") {
        auto b = profile::parse_bool(v, true);
        if (!b) return unexpected(profile::argument_error(arg, "rd.neednet", v, "is not a boolean"));
        neednet_ = *b;
        return {};
    }
    if (tag == "rd.znet") {
        EARLYNET_TRY(need_value("rd.znet"));
        znet_args_.emplace_back(arg);
        return {};
    }
    if (tag == "rd.znet_ifname") return parse_znet_ifname(arg, v);
    if (iequals_ascii(tag, "BOOTIF")) {
        EARLYNET_TRY(need_value("BOOTIF"));
        bootif_arg_ = std::string(arg);
        return {};
    }
    if (tag == "rd.ethtool") return parse_ethtool(arg, v);
    if (tag == "ifname") return parse_ifname(arg, v);
    if (tag == "root" || tag == "netroot") {
        if (is_network_root(v)) out_.network_root = true;
        return {};
    }
    return {};
}

Result<void> CmdlineReader::add_nameserver(std::string_view, const IpAddress& server) {
    for (auto& p : profiles_) {
        profile::IpSettings& ip = server.is_v4() ? p.ipv4 : p.ipv6;
        bool eligible = server.is_v4() ? (ip.method == profile::IpMethod::Auto || ip.method == profile::IpMethod::Manual)
                                       : (ip.method == profile::IpMethod::Auto || ip.method == profile::IpMethod::Dhcp ||
                                          ip.method == profile::IpMethod::Manual);
        if (!eligible) continue;
        if (std::find(ip.dns.begin(), ip.dns.end(), server) == ip.dns.end()) ip.dns.push_back(server);
    }
    return {};
}

Result<void> CmdlineReader::apply_bootif(std::string_view argument, std::string_view value) {
    auto mac = HardwareAddress::parse_ethernet(value);
    if (!mac) {
        // PXELINUX's IPAPPEND 2 prefixes the ARP hardware type: 01 for Ethernet
        // (00, "undefined", is seen too).
        std::string_view prefix = value.substr(0, 3);
        if (prefix == "01-" || prefix == "01:" || prefix == "00-" || prefix == "00:")
            mac = HardwareAddress::parse_ethernet(value.substr(3));
    }
    if (!mac)
        return unexpected(profile::argument_error(argument, "BOOTIF", value,
                                         "is not a MAC address (expected 01-xx-xx-xx-xx-xx-xx or xx:xx:xx:xx:xx:xx)"));

    auto first = get_profile(argument, "BOOTIF", "", profile::ConnectionType::Ethernet, false);
    EARLYNET_TRY(first);
    profile::Profile* p = *first ? *first : &default_profile();
    bool has_other_mac = p->ethernet && p->ethernet->mac_address && *p->ethernet->mac_address != *mac;
    if (!p->interface_name.empty() || has_other_mac) {
        create_profile("bootif_connection", "BOOTIF Connection", "", mac, profile::ConnectionType::Ethernet, profile::kPriorityFirmware,
                       profile::MultiConnect::Single);
    } else {
        p->ethernet_settings().mac_address = mac;
    }
    return {};
}

Result<GeneratedConfig> CmdlineReader::read(const std::vector<std::string>& args) {
    EARLYNET_TRY(read_globals(args));
    for (const auto& arg : args) EARLYNET_TRY(read_argument(arg));

    // IP configuration of VLAN parents is disabled unless an ip= asked for it.
    for (const auto& [parent, arg] : vlan_parents_) {
        auto p = get_profile(arg, "parent", parent, std::nullopt, true);
        EARLYNET_TRY(p);
        if (!explicit_ip_.count((*p)->basename)) {
            (*p)->ipv4.method = profile::IpMethod::Disabled;
            (*p)->ipv6.method = profile::IpMethod::Disabled;
        }
    }

    if (bootif_arg_ && !ignore_bootif_) {
        auto [tag, value] = split_tag(*bootif_arg_);
        EARLYNET_TRY(apply_bootif(*bootif_arg_, value.value_or("")));
    }

    if (bootdev_) {
        auto p = get_profile("bootdev=" + *bootdev_, "bootdev", *bootdev_, std::nullopt, true);
        EARLYNET_TRY(p);
        bootdev_index_ = by_basename_.at((*p)->basename);
        set_needed(**p);
    }

    // A network root needs the network, as dracut's rd.neednet=1.
    if (neednet_ || out_.network_root) {
        if (!is_directory(options_.persistent_dir) && profiles_.empty()) default_profile();
        for (auto& p : profiles_) set_needed(p);
    }

    for (const auto& arg : route_args_) {
        auto [tag, value] = split_tag(arg);
        EARLYNET_TRY(add_route(arg, value.value_or("")));
    }
    for (const auto& [arg, server] : nameservers_) EARLYNET_TRY(add_nameserver(arg, server));
    for (const auto& arg : znet_args_) {
        auto [tag, value] = split_tag(arg);
        EARLYNET_TRY(parse_znet(arg, value.value_or("")));
    }
    if (!znet_ifname_args_.empty())
        return unexpected(profile::argument_error(znet_ifname_args_.begin()->second, "subchannels",
                                         znet_ifname_args_.begin()->first, "match no rd.znet= device",
                                         ErrorCode::Invalid));

    EARLYNET_TRY(check_consistency());

    // NetworkManager's normalisation of what the reader left unset.
    for (auto& p : profiles_) {
        if (p.bond && !p.bond->options.count("mode")) p.bond->options["mode"] = "balance-rr";
        if (p.type == profile::ConnectionType::Vlan || p.type == profile::ConnectionType::Bridge) p.ethernet_settings();
    }

    out_.profiles.assign(std::make_move_iterator(profiles_.begin()), std::make_move_iterator(profiles_.end()));
    return std::move(out_);
}

Result<void> CmdlineReader::check_consistency() {
    for (const auto& p : profiles_) {
        auto it = explicit_ip_.find(p.basename);
        if (p.is_port() && it != explicit_ip_.end())
            return unexpected(profile::argument_error(
                it->second, "interface", p.basename,
                std::string("is a port of a ") + to_string(*p.port_type) + " and cannot have its own IP configuration",
                ErrorCode::Invalid));
    }
    return {};
}

Result<GeneratedConfig> read_kernel_cmdline(const std::vector<std::string>& args, const CmdlineReaderOptions& options) {
    CmdlineReader reader(options);
    return reader.read(args);
}

}  // namespace earlynet::cmdline
