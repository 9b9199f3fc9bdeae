#include "state/device_record.h"

#include <nlohmann/json.hpp>

#include "base/hex.h"

namespace earlynet::state {

using nlohmann::json;

const char* to_string(DeviceOutcome o) {
    switch (o) {
        case DeviceOutcome::Activating: return "activating";
        case DeviceOutcome::Activated: return "activated";
        case DeviceOutcome::Failed: return "failed";
        case DeviceOutcome::Down: return "down";
    }
    return "activating";
}

namespace {

json addresses(const std::vector<IpAddress>& v) {
    json a = json::array();
    for (const auto& x : v) a.push_back(x.to_string());
    return a;
}
json routes(const std::vector<StaticRouteRecord>& v) {
    json a = json::array();
    for (const auto& r : v) {
        json o = {{"destination", r.destination.to_string()}};
        o["gateway"] = r.gateway ? json(r.gateway->to_string()) : json(nullptr);
        a.push_back(o);
    }
    return a;
}
json millis(const std::optional<std::chrono::milliseconds>& m) {
    return m ? json(m->count()) : json(nullptr);
}

json lease_json(const LeaseRecord& l) {
    json o;
    o["address"] = l.address.to_string();
    o["prefix_length"] = l.prefix_length;
    o["server_id"] = l.server_id.to_string();
    o["next_server"] = l.next_server.to_string();
    o["boot_file"] = l.boot_file;
    o["client_id"] = to_hex(l.client_id);
    o["lease_time_s"] = l.lease_time_s;
    o["t1_s"] = l.t1_s;
    o["t2_s"] = l.t2_s;
    o["acquired_boottime_ns"] = l.acquired_boottime.count();
    o["acquired_realtime_s"] = l.acquired_realtime_s;
    json opts = json::object();
    for (const auto& [code, bytes] : l.options) opts[std::to_string(code)] = to_hex(bytes);
    o["options"] = opts;
    return o;
}

json lease6_json(const Lease6Record& l) {
    json o;
    o["client_duid"] = to_hex(l.client_duid);
    o["iaid"] = l.iaid;
    o["server_duid"] = to_hex(l.server_duid);
    json a = json::array();
    for (const auto& x : l.addresses)
        a.push_back({{"address", x.address.to_string()}, {"preferred_s", x.preferred_s}, {"valid_s", x.valid_s}});
    o["addresses"] = a;
    o["t1_s"] = l.t1_s;
    o["t2_s"] = l.t2_s;
    o["acquired_boottime_ns"] = l.acquired_boottime.count();
    o["acquired_realtime_s"] = l.acquired_realtime_s;
    json opts = json::array();
    for (const auto& x : l.options) opts.push_back({{"code", x.code}, {"data", to_hex(x.data)}});
    o["options"] = opts;
    return o;
}

// A small non-negative number exactly as std::to_string writes it: digits
// only, no sign, space or leading zero. std::stoi would also take "+24",
// " 24" and "024", so two spellings could name the same option code (and the
// later one silently win) or a prefix the writer never wrote.
std::optional<int> canonical_number(std::string_view text, int max) {
    if (text.empty() || text.size() > 9 || (text.size() > 1 && text[0] == '0')) return std::nullopt;
    int n = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + (c - '0');
    }
    if (n > max) return std::nullopt;
    return n;
}

// Reads a field strictly; any problem throws a ParseFailure naming it,
// caught once in device_record_from_json so nothing partial escapes.
struct ParseFailure {
    std::string message;
};

class Reader {
public:
    Reader(const json& j, std::string path) : j_(j), path_(std::move(path)) {}

