// ip= in all its forms (dracut.cmdline(7), read as nm-initrd-generator 1.42 does):
//   ip=<kind>
//   ip=<interface|MAC>:<kind>[:<mtu>[:<mac>]]            ...[:<dns1>[:<dns2>]]
//   ip=<client>[/<prefix>]:[<peer>]:<gw>:<netmask>:<hostname>:<interface>:<kind>[:<mtu>[:<mac>]]
//   ip=<client>...:<kind>[:<dns1>[:<dns2>]]
#include <algorithm>
#include <climits>

#include "cmdline/cmdline_fields.h"
#include "cmdline/cmdline_reader_state.h"
#include "spdlog/spdlog.h"

namespace earlynet::cmdline {

namespace {

constexpr const char* kKnownKinds =
    "is not a known method (none, off, dhcp, on, any, single-dhcp, dhcp6, auto6, either6, link6, ibft, "
    "or dhcp,dhcp6)";

std::optional<IpKind> parse_single_kind(std::string_view k) {
    if (k == "none" || k == "off") return IpKind::None;
    if (k == "dhcp" || k == "single-dhcp") return IpKind::Dhcp;
    // either6 is "auto6, else DHCPv6" in dracut: NetworkManager's ipv6.method=auto
    // does exactly that (SLAAC, and DHCPv6 when the router advertisement says so).
    if (k == "dhcp6" || k == "auto6" || k == "either6") return IpKind::Dhcp6;
    if (k == "link6") return IpKind::Link6;
    if (k == "auto" || k == "on" || k == "any") return IpKind::Auto;
    if (k == "ibft" || k == "fw") return IpKind::Ibft;
    return std::nullopt;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

// Parses "address[/prefix]"; the prefix is -1 when absent.
std::optional<std::pair<IpAddress, int>> parse_address_with_prefix(std::string_view text) {
    int prefix = -1;
    auto slash = text.rfind('/');
    std::string_view addr_text = text;
    if (slash != std::string_view::npos) {
        addr_text = text.substr(0, slash);
        auto n = profile::parse_int(text.substr(slash + 1), 0, 128);
        if (!n) return std::nullopt;
        prefix = static_cast<int>(*n);
    }
    auto addr = IpAddress::parse(addr_text);
    if (!addr || prefix > addr->max_prefix()) return std::nullopt;
    return std::make_pair(*addr, prefix);
}

template <typename T>
void add_unique(std::vector<T>& v, const T& x) {
    if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
}

}  // namespace

std::optional<IpKind> parse_ip_kind(std::string_view text) {
    text = trim(text);
    if (text.empty()) return IpKind::Auto;
    if (text.find(',') == std::string_view::npos) return parse_single_kind(text);

    // dracut allows comma lists; like the reference we accept the combinations
    // that mean something: anything with auto is auto, dhcp+dhcp6 is both.
    std::vector<IpKind> kinds;
    FieldReader f(text);
    while (!f.at_end()) {
        auto k = parse_single_kind(trim(f.next(',')));
        if (!k) return std::nullopt;
        add_unique(kinds, *k);
    }
    if (std::find(kinds.begin(), kinds.end(), IpKind::Auto) != kinds.end()) return IpKind::Auto;
    if (kinds.size() == 1) return kinds.front();
    if (kinds.size() == 2 && std::find(kinds.begin(), kinds.end(), IpKind::Dhcp) != kinds.end() &&
        std::find(kinds.begin(), kinds.end(), IpKind::Dhcp6) != kinds.end())
        return IpKind::Dhcp4Auto6;
    return std::nullopt;
}

const char* to_string(IpKind kind) {
    switch (kind) {
        case IpKind::None: return "none";
        case IpKind::Dhcp: return "dhcp";
        case IpKind::Dhcp6: return "dhcp6";
        case IpKind::Link6: return "link6";
        case IpKind::Auto: return "auto";
        case IpKind::Ibft: return "ibft";
        case IpKind::Dhcp4Auto6: return "dhcp,dhcp6";
    }
    return "?";
}

Result<void> CmdlineReader::parse_ip(std::string_view arg, std::string_view value) {
    FieldReader f(value);
    std::string_view first = f.next(':');
    IpKind kind = IpKind::Auto;
    std::string_view client, peer, gateway_text, netmask, hostname, iface, mtu_text, mac_text;
    std::vector<std::string_view> dns_texts;
    std::optional<std::pair<IpAddress, int>> client_addr;

    if (f.at_end()) {
        auto k = parse_ip_kind(first);
        if (!k) {
            // "ip=eth0:" (and "ip=eth0") name an interface but no method; the
            // reference silently configures every NIC instead.
            if (value.back() == ':')
                return unexpected(profile::argument_error(arg, "autoconf", "",
                                                 "is missing after interface '" + std::string(first) +
                                                     "', e.g. ip=" + std::string(first) + ":dhcp"));
            return unexpected(profile::argument_error(arg, "autoconf", first, kKnownKinds));
        }
        kind = *k;
    } else {
        std::string_view second = f.next(':');
        std::optional<IpKind> second_kind = second.empty() ? std::nullopt : parse_ip_kind(second);
        if (second_kind) {
            iface = first;
            kind = *second_kind;
        } else {
            client = first;
            if (!client.empty()) {
                client_addr = parse_address_with_prefix(client);
                if (!client_addr) {
                    if (value.find("::") != std::string_view::npos &&
                        client.find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos)
                        return unexpected(profile::argument_error(
                            arg, "client IP", client,
                            "starts an IPv6 address that is not in brackets, e.g. ip=[2001:db8::5]:..."));
                    if (!second.empty() && !client.empty() && is_valid_interface_name(client) &&
                        client.find('.') == std::string_view::npos)
                        return unexpected(profile::argument_error(arg, "autoconf", second, kKnownKinds));
                    return unexpected(profile::argument_error(arg, "client IP", client, "is not an IP address[/prefix]"));
                }
            }
            peer = second;
            gateway_text = f.next(':');
            netmask = f.next(':');
            hostname = f.next(':');
            iface = f.next(':');
            std::string_view kind_text = f.next(':');
            auto k = parse_ip_kind(kind_text);
            if (!k) return unexpected(profile::argument_error(arg, "autoconf", kind_text, kKnownKinds));
            kind = *k;
        }

        // What follows the method is either DNS servers or MTU and MAC.
        std::string_view next = f.next(':');
        if (!next.empty() && IpAddress::parse(next) && next.find('/') == std::string_view::npos) {
            dns_texts.push_back(next);
            std::string_view dns2 = f.next(':');
            if (!dns2.empty()) {
                if (!IpAddress::parse(dns2))
                    return unexpected(profile::argument_error(arg, "dns2", dns2, "is not an IP address"));
                dns_texts.push_back(dns2);
            }
            if (!f.at_end()) return unexpected(profile::argument_error(arg, "extra", f.rest(), "follows the DNS servers"));
        } else {
            mtu_text = next;
            mac_text = f.rest();  // the rest, colons included
        }
    }

    if (!hostname.empty()) {
        if (!profile::is_valid_hostname(hostname))
            return unexpected(profile::argument_error(arg, "hostname", hostname, "is not a valid host name"));
        out_.hostname = std::string(hostname);
    }

    if (kind == IpKind::Ibft && client_addr)
        return unexpected(
            profile::argument_error(arg, "autoconf", "ibft",
                           "takes the address from the firmware and contradicts the client IP " + std::string(client),
                           ErrorCode::Invalid));
    if (iface.empty() && kind == IpKind::Ibft) return import_firmware(arg);

    // Validate every field before touching a profile.
    int prefix = client_addr ? client_addr->second : -1;
    if (!netmask.empty()) {
        if (!client_addr) return unexpected(profile::argument_error(arg, "netmask", netmask, "is given without a client IP"));
        int mask_prefix = -1;
        if (client_addr->first.is_v4() && netmask.find('.') != std::string_view::npos) {
            auto m = Ipv4Address::parse(netmask);
            if (!m) return unexpected(profile::argument_error(arg, "netmask", netmask, "is not a netmask"));
            auto p = m->netmask_prefix();
            if (!p) return unexpected(profile::argument_error(arg, "netmask", netmask, "is not a contiguous mask"));
            mask_prefix = *p;
        } else {
            auto n = profile::parse_int(netmask, 0, client_addr->first.max_prefix());
            if (!n)
                return unexpected(profile::argument_error(arg, "netmask", netmask,
                                                 client_addr->first.is_v4()
                                                     ? "is not a netmask or prefix length (0..32)"
                                                     : "is not a prefix length (0..128)"));
            mask_prefix = static_cast<int>(*n);
        }
        if (prefix != -1 && prefix != mask_prefix)
            return unexpected(profile::argument_error(
                arg, "netmask", netmask,
                "contradicts the prefix length /" + std::to_string(prefix) + " of the client IP", ErrorCode::Invalid));
        prefix = mask_prefix;
    }
    if (client_addr && prefix == -1)
        prefix = client_addr->first.is_v4() ? client_addr->first.v4().classful_prefix() : 64;

    if (!peer.empty()) {
        if (!parse_address_with_prefix(peer))
            return unexpected(profile::argument_error(arg, "peer", peer, "is not an IP address"));
        spdlog::warn("{}: field 'peer': '{}' is ignored (point-to-point peers are not supported)", arg, peer);
    }
    std::optional<IpAddress> gateway;
    if (!gateway_text.empty()) {
        gateway = IpAddress::parse(gateway_text);
        if (!gateway) return unexpected(profile::argument_error(arg, "gateway", gateway_text, "is not an IP address"));
    }
    std::optional<long> mtu;
    if (!mtu_text.empty()) {
        // 0 leaves the MTU as it is; otherwise at least IPv4's minimum of 68.
        auto n = profile::parse_int(mtu_text, 0, 65535);
        if (!n || (*n != 0 && *n < 68))
            return unexpected(profile::argument_error(arg, "mtu", mtu_text, "is not an MTU (68..65535, or 0 for unchanged)"));
        mtu = *n;
    }
    std::string cloned_mac;
    if (!mac_text.empty()) {
        if (mac_text == "random" || mac_text == "stable" || mac_text == "preserve" || mac_text == "permanent") {
            cloned_mac = std::string(mac_text);
        } else {
            auto hw = HardwareAddress::parse_ethernet(mac_text);
            if (!hw) return unexpected(profile::argument_error(arg, "macaddr", mac_text, "is not a MAC address"));
            cloned_mac = hw->to_string();
        }
    }

    profile::Profile* p = nullptr;
    if (iface.empty()) {
        p = &default_profile();
    } else {
        auto r = get_profile(arg, "interface", iface, std::nullopt, true);
        EARLYNET_TRY(r);
        p = *r;
    }
    explicit_ip_.emplace(p->basename, std::string(arg));

    // Two ip= without addresses for one interface asking for different methods:
    // the reference silently keeps the last, which disables what the first asked.
    if (!client_addr) {
        auto [it, inserted] = dynamic_kind_.emplace(p->basename, std::make_pair(kind, std::string(arg)));
        if (!inserted && it->second.first != kind)
            return unexpected(profile::argument_error(arg, "autoconf", to_string(kind),
                                             "contradicts '" + it->second.second +
                                                 "' for the same interface (use one ip= with a list, e.g. dhcp,dhcp6)",
                                             ErrorCode::Invalid));
    }

    if (client_addr) {
        IpPrefix address{client_addr->first, prefix};
        // Several devices must not come up with the same static address.
        p->multi_connect = profile::MultiConnect::Single;
        profile::IpSettings& ip = address.address.is_v4() ? p->ipv4 : p->ipv6;
        ip.method = profile::IpMethod::Manual;
        ip.may_fail = false;
        add_unique(ip.addresses, address);
    }

    bool clear_v4_required_timeout = true;
    switch (kind) {
        case IpKind::None:
            if (p->ipv6.addresses.empty()) p->ipv6.method = profile::IpMethod::Disabled;
            if (p->ipv4.addresses.empty()) p->ipv4.method = profile::IpMethod::Disabled;
            break;
        case IpKind::Dhcp:
            p->ipv4.method = profile::IpMethod::Auto;
            p->ipv4.may_fail = false;
            if (p->ipv6.addresses.empty()) p->ipv6.method = profile::IpMethod::Auto;
            break;
        case IpKind::Dhcp6:
            p->ipv6.method = profile::IpMethod::Auto;
            p->ipv6.may_fail = false;
            if (p->ipv4.addresses.empty()) p->ipv4.method = profile::IpMethod::Disabled;
            break;
        case IpKind::Dhcp4Auto6:
            // Each family is tried for the required timeout even if the other
            // completes first.
            clear_v4_required_timeout = false;
            p->ipv6.required_timeout = profile::kIpRequiredTimeoutMs;
            break;
        case IpKind::Link6:
            if (!p->ipv6.addresses.empty())
                return unexpected(
                    profile::argument_error(arg, "autoconf", "link6",
                                   "contradicts the static IPv6 address " + p->ipv6.addresses.front().to_string(),
                                   ErrorCode::Invalid));
            p->ipv6.method = profile::IpMethod::LinkLocal;
            p->ipv6.may_fail = false;
            if (p->ipv4.addresses.empty()) p->ipv4.method = profile::IpMethod::Disabled;
            break;
        case IpKind::Ibft: EARLYNET_TRY(merge_ibft_into(arg, *p)); break;
        case IpKind::Auto: clear_v4_required_timeout = false; break;
    }
    if (clear_v4_required_timeout) p->ipv4.required_timeout = -1;

    if (gateway) {
        profile::IpSettings& ip = gateway->is_v4() ? p->ipv4 : p->ipv6;
        if (ip.addresses.empty())
            return unexpected(profile::argument_error(arg, "gateway", gateway_text,
                                             std::string("needs a static ") + (gateway->is_v4() ? "IPv4" : "IPv6") +
                                                 " address on the same interface (a DHCP lease brings its own router)",
                                             ErrorCode::Invalid));
        ip.gateway = gateway;
    }
    if (!hostname.empty()) {
        p->ipv4.dhcp_hostname = std::string(hostname);
        p->ipv6.dhcp_hostname = std::string(hostname);
    }
    for (auto text : dns_texts) {
        auto addr = *IpAddress::parse(text);
        const profile::IpSettings& family = addr.is_v4() ? p->ipv4 : p->ipv6;
        if (family.method == profile::IpMethod::Disabled)
            return unexpected(profile::argument_error(arg, "dns", text,
                                             std::string("is an ") + (addr.is_v4() ? "IPv4" : "IPv6") + " server but " +
                                                 (addr.is_v4() ? "IPv4" : "IPv6") + " is disabled on " + p->basename,
                                             ErrorCode::Invalid));
        add_unique(addr.is_v4() ? p->ipv4.dns : p->ipv6.dns, addr);
    }
    if (mtu && *mtu != 0) {
        profile::EthernetSettings& eth = p->ethernet_settings();
        if (eth.mtu != 0 && eth.mtu != *mtu)
            return unexpected(
                profile::argument_error(arg, "mtu", mtu_text,
                               "contradicts the MTU " + std::to_string(eth.mtu) + " set earlier for " + p->basename,
                               ErrorCode::Invalid));
        eth.mtu = static_cast<unsigned>(*mtu);
    }
    if (!cloned_mac.empty()) {
        profile::EthernetSettings& eth = p->ethernet_settings();
        if (!eth.cloned_mac_address.empty() && eth.cloned_mac_address != cloned_mac)
            return unexpected(
                profile::argument_error(arg, "macaddr", mac_text,
                               "contradicts the MAC " + eth.cloned_mac_address + " set earlier for " + p->basename,
                               ErrorCode::Invalid));
        eth.cloned_mac_address = cloned_mac;
    }
    return {};
}

}  // namespace earlynet::cmdline
