// Which form an ip= has, and its fields: one field is the autoconf-only form;
// a method in the second field is the interface form; anything else is the
// static form, whose first field is the client address.
#include <string>

#include "cmdline/cmdline_fields.h"
#include "ip_argument.h"
#include "profile/cmdline_values.h"

namespace earlynet::cmdline {

namespace {

// ip=<autoconf>
Result<IpFields> autoconf_only_form(const Argument& arg, std::string_view first) {
    auto kind = parse_ip_kind(first);
    if (!kind) {
        // "ip=eth0:" (and "ip=eth0") name an interface but no method; the
        // reference silently configures every NIC instead.
        if (arg.value.back() == ':')
            return unexpected(arg.error(
                "autoconf", "",
                "is missing after interface '" + std::string(first) + "', e.g. ip=" + std::string(first) + ":dhcp"));
        return unexpected(arg.error("autoconf", first, kKnownIpKinds));
    }
    IpFields fields;
    fields.kind = *kind;
    return fields;
}

// ip=<interface|MAC>:<autoconf>...
IpFields interface_form(std::string_view interface, IpKind kind) {
    IpFields fields;
    fields.interface = interface;
    fields.kind = kind;
    return fields;
}

// The client field of the static form: an address, IPv6 in brackets.
Result<std::optional<std::pair<IpAddress, int>>> client_address(const Argument& arg, std::string_view client,
                                                                std::string_view second) {
    if (client.empty()) return std::optional<std::pair<IpAddress, int>>();
    if (auto address = parse_address_with_prefix(client)) return address;
    if (arg.value.find("::") != std::string_view::npos &&
        client.find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos)
        return unexpected(arg.error("client IP", client,
                                    "starts an IPv6 address that is not in brackets, e.g. ip=[2001:db8::5]:..."));
    // "ip=eth0:bogus": an interface with an unknown method, not a client.
    if (!second.empty() && is_valid_interface_name(client) && client.find('.') == std::string_view::npos)
        return unexpected(arg.error("autoconf", second, kKnownIpKinds));
    return unexpected(arg.error("client IP", client, "is not an IP address[/prefix]"));
}

// ip=<client>:[<peer>]:<gw>:<netmask>:<hostname>:<interface>:<autoconf>...
Result<IpFields> static_form(const Argument& arg, std::string_view client, std::string_view second, FieldReader& f) {
    IpFields fields;
    fields.client = client;
    auto address = client_address(arg, client, second);
    EARLYNET_TRY(address);
    fields.client_address = *address;
    fields.peer = second;
    fields.gateway = f.next(':');
    fields.netmask = f.next(':');
    fields.hostname = f.next(':');
    fields.interface = f.next(':');
    std::string_view kind_text = f.next(':');
    auto kind = parse_ip_kind(kind_text);
    if (!kind) return unexpected(arg.error("autoconf", kind_text, kKnownIpKinds));
    fields.kind = *kind;
    return fields;
}

// What follows the method: [:<dns1>[:<dns2>]] or [:<mtu>[:<mac>]].
Result<void> read_options(const Argument& arg, FieldReader& f, IpFields& fields) {
    std::string_view next = f.next(':');
    if (next.empty() || !IpAddress::parse(next) || next.find('/') != std::string_view::npos) {
        fields.mtu = next;
        fields.mac = f.rest();  // the rest, colons included
        return {};
    }
    fields.dns.push_back(next);
    std::string_view dns2 = f.next(':');
    if (!dns2.empty()) {
        if (!IpAddress::parse(dns2)) return unexpected(arg.error("dns2", dns2, "is not an IP address"));
        fields.dns.push_back(dns2);
    }
    if (!f.at_end()) return unexpected(arg.error("extra", f.rest(), "follows the DNS servers"));
    return {};
}

}  // namespace

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

Result<IpFields> split_ip_fields(const Argument& arg) {
    FieldReader f(arg.value);
    std::string_view first = f.next(':');
    if (f.at_end()) return autoconf_only_form(arg, first);

    std::string_view second = f.next(':');
    std::optional<IpKind> second_kind = second.empty() ? std::nullopt : parse_ip_kind(second);
    Result<IpFields> fields = IpFields{};
    if (second_kind)
        fields = interface_form(first, *second_kind);
    else
        fields = static_form(arg, first, second, f);
    EARLYNET_TRY(fields);
    EARLYNET_TRY(read_options(arg, f, *fields));
    return fields;
}

}  // namespace earlynet::cmdline