    [[noreturn]] void fail(const std::string& key, const std::string& why) const {
        throw ParseFailure{"field '" + path_ + key + "': " + why};
    }
    const json& at(const std::string& key) const {
        auto it = j_.find(key);
        if (it == j_.end()) fail(key, "missing");
        return *it;
    }
    bool has_value(const std::string& key) const {
        auto it = j_.find(key);
        return it != j_.end() && !it->is_null();
    }
    std::string str(const std::string& key) const {
        const json& v = at(key);
        if (!v.is_string()) fail(key, "not a string");
        return v.get<std::string>();
    }
    std::int64_t integer(const std::string& key, std::int64_t lo, std::int64_t hi) const {
        const json& v = at(key);
        if (!v.is_number_integer()) fail(key, "not an integer");
        // A positive number beyond int64 is stored unsigned; read as int64 it
        // would wrap around to a negative value that may well be in range.
        if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
            fail(key, std::to_string(v.get<std::uint64_t>()) + " is out of range");
        auto n = v.get<std::int64_t>();
        if (n < lo || n > hi) fail(key, std::to_string(n) + " is out of range");
        return n;
    }
    bool boolean(const std::string& key) const {
        const json& v = at(key);
        if (!v.is_boolean()) fail(key, "not true or false");
        return v.get<bool>();
    }
    IpAddress ip(const std::string& key) const { return parse_ip(key, str(key)); }
    Ipv4Address ip4(const std::string& key) const {
        auto a = Ipv4Address::parse(str(key));
        if (!a) fail(key, "'" + str(key) + "' is not an IPv4 address");
        return *a;
    }
    IpPrefix prefix_of(const std::string& key, const std::string& text) const {
        auto slash = text.find('/');
        if (slash == std::string::npos) fail(key, "'" + text + "' is not address/prefix");
        IpAddress a = parse_ip(key, text.substr(0, slash));
        auto len = canonical_number(std::string_view(text).substr(slash + 1), a.max_prefix());
        if (!len) fail(key, "'" + text + "' has a bad prefix length");
        return IpPrefix{a, *len};
    }
    IpAddress parse_ip(const std::string& key, const std::string& text) const {
        auto a = IpAddress::parse(text);
        if (!a) fail(key, "'" + text + "' is not an IP address");
        return *a;
    }
    const json& array(const std::string& key) const {
        const json& v = at(key);
        if (!v.is_array()) fail(key, "not a list");
        return v;
    }
    std::vector<std::string> strings(const std::string& key) const {
        std::vector<std::string> out;
        for (const auto& e : array(key)) {
            if (!e.is_string()) fail(key, "has an entry that is not a string");
            out.push_back(e.get<std::string>());
        }
        return out;
    }
    template <typename A, typename Parse>
    std::vector<A> list(const std::string& key, Parse parse) const {
        std::vector<A> out;
        for (const auto& s : strings(key)) out.push_back(parse(s));
        return out;
    }
    std::vector<StaticRouteRecord> route_list(const std::string& key) const {
        std::vector<StaticRouteRecord> out;
        for (const auto& e : array(key)) {
            if (!e.is_object()) fail(key, "has an entry that is not an object");
            Reader r(e, path_ + key + ".");
            IpPrefix destination = r.prefix_of("destination", r.str("destination"));
            std::optional<IpAddress> gateway;
            if (r.has_value("gateway"))
                gateway = r.ip("gateway");
            else
                r.at("gateway");
            out.push_back(StaticRouteRecord{destination, gateway});
        }
        return out;
    }
    std::vector<std::uint8_t> bytes(const std::string& key, const std::string& text) const {
        if (text.size() % 2) fail(key, "odd number of hex digits");
        std::vector<std::uint8_t> out;
        for (std::size_t i = 0; i < text.size(); i += 2) {
            auto digit = [&](char c) -> int {
                if (c >= '0' && c <= '9') return c - '0';
                if (c >= 'a' && c <= 'f') return c - 'a' + 10;
                fail(key, "not lower-case hex");
            };
            out.push_back(static_cast<std::uint8_t>(digit(text[i]) * 16 + digit(text[i + 1])));
        }
        return out;
    }
    std::optional<std::chrono::milliseconds> millis(const std::string& key) const {
        if (!has_value(key)) {
            at(key);
            return std::nullopt;
        }
        return std::chrono::milliseconds(integer(key, 0, INT64_MAX / 2));
    }
    Ipv6Address ip6(const std::string& key) const {
        auto a = Ipv6Address::parse(str(key));
        if (!a) fail(key, "'" + str(key) + "' is not an IPv6 address");
        return *a;
    }
    std::uint32_t u32(const std::string& key) const { return static_cast<std::uint32_t>(integer(key, 0, UINT32_MAX)); }
    // Each entry of a list of objects, read by `read(entry_reader)`; an
    // error names the entry: "lease6.addresses[1].valid_s".
    template <typename F>
    void each_object(const std::string& key, F read) const {
        std::size_t i = 0;
        for (const auto& e : array(key)) {
            std::string entry = key + "[" + std::to_string(i++) + "]";
            if (!e.is_object()) fail(entry, "not an object");
            read(Reader(e, path_ + entry + "."));
        }
    }
    Reader object(const std::string& key) const {
        const json& v = at(key);
        if (!v.is_object()) fail(key, "not an object");
        return Reader(v, path_ + key + ".");
    }
    const json& raw() const { return j_; }

private:
    const json& j_;
    std::string path_;
};

LeaseRecord lease_from(const Reader& r) {
    LeaseRecord l;
    l.address = r.ip4("address");
    l.prefix_length = static_cast<int>(r.integer("prefix_length", 0, 32));
    l.server_id = r.ip4("server_id");
    l.next_server = r.ip4("next_server");
    l.boot_file = r.str("boot_file");
    l.client_id = r.bytes("client_id", r.str("client_id"));
    l.lease_time_s = static_cast<std::uint32_t>(r.integer("lease_time_s", 0, UINT32_MAX));
    l.t1_s = static_cast<std::uint32_t>(r.integer("t1_s", 0, UINT32_MAX));
    l.t2_s = static_cast<std::uint32_t>(r.integer("t2_s", 0, UINT32_MAX));
    l.acquired_boottime = std::chrono::nanoseconds(r.integer("acquired_boottime_ns", 0, INT64_MAX));
    l.acquired_realtime_s = r.integer("acquired_realtime_s", INT64_MIN, INT64_MAX);
    Reader opts = r.object("options");
    for (const auto& [key, value] : opts.raw().items()) {
        auto code = canonical_number(key, 254);
        if (!code || *code < 1) r.fail("options", "'" + key + "' is not an option code");
        if (!value.is_string()) r.fail("options", "option " + key + " is not a hex string");
        l.options[static_cast<std::uint8_t>(*code)] = r.bytes("options." + key, value.get<std::string>());
    }
    return l;
}

// RFC 8415 11.1: a DUID is its 2-byte type and at most 128 bytes more.
std::vector<std::uint8_t> duid(const Reader& r, const std::string& key) {
    auto d = r.bytes(key, r.str(key));
    if (d.size() < 3 || d.size() > 130) r.fail(key, std::to_string(d.size()) + " bytes is not a DUID (3 to 130)");
    return d;
}

Lease6Record lease6_from(const Reader& r) {
    Lease6Record l;
    l.client_duid = duid(r, "client_duid");
    l.iaid = r.u32("iaid");
    l.server_duid = duid(r, "server_duid");
    r.each_object("addresses", [&](const Reader& a) {
        Lease6AddressRecord x{a.ip6("address"), a.u32("preferred_s"), a.u32("valid_s")};
        if (x.preferred_s > x.valid_s) a.fail("preferred_s", "longer than valid_s");
        l.addresses.push_back(x);
    });
    if (l.addresses.empty()) r.fail("addresses", "empty: a lease has an address");
    l.t1_s = r.u32("t1_s");
    l.t2_s = r.u32("t2_s");
    if (l.t1_s > l.t2_s) r.fail("t1_s", "after t2_s");
    l.acquired_boottime = std::chrono::nanoseconds(r.integer("acquired_boottime_ns", 0, INT64_MAX));
    l.acquired_realtime_s = r.integer("acquired_realtime_s", INT64_MIN, INT64_MAX);
    r.each_object("options", [&](const Reader& o) {
        auto code = static_cast<std::uint16_t>(o.integer("code", 1, 65535));
        auto data = o.bytes("data", o.str("data"));
        if (data.size() > 65535) o.fail("data", "longer than an option can be");
        l.options.push_back({code, std::move(data)});
    });
    return l;
}

}  // namespace

