#include "profile/keyfile_reader.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <map>
#include <vector>

#include "profile/cmdline_values.h"

namespace earlynet::profile {

namespace {

using Group = std::map<std::string, std::string, std::less<>>;
using Groups = std::map<std::string, Group, std::less<>>;

// GKeyFile escapes: \s \n \t \r \\ (and \; inside lists, kept for split_list).
std::string unescape(std::string_view v, bool keep_list_escape) {
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i] != '\\' || i + 1 == v.size()) {
            out += v[i];
            continue;
        }
        char c = v[++i];
        switch (c) {
            case 's': out += ' '; break;
            case 'n': out += '\n'; break;
            case 't': out += '\t'; break;
            case 'r': out += '\r'; break;
            case '\\': out += keep_list_escape ? "\\\\" : "\\"; break;
            case ';': out += keep_list_escape ? "\\;" : ";"; break;
            default: out += '\\', out += c;
        }
    }
    return out;
}

std::vector<std::string> split_list(std::string_view raw) {
    std::vector<std::string> items;
    std::string cur;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '\\' && i + 1 < raw.size()) {
            cur += raw[i];
            cur += raw[++i];
        } else if (raw[i] == ';') {
            items.push_back(unescape(cur, false));
            cur.clear();
        } else {
            cur += raw[i];
        }
    }
    if (!cur.empty()) items.push_back(unescape(cur, false));
    return items;
}

