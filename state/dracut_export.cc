#include "state/dracut_export.h"

#include <algorithm>

#include "base/ascii.h"
#include "base/atomic_file.h"
#include "state/lease_options.h"

namespace earlynet::state {

namespace {

std::string join(const std::vector<std::string>& words, const char* sep) {
    std::string out;
    for (const auto& w : words) {
        if (!out.empty()) out += sep;
        out += w;
    }
    return out;
}

// dracut's dhclient.conf declares option 121 `array of unsigned integer 8`,
// so dhclient prints it as parse_option_121 reads it: the option's bytes in
// decimal, space-separated (per route the prefix length, the significant
// octets of the destination, the four of the router: RFC 3442 wire order).
std::string decimal_bytes(const std::vector<std::uint8_t>& bytes) {
    std::vector<std::string> words;
    for (auto b : bytes) words.push_back(std::to_string(b));
    return join(words, " ");
}

// An option's value as dhclient passes it to dhclient-script.
std::string dhclient_text(const RenderedOption& o) {
    if (o.definition->type == dhcp::OptionType::ClasslessRoutes)
        return decimal_bytes(dhcp::encode_option(*o.definition, o.value));
    return dhcp::option_value_to_text(o.value);
}

void line(std::string& out, std::string_view name, const std::string& value) {
    if (value.empty()) return;
    out += name;
    out += '=';
    out += shell_quote(value);
    out += '\n';
}

// The form of /sys/class/net/IF/address, which dracut's ifup names its
// markers after (net.$(cat .../address).up): lower-case hex, colons. A MAC
// written as 52-54-00-AB-CD-EF becomes 52:54:00:ab:cd:ef; nullopt when it is
// not a MAC at all (it would otherwise become part of a path).
std::optional<std::string> sysfs_mac(const std::string& mac) {
    auto parsed = HardwareAddress::parse(mac);
    if (!parsed) return std::nullopt;
    return ascii_lower(parsed->to_string());
}

std::optional<IpPrefix> first_ipv4(const DeviceRecord& d) {
    for (const auto& p : d.addresses)
        if (p.address.is_v4()) return p;
    return std::nullopt;
}

// RFC 1123 2.1 host name syntax, label by label: 1..63 letters, digits,
// hyphens (not first or last) and, as resolvers accept and some internal
// zones use, underscores; at most 253 bytes, one trailing dot allowed; the
// last label not all digits (RFC 3696 2), so an address is not a domain.
// Anything else (a newline, a space, a control byte, a '#') is not a name.
bool is_dns_name(std::string_view name) {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    if (name.empty() || name.size() > 253) return false;
    bool all_digits = false;
    for (std::size_t start = 0; start <= name.size();) {
        std::size_t dot = std::min(name.find('.', start), name.size());
        std::string_view label = name.substr(start, dot - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
        all_digits = true;
        for (char c : label) {
            bool digit = c >= '0' && c <= '9';
            bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            if (!digit && !letter && c != '-' && c != '_') return false;
            all_digits = all_digits && digit;
        }
        start = dot + 1;
    }
    return !all_digits;
}

// The search domains as resolv.conf gets them. dracut copies
// net.$netif.resolv.conf to /etc/resolv.conf, so a value from the network
// (option 15 is any text) must not add a line — a "nameserver" of the
// server's choosing — or anything else a resolver reads: every word that is
// not a DNS name is left out. Option 15 with several names separated by
// spaces gives each of them, as NetworkManager splits it.
std::vector<std::string> search_domains(const std::vector<std::string>& entries) {
    std::vector<std::string> out;
    for (const auto& entry : entries) {
        for (std::size_t start = 0; start < entry.size();) {
            std::size_t space = std::min(entry.find(' ', start), entry.size());
            std::string_view word = std::string_view(entry).substr(start, space - start);
            if (is_dns_name(word)) out.emplace_back(word);
            start = space + 1;
        }
    }
    return out;
}

// The gateway of the default route dracut's setup_net adds. RFC 3442 section
// 1: when the lease has classless routes (option 121), the router option is
// ignored, so the gateway is that of 121's default route, or there is none
// (an on-link default route has no "via"). Otherwise the device's gateway
// (the first router of a lease, a static gateway).
std::optional<IpAddress> default_gateway(const DeviceRecord& d) {
    if (auto routes = d.lease ? lease_classless_routes(*d.lease) : std::vector<StaticRouteRecord>{}; !routes.empty()) {
        for (const auto& r : routes)
            if (r.destination.prefix == 0 && r.gateway && r.gateway->is_v4() && !r.gateway->v4().is_unspecified())
                return r.gateway;
        return std::nullopt;
    }
    if (d.gateway && d.gateway->is_v4()) return d.gateway;
    return std::nullopt;
}

std::string resolv_conf_text(const DeviceRecord& d) {
    std::string out;
    if (auto search = search_domains(d.dns_search); !search.empty()) out += "search " + join(search, " ") + "\n";
    for (const auto& a : d.dns) out += "nameserver " + a.to_string() + "\n";
    return out;
}

}  // namespace

std::string shell_quote(std::string_view value) {
    std::string out = "'";
    for (char c : value) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    out += '\'';
    return out;
}

namespace {

// What dhclient -6 gives dracut's dhclient-script (which saves every new_*
// variable): the first address of the IA_NA with its lifetimes, the IAID,
// the times, and new_<shell_name> for every option of the DHCPv6 table the
// REPLY had. The root path from the boot-file URL unless DHCPv4 gave one.
void dhcp6_lines(std::string& out, const DeviceRecord& d) {
    const Lease6Record& l = *d.lease6;
    if (!l.addresses.empty()) {
        line(out, "new_ip6_address", l.addresses.front().address.to_string());
        line(out, "new_ip6_prefixlen", "128");
        line(out, "new_preferred_life", std::to_string(l.addresses.front().preferred_s));
        line(out, "new_max_life", std::to_string(l.addresses.front().valid_s));
    }
    line(out, "new_iaid", lease6_iaid_text(l));
    line(out, "new_life_starts", std::to_string(l.acquired_realtime_s));
    line(out, "new_starts", std::to_string(l.acquired_realtime_s));
    line(out, "new_renew", std::to_string(l.t1_s));
    line(out, "new_rebind", std::to_string(l.t2_s));
    for (const auto& o : lease6_options(l))
        if (!o.definition->shell_name.empty())
            line(out, "new_" + std::string(o.definition->shell_name), dhcp::dhcp6_option_value_to_text(o.value));
    bool v4_root = d.lease && !lease_option_text(*d.lease, dhcp::option::kRootPath).empty();
    if (auto root = lease6_root_path(l); !root.empty() && !v4_root) line(out, "new_root_path", root);
}

}  // namespace

std::string dhcpopts_text(const DeviceRecord& d) {
    std::string out;
    if (d.lease6) dhcp6_lines(out, d);
    if (!d.lease) return out;
    const LeaseRecord& l = *d.lease;
    line(out, "new_ip_address", l.address.to_string());
    for (const auto& o : lease_options(l)) line(out, "new_" + std::string(o.definition->shell_name), dhclient_text(o));
    if (!l.next_server.is_unspecified()) line(out, "new_next_server", l.next_server.to_string());
    // NetworkManager's dracut glue exports the boot file as filename=; BOOTP's
    // file field wins over option 67, as in NM's device state (dhcp-bootfile).
    const std::string file = !l.boot_file.empty() ? l.boot_file : lease_option_text(l, dhcp::option::kBootfileName);
    line(out, "new_filename", file);
    line(out, "filename", file);
    return out;
}

std::string override_text(const DeviceRecord& d) {
    std::string out;
    if (auto a = first_ipv4(d)) line(out, "ip", a->address.to_string());
    if (d.ip_server) line(out, "srv", d.ip_server->to_string());
    if (d.gateway) line(out, "gw", d.gateway->to_string());
    line(out, "mask", d.netmask);
    line(out, "hostname", d.hostname);
    line(out, "macaddr", sysfs_mac(d.mac).value_or(ascii_lower(d.mac)));
    if (d.mtu != 0) line(out, "mtu", std::to_string(d.mtu));
    if (!d.dns.empty()) line(out, "dns1", d.dns[0].to_string());
    if (d.dns.size() > 1) line(out, "dns2", d.dns[1].to_string());
    return out;
}

Result<void> export_for_dracut(const DracutPaths& paths, const DeviceRecord& d) {
    if (!is_valid_interface_name(d.interface))
        return unexpected(ErrorCode::Invalid, "dracut: '" + d.interface + "' is not an interface name");
    std::optional<std::string> mac;
    if (!d.mac.empty() && !(mac = sysfs_mac(d.mac)))
        return unexpected(ErrorCode::Invalid, "dracut: " + d.interface + ": '" + d.mac + "' is not a MAC address");
    if (auto made = make_directories(paths.tmp_dir); !made) return made;
    const std::string base = paths.tmp_dir + "/";
    const std::string net = base + "net." + d.interface;
    auto write = [](const std::string& path, const std::string& text) {
        return write_file_atomically(path, text, 0644);
    };

    if (auto r = write(base + "dhclient." + d.interface + ".dhcpopts", dhcpopts_text(d)); !r) return r;
    if (d.static_from_cmdline)
        if (auto r = write(net + ".override", override_text(d)); !r) return r;
    if (std::string text = resolv_conf_text(d); !text.empty())
        if (auto r = write(net + ".resolv.conf", text); !r) return r;
    // dracut's setup_net sources these two: only our own formatting of
    // addresses and a quoted host name ever reach them.
    if (auto gateway = default_gateway(d))
        if (auto r = write(net + ".gw", "ip route replace default via " + shell_quote(gateway->to_string()) + " dev " +
                                            shell_quote(d.interface) + "\n");
            !r)
            return r;
    // printf, not echo: dash's echo turns "\n" into a newline and stops at
    // "\c", so the kernel would get another name than the one we were given.
    if (!d.hostname.empty())
        if (auto r = write(net + ".hostname",
                           "printf '%s\\n' " + shell_quote(d.hostname) + " > /proc/sys/kernel/hostname\n");
            !r)
            return r;
    std::vector<std::string> markers{net + ".up", net + ".did-setup"};
    if (mac) {
        markers.push_back(base + "net." + *mac + ".up");
        markers.push_back(base + "net." + *mac + ".did-setup");
    }
    for (const auto& m : markers)
        if (auto r = write(m, ""); !r) return r;
    return {};
}

}  // namespace earlynet::state
