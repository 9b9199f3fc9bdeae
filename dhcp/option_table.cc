// The option table and its strict per-type codec. Every rule here is a reason
// to drop a whole option: of a 5-byte router list no address can be trusted.
// The message around it is another matter (lease_from_message decides).
#include "dhcp/option_table.h"

#include <algorithm>
#include <array>

#include "base/hex.h"
#include "dhcp/wire_reader.h"

namespace earlynet::dhcp {
namespace {

using enum OptionType;

// {code, RFC name, wire type, dhclient-script's variable stem, NetworkManager's
// name}. Sorted by code (find_option searches it). Sources: RFC 2132 unless
// noted. Option 121 is `classless_static_routes` as dracut's dhclient.conf
// declares it (dhclient's own default name is rfc3442-...).
constexpr std::array kTable{
    OptionDefinition{1, "subnet-mask", Ipv4, "subnet_mask", "subnet_mask"},
    OptionDefinition{2, "time-offset", U32, "time_offset"},
    OptionDefinition{3, "routers", Ipv4List, "routers", "routers"},
    OptionDefinition{6, "domain-name-servers", Ipv4List, "domain_name_servers", "domain_name_servers"},
    OptionDefinition{12, "host-name", Text, "host_name", "host_name"},
    OptionDefinition{15, "domain-name", Text, "domain_name", "domain_name"},
    OptionDefinition{17, "root-path", Text, "root_path", "root_path"},
    OptionDefinition{26, "interface-mtu", U16, "interface_mtu", "interface_mtu"},
    OptionDefinition{28, "broadcast-address", Ipv4, "broadcast_address", "broadcast_address"},
    OptionDefinition{40, "nis-domain", Text, "nis_domain"},
    OptionDefinition{41, "nis-servers", Ipv4List, "nis_servers"},
    OptionDefinition{42, "ntp-servers", Ipv4List, "ntp_servers", "ntp_servers"},
    OptionDefinition{43, "vendor-encapsulated-options", Bytes, "vendor_encapsulated_options"},
    OptionDefinition{44, "netbios-name-servers", Ipv4List, "netbios_name_servers"},
    OptionDefinition{50, "requested-address", Ipv4, "dhcp_requested_address"},
    OptionDefinition{51, "lease-time", U32, "dhcp_lease_time", "dhcp_lease_time"},
    OptionDefinition{53, "message-type", U8, "dhcp_message_type"},
    OptionDefinition{54, "server-identifier", Ipv4, "dhcp_server_identifier", "dhcp_server_identifier"},
    OptionDefinition{55, "parameter-request-list", U8List, "dhcp_parameter_request_list"},
    OptionDefinition{56, "message", Text, "dhcp_message"},
    OptionDefinition{57, "max-message-size", U16, "dhcp_max_message_size"},
    OptionDefinition{58, "renewal-time", U32, "dhcp_renewal_time"},
    OptionDefinition{59, "rebinding-time", U32, "dhcp_rebinding_time"},
    OptionDefinition{60, "vendor-class-identifier", Text, "vendor_class_identifier"},
    OptionDefinition{61, "client-identifier", Bytes, "dhcp_client_identifier"},
    OptionDefinition{66, "tftp-server-name", Text, "tftp_server_name", "tftp_server_name"},
    OptionDefinition{67, "bootfile-name", Text, "bootfile_name", "bootfile_name"},
    OptionDefinition{119, "domain-search", DomainList, "domain_search", "domain_search"},  // RFC 3397
    OptionDefinition{121, "classless-static-routes", ClasslessRoutes, "classless_static_routes",
                     "rfc3442_classless_static_routes"},  // RFC 3442
    OptionDefinition{252, "wpad", Text, "wpad"},          // draft-ietf-wrec-wpad; no dhclient name, ours
};
static_assert(std::is_sorted(kTable.begin(), kTable.end(), [](auto& a, auto& b) { return a.code < b.code; }));

// RFC 1035 2.3.4: a label is 1..63 bytes, a name at most 255 bytes on the wire.
constexpr std::size_t kMaxLabel = 63;
constexpr std::size_t kMaxName = 255;

// The names of option 119 reach shell variables and resolv.conf as a
// space-separated list, so a label must not carry a separator of either: no
// '.', no whitespace or control bytes. Bytes >= 0x80 pass (raw UTF-8 IDNs).
bool is_label_byte(std::uint8_t b) {
    return b > 0x20 && b != 0x7f && b != '.';
}

// One name starting at `start`, or why not. RFC 1035 4.1.4 compression: a
// pointer must point before the name being read and before every earlier
// pointer target, so each jump moves strictly backwards and a loop is
// impossible (systemd's jump barrier). Returns the name and where the next
// name starts (after the terminating zero or the first pointer).
struct NameAt {
    std::string name;
    std::size_t next;
};
Result<NameAt> read_name(std::span<const std::uint8_t> msg, std::size_t start, NameCompression compression) {
    std::string name;
    std::size_t wire_length = 1;  // the terminating zero
    std::size_t pos = start, barrier = start;
    std::optional<std::size_t> next;
    while (true) {
        if (pos >= msg.size())
            return unexpected(ErrorCode::Malformed, "name at offset " + std::to_string(start) + " is truncated");
        std::uint8_t len = msg[pos];
        if ((len & 0xc0) == 0xc0) {
            if (compression == NameCompression::Refused)
                return unexpected(ErrorCode::Malformed, "compression pointer at offset " + std::to_string(pos) +
                                                            " where names are uncompressed");
            if (pos + 1 >= msg.size())
                return unexpected(ErrorCode::Malformed, "truncated pointer at offset " + std::to_string(pos));
            std::size_t target = (std::size_t{len} & 0x3f) << 8 | msg[pos + 1];
            if (target >= barrier)
                return unexpected(ErrorCode::Malformed, "pointer at offset " + std::to_string(pos) + " to offset " +
                                                            std::to_string(target) + " does not point backwards");
            if (!next) next = pos + 2;
            barrier = target;
            pos = target;
            continue;
        }
        if (len & 0xc0)
            return unexpected(ErrorCode::Malformed, "unsupported label type at offset " + std::to_string(pos));
        if (len == 0) break;
        if (pos + 1 + len > msg.size())
            return unexpected(ErrorCode::Malformed, "label at offset " + std::to_string(pos) + " is truncated");
        wire_length += 1 + len;
        if (wire_length > kMaxName)
            return unexpected(ErrorCode::Malformed,
                              "name at offset " + std::to_string(start) + " is longer than 255 bytes");
        auto label = msg.subspan(pos + 1, len);
        if (!std::all_of(label.begin(), label.end(), is_label_byte))
            return unexpected(ErrorCode::Malformed,
                              "label at offset " + std::to_string(pos) + " has a '.', space or control byte");
        if (!name.empty()) name += '.';
        name.append(label.begin(), label.end());
        pos += 1 + len;
    }
    if (name.empty()) return unexpected(ErrorCode::Malformed, "empty (root) name at offset " + std::to_string(start));
    return NameAt{std::move(name), next.value_or(pos + 1)};
}

Result<std::vector<std::string>> read_domain_list(std::span<const std::uint8_t> bytes, NameCompression compression) {
    if (bytes.empty()) return unexpected(ErrorCode::Malformed, "is empty");
    std::vector<std::string> names;
    for (std::size_t pos = 0; pos < bytes.size();) {
        auto n = read_name(bytes, pos, compression);
        if (!n) return unexpected(std::move(n.error()));
        names.push_back(std::move(n->name));
        pos = n->next;
    }
    return names;
}

std::uint32_t prefix_mask(int width) {
    return width == 0 ? 0 : ~std::uint32_t{0} << (32 - width);
}

Result<std::vector<ClasslessRoute>> read_classless_routes(std::span<const std::uint8_t> bytes) {
    if (bytes.empty()) return unexpected(ErrorCode::Malformed, "is empty");
    std::vector<ClasslessRoute> routes;
    WireReader r(bytes);
    while (!r.at_end()) {
        std::string which = "route " + std::to_string(routes.size() + 1);
        int width = *r.u8();
        if (width > 32)
            return unexpected(ErrorCode::Malformed, which + ": prefix length " + std::to_string(width) + " > 32");
        // RFC 3442: only the significant octets of the destination, ceil(width / 8).
        auto octets = r.bytes(static_cast<std::size_t>(width + 7) / 8);
        if (!octets) return unexpected(ErrorCode::Malformed, which + ": truncated destination");
        std::uint32_t dest = 0;
        for (std::size_t i = 0; i < octets->size(); ++i) dest |= std::uint32_t{(*octets)[i]} << (24 - 8 * i);
        auto gateway = r.u32();
        if (!gateway) return unexpected(ErrorCode::Malformed, which + ": truncated gateway");
        ClasslessRoute route{Ipv4Address::from_host(dest), width, Ipv4Address::from_host(*gateway)};
        if (dest & ~prefix_mask(width))
            return unexpected(ErrorCode::Malformed, which + ": " + route.destination.to_string() + "/" +
                                                        std::to_string(width) + " has host bits set");
        routes.push_back(route);
    }
    return routes;
}

std::string length_error(std::size_t got, const char* expected) {
    return "length " + std::to_string(got) + ", expected " + expected;
}

Result<OptionValue> decode_by_type(OptionType type, std::span<const std::uint8_t> b) {
    auto fail = [](std::string why) { return unexpected(ErrorCode::Malformed, std::move(why)); };
    auto be = [&b] {
        std::uint32_t v = 0;
        for (auto x : b) v = v << 8 | x;
        return v;
    };
    switch (type) {
        case Ipv4:
            if (b.size() != 4) return fail(length_error(b.size(), "4"));
            return OptionValue{Ipv4Address::from_host(be())};
        case Ipv4List: {
            if (b.empty()) return fail("is empty");
            if (b.size() % 4) return fail("length " + std::to_string(b.size()) + " is not a multiple of 4");
            std::vector<Ipv4Address> list;
            WireReader r(b);
            while (auto a = r.u32()) list.push_back(Ipv4Address::from_host(*a));
            return OptionValue{std::move(list)};
        }
        case U8:
            if (b.size() != 1) return fail(length_error(b.size(), "1"));
            return OptionValue{be()};
        case U16:
            if (b.size() != 2) return fail(length_error(b.size(), "2"));
            return OptionValue{be()};
        case U32:
            if (b.size() != 4) return fail(length_error(b.size(), "4"));
            return OptionValue{be()};
        case Text: {
            // RFC 2132 2: text "SHOULD NOT" be NUL terminated, but many servers do; drop trailing NULs.
            std::size_t n = b.size();
            while (n > 0 && b[n - 1] == 0) --n;
            if (n == 0) return fail("is empty");
            if (std::find(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n), 0) !=
                b.begin() + static_cast<std::ptrdiff_t>(n))
                return fail("contains a NUL byte");
            return OptionValue{std::string(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n))};
        }
        case DomainList: {
            auto names = read_domain_list(b, NameCompression::Allowed);
            if (!names) return unexpected(std::move(names.error()));
            return OptionValue{std::move(*names)};
        }
        case ClasslessRoutes: {
            auto routes = read_classless_routes(b);
            if (!routes) return unexpected(std::move(routes.error()));
            return OptionValue{std::move(*routes)};
        }
        case U8List:
            if (b.empty()) return fail("is empty");
            return OptionValue{std::vector<std::uint8_t>(b.begin(), b.end())};
        case Bytes: return OptionValue{std::vector<std::uint8_t>(b.begin(), b.end())};
    }
    return fail("unknown wire type");
}

