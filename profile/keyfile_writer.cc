#include "profile/keyfile_writer.h"

#include <string_view>

namespace earlynet::profile {

namespace {

// Accumulates "[group]\nkey=value\n" blocks separated by blank lines.
class KeyfileBuilder {
public:
    void group(std::string_view name) {
        if (!text_.empty()) text_ += '\n';
        text_ += '[';
        text_ += name;
        text_ += "]\n";
    }
    void key(std::string_view k, const std::string& raw_value) {
        text_ += k;
        text_ += '=';
        text_ += raw_value;
        text_ += '\n';
    }
    void string_key(std::string_view k, const std::string& v) { key(k, escape_keyfile_value(v)); }
    void int_key(std::string_view k, long v) { key(k, std::to_string(v)); }
    void bool_key(std::string_view k, bool v) { key(k, v ? "true" : "false"); }
    std::string take() { return std::move(text_); }

private:
    std::string text_;
};

std::string escape_list_item(const std::string& v) {
    std::string out;
    for (char c : escape_keyfile_value(v)) {
        if (c == ';') out += '\\';
        out += c;
    }
    return out;
}

// NetworkManager's keyfile form of an address: "ip/plen" plus ",gateway" on the
// first address.
void write_ip_settings(KeyfileBuilder& kf, const IpSettings& ip, bool is_v4) {
    kf.group(is_v4 ? "ipv4" : "ipv6");
    for (std::size_t i = 0; i < ip.addresses.size(); ++i) {
        std::string value = ip.addresses[i].to_string();
        if (i == 0 && ip.gateway) value += "," + ip.gateway->to_string();
        kf.key("address" + std::to_string(i + 1), value);
    }
    if (is_v4 && ip.dad_timeout != -1) kf.int_key("dad-timeout", ip.dad_timeout);
    if (!ip.dhcp_hostname.empty()) kf.string_key("dhcp-hostname", ip.dhcp_hostname);
    if (ip.dhcp_timeout != 0) kf.int_key("dhcp-timeout", ip.dhcp_timeout);
    if (is_v4 && !ip.dhcp_vendor_class.empty()) kf.string_key("dhcp-vendor-class-identifier", ip.dhcp_vendor_class);
    if (!ip.dns.empty()) {
        std::string list;
        for (const auto& d : ip.dns) list += d.to_string() + ";";
        kf.key("dns", list);
    }
    if (ip.addresses.empty() && ip.gateway) kf.key("gateway", ip.gateway->to_string());
    if (ip.ignore_auto_dns) kf.bool_key("ignore-auto-dns", true);
    if (!ip.may_fail) kf.bool_key("may-fail", false);
    kf.key("method", to_string(ip.method));
    if (ip.required_timeout != -1) kf.int_key("required-timeout", ip.required_timeout);
    for (std::size_t i = 0; i < ip.routes.size(); ++i) {
        const Route& r = ip.routes[i];
        std::string value = r.destination.to_string();
        if (r.next_hop || r.metric != -1) value += "," + (r.next_hop ? r.next_hop->to_string() : std::string());
        if (r.metric != -1) value += "," + std::to_string(r.metric);
        kf.key("route" + std::to_string(i + 1), value);
    }
}

void write_ethernet(KeyfileBuilder& kf, const EthernetSettings& e) {
    kf.group("ethernet");
    if (e.auto_negotiate.value_or(false)) kf.bool_key("auto-negotiate", true);
    if (!e.cloned_mac_address.empty()) kf.string_key("cloned-mac-address", e.cloned_mac_address);
    if (!e.duplex.empty()) kf.string_key("duplex", e.duplex);
    if (e.mac_address) kf.key("mac-address", e.mac_address->to_string());
    if (e.mtu != 0) kf.int_key("mtu", e.mtu);
    if (!e.s390_nettype.empty()) kf.string_key("s390-nettype", e.s390_nettype);
    if (!e.s390_subchannels.empty()) {
        std::string list;
        for (const auto& s : e.s390_subchannels) list += escape_list_item(s) + ";";
        kf.key("s390-subchannels", list);
    }
    if (e.speed != 0) kf.int_key("speed", e.speed);
    if (!e.s390_options.empty()) {
        kf.group("ethernet-s390-options");
        for (const auto& [k, v] : e.s390_options) kf.string_key(k, v);
    }
}

}  // namespace

std::string escape_keyfile_value(const std::string& value) {
    std::string out;
    out.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i) {
        char c = value[i];
        switch (c) {
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\t': out += "\\t"; break;
            case '\r': out += "\\r"; break;
            // GKeyFile writes \s for a leading space. A trailing one gets it
            // too: our reader strips trailing blanks from a line (hand-edited
            // files have them), and GKeyFile reads \s as a space anywhere.
            case ' ': out += i == 0 || i + 1 == value.size() ? "\\s" : " "; break;
            default: out += c;
        }
    }
    return out;
}

std::string write_keyfile(const Profile& p) {
    KeyfileBuilder kf;

    kf.group("connection");
    kf.string_key("id", p.id);
    kf.string_key("uuid", p.uuid);
    kf.key("type", to_string(p.type));
    if (p.autoconnect_priority != 0) kf.int_key("autoconnect-priority", p.autoconnect_priority);
    if (p.autoconnect_retries != -1) kf.int_key("autoconnect-retries", p.autoconnect_retries);
    if (!p.interface_name.empty()) kf.string_key("interface-name", p.interface_name);
    // NetworkManager 1.42 still writes the old names master/slave-type; newer
    // versions read both.
    if (!p.controller.empty()) kf.string_key("master", p.controller);
    if (p.multi_connect != MultiConnect::Default) kf.int_key("multi-connect", static_cast<int>(p.multi_connect));
    if (p.port_type) kf.key("slave-type", to_string(*p.port_type));
    if (p.wait_device_timeout != -1) kf.int_key("wait-device-timeout", p.wait_device_timeout);

    // Group order is NetworkManager's: base type settings by setting name
    // ("802-3-ethernet" sorts first), then port settings, then IP.
    if (p.ethernet) write_ethernet(kf, *p.ethernet);
    if (p.bond) {
        kf.group("bond");
        for (const auto& [k, v] : p.bond->options) kf.string_key(k, v);
    }
    if (p.bridge) {
        kf.group("bridge");
        if (!p.bridge->stp) kf.bool_key("stp", false);
    }
    if (p.infiniband) {
        const InfinibandSettings& ib = *p.infiniband;
        kf.group("infiniband");
        if (ib.mac_address) kf.key("mac-address", ib.mac_address->to_string());
        if (ib.p_key != -1) kf.int_key("p-key", ib.p_key);
        if (!ib.parent.empty()) kf.string_key("parent", ib.parent);
        kf.string_key("transport-mode", ib.transport_mode);
    }
    if (p.team) kf.group("team");
    if (p.vlan) {
        kf.group("vlan");
        kf.int_key("flags", p.vlan->flags);
        if (p.vlan->id != 0) kf.int_key("id", p.vlan->id);
        if (!p.vlan->parent.empty()) kf.string_key("parent", p.vlan->parent);
    }
    if (p.port_type == PortType::Bridge) kf.group("bridge-port");
    if (p.port_type == PortType::Team) kf.group("team-port");

    // A port has no IP configuration of its own.
    if (!p.is_port()) {
        write_ip_settings(kf, p.ipv4, true);
        write_ip_settings(kf, p.ipv6, false);
        kf.group("proxy");
    }
    kf.group("user");
    kf.key("org.freedesktop.NetworkManager.origin", "nm-initrd-generator");
    return kf.take();
}

}  // namespace earlynet::profile