Result<Groups> parse_groups(std::string_view text, const std::string& source) {
    Groups groups;
    Group* current = nullptr;
    std::size_t line_no = 0;
    while (!text.empty()) {
        ++line_no;
        auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
            line.remove_suffix(1);
        while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
        if (line.empty() || line.front() == '#') continue;
        if (line.front() == '[') {
            if (line.back() != ']')
                return unexpected(ErrorCode::Malformed,
                                  source + ":" + std::to_string(line_no) + ": unterminated group name");
            current = &groups[std::string(line.substr(1, line.size() - 2))];
            continue;
        }
        auto eq = line.find('=');
        if (eq == std::string_view::npos || !current)
            return unexpected(ErrorCode::Malformed, source + ":" + std::to_string(line_no) + ": '" + std::string(line) +
                                                        "' is not key=value in a group");
        std::string_view key = line.substr(0, eq);
        while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.remove_suffix(1);
        std::string_view value = line.substr(eq + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
        (*current)[std::string(key)] = std::string(value);  // raw; unescaped per use
    }
    return groups;
}

// Reads typed values out of one group, remembering the first error.
class GroupReader {
public:
    GroupReader(const Group* group, std::string name, const std::string& source)
        : group_(group), name_(std::move(name)), source_(source) {}

    bool has(std::string_view key) const { return group_ && group_->count(key); }
    const std::string* raw(std::string_view key) const {
        if (!group_) return nullptr;
        auto it = group_->find(key);
        return it == group_->end() ? nullptr : &it->second;
    }
    std::string string(std::string_view key) const {
        const std::string* r = raw(key);
        return r ? unescape(*r, false) : std::string();
    }
    void integer(std::string_view key, long min, long max, long& out) {
        if (const std::string* r = raw(key)) {
            auto n = parse_int(*r, min, max);
            if (!n) return fail(key, *r, "is not a number in " + std::to_string(min) + ".." + std::to_string(max));
            out = static_cast<long>(*n);
        }
    }
    template <typename T>
    void integer_as(std::string_view key, long min, long max, T& out) {
        long v = static_cast<long>(out);
        integer(key, min, max, v);
        out = static_cast<T>(v);
    }
    void boolean(std::string_view key, bool& out) {
        if (const std::string* r = raw(key)) {
            auto b = parse_bool(*r, false);
            if (!b || r->empty()) return fail(key, *r, "is not true or false");
            out = *b;
        }
    }
    void fail(std::string_view key, std::string_view value, const std::string& problem) {
        if (error_.empty())
            error_ = source_ + ": [" + name_ + "] " + std::string(key) + ": '" + std::string(value) + "' " + problem;
    }
    const std::string& error() const { return error_; }
    const std::string& name() const { return name_; }

private:
    const Group* group_;
    std::string name_;
    const std::string& source_;
    std::string error_;
};

std::optional<IpMethod> parse_method(std::string_view m, bool v4) {
    if (m == "auto") return IpMethod::Auto;
    if (m == "manual") return IpMethod::Manual;
    if (m == "link-local") return IpMethod::LinkLocal;
    if (m == "disabled") return IpMethod::Disabled;
    if (m == "shared") return IpMethod::Shared;
    if (!v4 && m == "dhcp") return IpMethod::Dhcp;
    if (!v4 && m == "ignore") return IpMethod::Ignore;
    return std::nullopt;
}

std::optional<IpPrefix> parse_prefix(std::string_view text, bool v4) {
    auto slash = text.find('/');
    auto addr = IpAddress::parse(text.substr(0, slash));
    if (!addr || addr->is_v4() != v4) return std::nullopt;
    int prefix = addr->max_prefix();
    if (slash != std::string_view::npos) {
        auto n = parse_int(text.substr(slash + 1), 0, addr->max_prefix());
        if (!n) return std::nullopt;
        prefix = static_cast<int>(*n);
    }
    return IpPrefix{*addr, prefix};
}

// addressN / routeN keys sorted by N (address1, address2, ..., address10).
std::vector<std::pair<long, std::string>> numbered(const Group* g, std::string_view stem) {
    std::vector<std::pair<long, std::string>> out;
    if (!g) return out;
    for (const auto& [k, v] : *g) {
        if (k.size() <= stem.size() || k.compare(0, stem.size(), stem) != 0) continue;
        auto n = parse_int(std::string_view(k).substr(stem.size()), 0, 1000000);
        if (n) out.emplace_back(*n, v);
    }
    std::sort(out.begin(), out.end());
    return out;
}

void read_ip(GroupReader& r, const Group* g, bool v4, IpSettings& ip) {
    if (!g) return;  // NetworkManager's default: method auto
    std::string method = r.string("method");
    if (!method.empty()) {
        auto m = parse_method(method, v4);
        if (!m) return r.fail("method", method, "is not a known method");
        ip.method = *m;
    }
    for (const auto& [n, raw] : numbered(g, "address")) {
        std::string value = unescape(raw, false);
        auto comma = value.find(',');
        auto prefix = parse_prefix(std::string_view(value).substr(0, comma), v4);
        if (!prefix) return r.fail("address" + std::to_string(n), value, "is not an address/prefix");
        ip.addresses.push_back(*prefix);
        if (comma != std::string::npos && !ip.gateway) {
            auto gw = IpAddress::parse(std::string_view(value).substr(comma + 1));
            if (!gw || gw->is_v4() != v4) return r.fail("address" + std::to_string(n), value, "has an invalid gateway");
            ip.gateway = gw;
        }
    }
    if (r.has("gateway")) {
        auto gw = IpAddress::parse(r.string("gateway"));
        if (!gw || gw->is_v4() != v4) return r.fail("gateway", r.string("gateway"), "is not an address");
        ip.gateway = gw;
    }
    if (const std::string* dns = r.raw("dns")) {
        for (const auto& item : split_list(*dns)) {
            auto a = IpAddress::parse(item);
            if (!a || a->is_v4() != v4) return r.fail("dns", item, "is not an address");
            ip.dns.push_back(*a);
        }
    }
    for (const auto& [n, raw] : numbered(g, "route")) {
        std::string value = unescape(raw, false);
        std::string key = "route" + std::to_string(n);
        std::vector<std::string_view> parts;
        std::string_view rest = value;
        while (true) {
            auto c = rest.find(',');
            parts.push_back(rest.substr(0, c));
            if (c == std::string_view::npos) break;
            rest = rest.substr(c + 1);
        }
        auto dest = parse_prefix(parts[0], v4);
        if (!dest || parts.size() > 3) return r.fail(key, value, "is not dest/prefix[,gateway[,metric]]");
        Route route{*dest, std::nullopt, -1};
        if (parts.size() > 1 && !parts[1].empty()) {
            route.next_hop = IpAddress::parse(parts[1]);
            if (!route.next_hop || route.next_hop->is_v4() != v4) return r.fail(key, value, "has an invalid gateway");
        }
        if (parts.size() > 2) {
            auto m = parse_int(parts[2], -1, UINT32_MAX);
            if (!m) return r.fail(key, value, "has an invalid metric");
            route.metric = static_cast<long>(*m);
        }
        ip.routes.push_back(route);
    }
    r.boolean("may-fail", ip.may_fail);
    r.boolean("ignore-auto-dns", ip.ignore_auto_dns);
    r.integer_as("dhcp-timeout", 0, INT32_MAX, ip.dhcp_timeout);
    r.integer_as("required-timeout", -1, INT32_MAX, ip.required_timeout);
    // NetworkManager caps the probe at 30 s (NM_SETTING_IP_CONFIG_DAD_TIMEOUT_MAX).
    if (v4) r.integer_as("dad-timeout", -1, 30000, ip.dad_timeout);
    ip.dhcp_hostname = r.string("dhcp-hostname");
    if (v4) ip.dhcp_vendor_class = r.string("dhcp-vendor-class-identifier");
}

}  // namespace