template <typename T, typename F>
std::string join(const std::vector<T>& items, F render, const char* separator = " ") {
    std::string s;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) s += separator;
        s += render(items[i]);
    }
    return s;
}

struct TextVisitor {
    std::string operator()(const Ipv4Address& a) const { return a.to_string(); }
    std::string operator()(const std::vector<Ipv4Address>& list) const {
        return join(list, [](const Ipv4Address& a) { return a.to_string(); });
    }
    std::string operator()(std::uint32_t v) const { return std::to_string(v); }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(const std::vector<std::string>& names) const {
        return join(names, [](const std::string& n) { return n; });
    }
    std::string operator()(const std::vector<ClasslessRoute>& routes) const {
        return join(routes, [](const ClasslessRoute& r) {
            return r.destination.to_string() + "/" + std::to_string(r.prefix_length) + " " + r.gateway.to_string();
        });
    }
    std::string operator()(const std::vector<std::uint8_t>& bytes) const { return to_hex(bytes, ':'); }
};

}  // namespace

std::span<const OptionDefinition> option_table() {
    return kTable;
}

const OptionDefinition* find_option(std::uint8_t code) {
    auto it = std::lower_bound(kTable.begin(), kTable.end(), code, [](auto& d, std::uint8_t c) { return d.code < c; });
    return it != kTable.end() && it->code == code ? &*it : nullptr;
}

