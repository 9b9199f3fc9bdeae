#include "state/status_render.h"

#include <nlohmann/json.hpp>

#include "fmt/format.h"
#include "state/lease_options.h"

namespace earlynet::state {

namespace {

// Host name, root-path and file names come from a DHCP server or a directory
// listing and go to a person's terminal: control bytes are shown as \xNN (and
// '\' as \\), so a value can neither add a line of its own nor send escape
// sequences to the emergency shell's console.
std::string printable(std::string_view s) {
    std::string out;
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7f)
            out += fmt::format("\\x{:02x}", c);
        else if (c == '\\')
            out += "\\\\";
        else
            out += ch;
    }
    return out;
}

std::string timing(const char* what, const std::optional<std::chrono::milliseconds>& ms) {
    return ms ? fmt::format(" {} {} ms", what, ms->count()) : std::string();
}

std::string lease_remaining(const LeaseRecord& l, std::chrono::nanoseconds now_boottime) {
    if (l.lease_time_s == 0xffffffffu) return "infinite";
    auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(now_boottime - l.acquired_boottime).count();
    // A boottime before the acquisition is another boot's record.
    if (elapsed < 0) return "unknown (acquired in another boot)";
    long long left = static_cast<long long>(l.lease_time_s) - elapsed;
    return left > 0 ? fmt::format("{} s left", left) : "expired";
}

void device_block(std::string& out, const DeviceRecord& d, std::chrono::nanoseconds now) {
    out += fmt::format("{}: {}", printable(d.interface), to_string(d.outcome));
    if (d.outcome == DeviceOutcome::Failed && !d.failure_reason.empty()) out += ": " + printable(d.failure_reason);
    out += "\n";
    out += fmt::format("  {} ifindex {}{}{}, profile '{}' ({})\n", d.kind.empty() ? "device" : printable(d.kind),
                       d.ifindex, d.mac.empty() ? "" : ", MAC " + printable(d.mac),
                       d.created ? ", created by earlynet" : "", printable(d.profile_id), printable(d.profile_file));
    out += fmt::format("  ipv4 {}, ipv6 {}{}\n", printable(d.ipv4_method), printable(d.ipv6_method),
                       d.mtu != 0 ? fmt::format(", mtu {}", d.mtu) : "");
    for (const auto& a : d.addresses) out += "  address " + a.to_string() + "\n";
    if (d.gateway) out += "  gateway " + d.gateway->to_string() + "\n";
    for (const auto& r : d.routes)
        out += "  route " + r.destination.to_string() + (r.gateway ? " via " + r.gateway->to_string() : "") + "\n";
    if (!d.dns.empty()) {
        out += "  dns";
        for (const auto& a : d.dns) out += " " + a.to_string();
        out += "\n";
    }
    if (!d.hostname.empty()) out += "  hostname " + printable(d.hostname) + "\n";
    if (d.lease) {
        const LeaseRecord& l = *d.lease;
        out +=
            fmt::format("  lease {}/{} from {}, {} s ({}), T1 {} s, T2 {} s\n", l.address.to_string(), l.prefix_length,
                        l.server_id.to_string(), l.lease_time_s, lease_remaining(l, now), l.t1_s, l.t2_s);
        if (auto root_path = lease_option_text(l, dhcp::option::kRootPath); !root_path.empty())
            out += "  root-path " + printable(root_path) + "\n";
        if (!l.next_server.is_unspecified()) out += "  next-server " + l.next_server.to_string() + "\n";
    }
    if (d.lease6) {
        const Lease6Record& l = *d.lease6;
        for (const auto& a : l.addresses)
            out += fmt::format("  lease6 {}/128, valid {} s, preferred {} s, T1 {} s, T2 {} s\n", a.address.to_string(),
                               a.valid_s, a.preferred_s, l.t1_s, l.t2_s);
        if (auto url = lease6_option_text(l, dhcp::dhcp6_option::kBootfileUrl); !url.empty())
            out += "  bootfile-url " + printable(url) + "\n";
    }
    std::string t = timing("link", d.timings.to_link) + timing("carrier", d.timings.to_carrier) +
                    timing("address", d.timings.to_address) + timing("online", d.timings.to_online);
    if (!t.empty()) out += "  after" + t + "\n";
}

}  // namespace

std::string render_status_text(const LoadedState& state, std::chrono::nanoseconds now_boottime) {
    std::string out;
    if (state.devices.empty() && state.corrupt.empty()) return "no devices in the state\n";
    for (const auto& d : state.devices) device_block(out, d, now_boottime);
    for (const auto& e : state.corrupt) out += "corrupt state, not trusted: " + printable(e.message) + "\n";
    return out;
}

// The record's own format, so scripts read what `run --import` reads, with
// the lease's options decoded by the option table beside the raw bytes:
// "values": {"root-path": "...", "routers": "10.0.0.1 ..."}.
nlohmann::json device_status_json(const DeviceRecord& d) {
    nlohmann::json device = nlohmann::json::parse(device_record_to_json(d));
    if (d.lease) {
        nlohmann::json values = nlohmann::json::object();
        for (const auto& o : lease_options(*d.lease))
            values[std::string(o.definition->name)] = dhcp::option_value_to_text(o.value);
        device["lease"]["values"] = values;
    }
    if (d.lease6) {
        nlohmann::json values = nlohmann::json::object();
        for (const auto& o : lease6_options(*d.lease6))
            values[std::string(o.definition->name)] = dhcp::dhcp6_option_value_to_text(o.value);
        device["lease6"]["values"] = values;
    }
    return device;
}

std::string render_status_json(const LoadedState& state) {
    nlohmann::json devices = nlohmann::json::array();
    for (const auto& d : state.devices) devices.push_back(device_status_json(d));
    nlohmann::json corrupt = nlohmann::json::array();
    for (const auto& e : state.corrupt) corrupt.push_back(e.message);
    nlohmann::json o;
    o["version"] = kFormatVersion;
    o["devices"] = devices;
    o["corrupt"] = corrupt;
    // A corrupt message quotes a file name, which may be any bytes; dump()
    // would throw on one that is not UTF-8.
    return o.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace earlynet::state