std::string device_record_to_json(const DeviceRecord& d) {
    json o;
    o["version"] = kFormatVersion;
    o["interface"] = d.interface;
    o["ifindex"] = d.ifindex;
    o["mac"] = d.mac;
    o["kind"] = d.kind;
    o["created"] = d.created;
    o["profile_id"] = d.profile_id;
    o["profile_uuid"] = d.profile_uuid;
    o["profile_file"] = d.profile_file;
    o["ipv4_method"] = d.ipv4_method;
    o["ipv6_method"] = d.ipv6_method;
    json a = json::array();
    for (const auto& p : d.addresses) a.push_back(p.to_string());
    o["addresses"] = a;
    o["routes"] = routes(d.routes);
    o["gateway"] = d.gateway ? json(d.gateway->to_string()) : json(nullptr);
    o["dns"] = addresses(d.dns);
    o["dns_search"] = d.dns_search;
    o["hostname"] = d.hostname;
    o["mtu"] = d.mtu;
    o["ip_server"] = d.ip_server ? json(d.ip_server->to_string()) : json(nullptr);
    o["static_from_cmdline"] = d.static_from_cmdline;
    o["netmask"] = d.netmask;
    o["outcome"] = to_string(d.outcome);
    o["failure_reason"] = d.failure_reason;
    o["timings_ms"] = {{"link", millis(d.timings.to_link)},
                       {"carrier", millis(d.timings.to_carrier)},
                       {"address", millis(d.timings.to_address)},
                       {"online", millis(d.timings.to_online)}};
    o["lease"] = d.lease ? lease_json(*d.lease) : json(nullptr);
    o["lease6"] = d.lease6 ? lease6_json(*d.lease6) : json(nullptr);
    // Text options may hold any byte but NUL (a hostname of 0xff from a
    // server), and JSON only UTF-8: dump() would throw on such a string, out
    // of the event loop. Invalid sequences become U+FFFD instead; the bytes as
    // received stay exact in "options".
    return o.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

namespace {

// nlohmann's "[json.exception.parse_error.101] parse error at line 3, column
// 1: ..." without its bracketed id, which tells a person nothing.
std::string parse_error_text(const json::parse_error& e) {
    std::string what = e.what();
    if (auto close = what.find("] "); what.starts_with("[json.exception.") && close != std::string::npos)
        what.erase(0, close + 2);
    return what;
}

}  // namespace

Result<DeviceRecord> device_record_from_json(std::string_view text, const std::string& source) {
    // An empty or cut-short file is what a writer that does not rename into
    // place leaves when it dies; say so rather than only "not JSON", so the
    // report points at the cause.
    if (text.empty()) return unexpected(ErrorCode::Malformed, source + ": empty");
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error& e) {
        if (e.byte >= text.size())
            return unexpected(ErrorCode::Malformed, source + ": truncated: the JSON ends unfinished after " +
                                                        std::to_string(text.size()) + " bytes");
        return unexpected(ErrorCode::Malformed, source + ": not JSON: " + parse_error_text(e));
    } catch (const json::exception& e) {
        return unexpected(ErrorCode::Malformed, source + ": not JSON: " + e.what());
    }
    if (!j.is_object()) return unexpected(ErrorCode::Malformed, source + ": not a JSON object");
    try {
        Reader r(j, "");
        auto version = r.integer("version", INT32_MIN, INT32_MAX);
        if (version > kFormatVersion)
            r.fail("version", "version " + std::to_string(version) + " is newer than this earlynet reads (" +
                                  std::to_string(kFormatVersion) + ")");
        if (version < kOldestFormatVersion)
            r.fail("version", std::to_string(version) + " is not a version earlynet wrote (" +
                                  std::to_string(kOldestFormatVersion) + " to " + std::to_string(kFormatVersion) + ")");
        DeviceRecord d;
        d.interface = r.str("interface");
        if (!is_valid_interface_name(d.interface))
            r.fail("interface", "'" + d.interface + "' is not an interface name");
        d.ifindex = static_cast<int>(r.integer("ifindex", 0, INT32_MAX));
        d.mac = r.str("mac");
        if (!d.mac.empty() && !HardwareAddress::parse(d.mac)) r.fail("mac", "'" + d.mac + "' is not a MAC address");
        d.kind = r.str("kind");
        d.created = r.boolean("created");
        d.profile_id = r.str("profile_id");
        d.profile_uuid = r.str("profile_uuid");
        d.profile_file = r.str("profile_file");
        d.ipv4_method = r.str("ipv4_method");
        d.ipv6_method = r.str("ipv6_method");
        for (const auto& s : r.strings("addresses")) d.addresses.push_back(r.prefix_of("addresses", s));
        d.routes = r.route_list("routes");
        if (r.has_value("gateway"))
            d.gateway = r.ip("gateway");
        else
            r.at("gateway");
        for (const auto& s : r.strings("dns")) d.dns.push_back(r.parse_ip("dns", s));
        d.dns_search = r.strings("dns_search");
        d.hostname = r.str("hostname");
        d.mtu = static_cast<unsigned>(r.integer("mtu", 0, 65535));
        if (r.has_value("ip_server"))
            d.ip_server = r.ip("ip_server");
        else
            r.at("ip_server");
        d.static_from_cmdline = r.boolean("static_from_cmdline");
        d.netmask = r.str("netmask");
        std::string outcome = r.str("outcome");
        if (outcome == "activating")
            d.outcome = DeviceOutcome::Activating;
        else if (outcome == "activated")
            d.outcome = DeviceOutcome::Activated;
        else if (outcome == "failed")
            d.outcome = DeviceOutcome::Failed;
        else if (outcome == "down")
            d.outcome = DeviceOutcome::Down;
        else
            r.fail("outcome", "'" + outcome + "' is not activating, activated, failed or down");
        d.failure_reason = r.str("failure_reason");
        Reader t = r.object("timings_ms");
        d.timings.to_link = t.millis("link");
        d.timings.to_carrier = t.millis("carrier");
        d.timings.to_address = t.millis("address");
        d.timings.to_online = t.millis("online");
        if (r.has_value("lease"))
            d.lease = lease_from(r.object("lease"));
        else
            r.at("lease");
        if (version < 3) {
            if (r.has_value("lease6")) r.fail("lease6", "not in a version " + std::to_string(version) + " record");
        } else if (r.has_value("lease6")) {
            d.lease6 = lease6_from(r.object("lease6"));
        } else {
            r.at("lease6");
        }
        return d;
    } catch (const ParseFailure& f) {
        return unexpected(ErrorCode::Malformed, source + ": " + f.message);
    } catch (const json::exception& e) {
        return unexpected(ErrorCode::Malformed, source + ": " + e.what());
    }
}

}  // namespace earlynet::state