Result<OptionValue> decode_option(const OptionDefinition& def, std::span<const std::uint8_t> bytes) {
    auto value = decode_by_type(def.type, bytes);
    if (!value) {
        return unexpected(ErrorCode::Malformed, "option " + std::to_string(def.code) + " (" + std::string(def.name) +
                                                    "): " + value.error().message);
    }
    return value;
}

std::vector<std::uint8_t> encode_domain_list(const std::vector<std::string>& names) {
    WireWriter w;
    for (auto& name : names) {
        std::size_t start = 0;
        while (start <= name.size()) {
            std::size_t dot = std::min(name.find('.', start), name.size());
            if (dot > start) {
                w.u8(static_cast<std::uint8_t>(dot - start));
                w.bytes({reinterpret_cast<const std::uint8_t*>(name.data() + start), dot - start});
            }
            start = dot + 1;
        }
        w.u8(0);
    }
    return w.take();
}

std::vector<std::uint8_t> encode_option(const OptionDefinition& def, const OptionValue& value) {
    WireWriter w;
    switch (def.type) {
        case Ipv4:
            if (auto* a = std::get_if<Ipv4Address>(&value)) w.u32(a->host_order());
            break;
        case Ipv4List:
            if (auto* list = std::get_if<std::vector<Ipv4Address>>(&value))
                for (auto& a : *list) w.u32(a.host_order());
            break;
        case U8:
            if (auto* v = std::get_if<std::uint32_t>(&value)) w.u8(static_cast<std::uint8_t>(*v));
            break;
        case U16:
            if (auto* v = std::get_if<std::uint32_t>(&value)) w.u16(static_cast<std::uint16_t>(*v));
            break;
        case U32:
            if (auto* v = std::get_if<std::uint32_t>(&value)) w.u32(*v);
            break;
        case Text:
            if (auto* s = std::get_if<std::string>(&value))
                w.bytes({reinterpret_cast<const std::uint8_t*>(s->data()), s->size()});
            break;
        case DomainList:
            if (auto* names = std::get_if<std::vector<std::string>>(&value)) w.bytes(encode_domain_list(*names));
            break;
        case ClasslessRoutes:
            if (auto* routes = std::get_if<std::vector<ClasslessRoute>>(&value)) {
                for (auto& r : *routes) {
                    w.u8(static_cast<std::uint8_t>(r.prefix_length));
                    std::uint32_t dest = r.destination.host_order();
                    for (int i = 0; i < (r.prefix_length + 7) / 8; ++i)
                        w.u8(static_cast<std::uint8_t>(dest >> (24 - 8 * i)));
                    w.u32(r.gateway.host_order());
                }
            }
            break;
        case U8List:
        case Bytes:
            if (auto* b = std::get_if<std::vector<std::uint8_t>>(&value)) w.bytes(*b);
            break;
    }
    return w.take();
}

std::string option_value_to_text(const OptionValue& value) {
    return std::visit(TextVisitor{}, value);
}

std::optional<std::vector<std::string>> decode_domain_list(std::span<const std::uint8_t> bytes) {
    auto names = read_domain_list(bytes, NameCompression::Allowed);
    if (!names) return std::nullopt;
    return std::move(*names);
}

Result<std::vector<std::string>> decode_uncompressed_domain_list(std::span<const std::uint8_t> bytes) {
    return read_domain_list(bytes, NameCompression::Refused);
}

std::optional<std::vector<ClasslessRoute>> decode_classless_routes(std::span<const std::uint8_t> bytes) {
    auto routes = read_classless_routes(bytes);
    if (!routes) return std::nullopt;
    return std::move(*routes);
}

}  // namespace earlynet::dhcp