Result<Profile> read_keyfile(std::string_view text, const std::string& basename, const std::string& source) {
    auto parsed = parse_groups(text, source);
    if (!parsed) return unexpected(parsed.error());
    const Groups& groups = *parsed;
    auto group = [&](std::string_view name) -> const Group* {
        auto it = groups.find(name);
        return it == groups.end() ? nullptr : &it->second;
    };
    auto fail = [&](const GroupReader& r) { return unexpected(ErrorCode::Malformed, r.error()); };

    Profile p;
    p.basename = basename;
    GroupReader con(group("connection"), "connection", source);
    if (!group("connection")) return unexpected(ErrorCode::Malformed, source + ": no [connection] group");
    p.id = con.string("id");
    p.uuid = con.string("uuid");
    std::string type = con.string("type");
    if (type == "ethernet" || type == "802-3-ethernet")
        p.type = ConnectionType::Ethernet;
    else if (type == "infiniband")
        p.type = ConnectionType::Infiniband;
    else if (type == "bond")
        p.type = ConnectionType::Bond;
    else if (type == "bridge")
        p.type = ConnectionType::Bridge;
    else if (type == "team")
        p.type = ConnectionType::Team;
    else if (type == "vlan")
        p.type = ConnectionType::Vlan;
    else
        return unexpected(ErrorCode::NotSupported, source + ": [connection] type: '" + type + "' is not supported");
    p.interface_name = con.string("interface-name");
    p.controller = con.has("controller") ? con.string("controller") : con.string("master");
    std::string port_type = con.has("port-type") ? con.string("port-type") : con.string("slave-type");
    if (port_type == "bond")
        p.port_type = PortType::Bond;
    else if (port_type == "bridge")
        p.port_type = PortType::Bridge;
    else if (port_type == "team")
        p.port_type = PortType::Team;
    else if (!port_type.empty())
        con.fail("slave-type", port_type, "is not supported");
    con.integer_as("autoconnect-priority", -999, 999, p.autoconnect_priority);
    con.integer_as("autoconnect-retries", -1, INT32_MAX, p.autoconnect_retries);
    con.integer_as("multi-connect", 0, 3, p.multi_connect);
    con.integer_as("wait-device-timeout", -1, INT32_MAX, p.wait_device_timeout);
    if (!con.error().empty()) return fail(con);

    const Group* eth_group = group("ethernet") ? group("ethernet") : group("802-3-ethernet");
    if (eth_group) {
        GroupReader r(eth_group, "ethernet", source);
        EthernetSettings& e = p.ethernet_settings();
        if (r.has("mac-address")) {
            e.mac_address = HardwareAddress::parse_ethernet(r.string("mac-address"));
            if (!e.mac_address) r.fail("mac-address", r.string("mac-address"), "is not a MAC address");
        }
        e.cloned_mac_address = r.string("cloned-mac-address");
        r.integer_as("mtu", 0, UINT32_MAX, e.mtu);
        // false is NetworkManager's default, which the writer omits: only
        // true is kept, so a profile read, written and read is the same.
        if (r.has("auto-negotiate")) {
            bool an = false;
            r.boolean("auto-negotiate", an);
            if (an) e.auto_negotiate = true;
        }
        r.integer_as("speed", 0, UINT32_MAX, e.speed);
        e.duplex = r.string("duplex");
        e.s390_nettype = r.string("s390-nettype");
        if (const std::string* sc = r.raw("s390-subchannels")) e.s390_subchannels = split_list(*sc);
        if (!r.error().empty()) return fail(r);
        if (const Group* opts = group("ethernet-s390-options"))
            for (const auto& [k, v] : *opts) e.s390_options[k] = unescape(v, false);
    }
    if (const Group* g = group("infiniband")) {
        GroupReader r(g, "infiniband", source);
        InfinibandSettings& ib = p.infiniband.emplace();
        if (r.has("mac-address")) {
            ib.mac_address = HardwareAddress::parse(r.string("mac-address"));
            if (!ib.mac_address) r.fail("mac-address", r.string("mac-address"), "is not a hardware address");
        }
        ib.transport_mode = r.has("transport-mode") ? r.string("transport-mode") : "datagram";
        r.integer_as("p-key", -1, 0xFFFF, ib.p_key);
        ib.parent = r.string("parent");
        if (!r.error().empty()) return fail(r);
    }
    if (const Group* g = group("bond")) {
        BondSettings& b = p.bond.emplace();
        for (const auto& [k, v] : *g) b.options[k] = unescape(v, false);
    }
    if (const Group* g = group("bridge")) {
        GroupReader r(g, "bridge", source);
        r.boolean("stp", p.bridge.emplace().stp);
        if (!r.error().empty()) return fail(r);
    }
    p.team = group("team") != nullptr;
    if (const Group* g = group("vlan")) {
        GroupReader r(g, "vlan", source);
        VlanSettings& v = p.vlan.emplace();
        v.parent = r.string("parent");
        r.integer_as("id", 0, 4094, v.id);
        r.integer_as("flags", 0, 15, v.flags);
        if (!r.error().empty()) return fail(r);
    }
    if (!p.is_port()) {
        GroupReader r4(group("ipv4"), "ipv4", source);
        read_ip(r4, group("ipv4"), true, p.ipv4);
        if (!r4.error().empty()) return fail(r4);
        GroupReader r6(group("ipv6"), "ipv6", source);
        read_ip(r6, group("ipv6"), false, p.ipv6);
        if (!r6.error().empty()) return fail(r6);
    }
    return p;
}

}  // namespace earlynet::profile
