#include "state/nm_export.h"

#include <cctype>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "base/atomic_file.h"
#include "base/hex.h"
#include "state/lease_options.h"

namespace earlynet::state {

namespace fs = std::filesystem;

namespace {

// GKeyFile values are one line; a value from the network is data, so a
// newline in it must not start a key of its own. GKeyFile's escapes.
std::string keyfile_escape(const std::string& v) {
    std::string out;
    for (char c : v) {
        switch (c) {
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default: out += c;
        }
    }
    if (!out.empty() && out.front() == ' ') out = "\\s" + out.substr(1);
    return out;
}

void key(std::string& out, const std::string& name, const std::string& value) {
    if (value.empty()) return;
    out += name + "=" + keyfile_escape(value) + "\n";
}

// NetworkManager's [dhcp4] section: dhcp4.<nm_name> for every option of the
// table NetworkManager reports and the lease has, with its value formats
// (lists space-separated, option 121 as "dest/len gateway" pairs), and the
// keys it adds itself (ip_address, expiry, next_server, filename). Sorted by
// key, as NetworkManager writes them.
std::string dhcp4_section(const LeaseRecord& l) {
    std::map<std::string, std::string> keys;
    for (const auto& o : lease_options(l))
        if (!o.definition->nm_name.empty())
            keys[std::string(o.definition->nm_name)] = dhcp::option_value_to_text(o.value);
    keys["ip_address"] = l.address.to_string();
    if (l.lease_time_s != 0xffffffffu) keys["expiry"] = std::to_string(l.acquired_realtime_s + l.lease_time_s);
    if (!l.next_server.is_unspecified()) keys["next_server"] = l.next_server.to_string();
    keys["filename"] = l.boot_file;
    std::string out = "[dhcp4]\n";
    for (const auto& [name, value] : keys) key(out, "dhcp4." + name, value);
    return out;
}

// The [dhcp6] section as NetworkManager 1.42 writes it for its internal
// client: dhcp6.<nm_name> for the options it reports, the IAID, and
// ip6_address (the leased addresses, space-separated).
std::string dhcp6_section(const Lease6Record& l) {
    std::map<std::string, std::string> keys;
    for (const auto& o : lease6_options(l))
        if (!o.definition->nm_name.empty())
            keys[std::string(o.definition->nm_name)] = dhcp::dhcp6_option_value_to_text(o.value);
    std::string addresses;
    for (const auto& a : l.addresses) addresses += (addresses.empty() ? "" : " ") + a.address.to_string();
    keys["ip6_address"] = addresses;
    keys["iaid"] = lease6_iaid_text(l);
    std::string out = "[dhcp6]\n";
    for (const auto& [name, value] : keys) key(out, "dhcp6." + name, value);
    return out;
}

// The profile UUID becomes part of a file name (internal-UUID-IFACE.lease):
// NetworkManager's UUIDs are hex digits and dashes, so anything else — a '/'
// above all — is refused rather than written somewhere else.
bool is_uuid_like(const std::string& s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!std::isxdigit(static_cast<unsigned char>(c)) && c != '-') return false;
    return true;
}

}  // namespace

// The profile where NetworkManager looks for runtime profiles, as its own
// initrd leaves them: without it, the real root's NetworkManager has no
// connection of that UUID, makes an external one and runs no DHCP, and the
// address lapses at the end of its lifetime.
Result<void> export_profile(const NmPaths& paths, const DeviceRecord& d) {
    if (d.profile_file.empty()) return {};
    fs::path from = d.profile_file;
    fs::path dir = fs::path(paths.run_dir) / "system-connections";
    fs::path to = dir / from.filename();
    std::error_code ec;
    bool read_there = fs::exists(to, ec) && fs::equivalent(from, to, ec);
    if (read_there && !d.lease6) return {};
    std::ifstream in(from, std::ios::binary);
    if (!in) return unexpected(Error::system(errno, "NetworkManager: cannot read " + d.profile_file));
    std::stringstream read;
    read << in.rdbuf();
    std::string text = d.lease6 ? profile_with_dhcp6_identity(read.str(), *d.lease6) : read.str();
    if (read_there && text == read.str()) return {};
    if (auto made = make_directories(dir.string()); !made) return made;
    return write_file_atomically(to.string(), text, 0600);
}

std::string profile_with_dhcp6_identity(const std::string& profile, const Lease6Record& lease) {
    // GKeyFile's syntax: a group is "[name]" and a key what stands before
    // '=', both without the blanks around them; a line may end in "\r\n".
    auto trim = [](std::string_view v) {
        while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
        while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
        return v;
    };
    std::string text = profile;
    if (!text.empty() && text.back() != '\n') text += '\n';
    std::optional<std::size_t> body;  // where the [ipv6] group's first key line starts
    bool has_duid = false, has_iaid = false;
    for (std::size_t at = 0; at < text.size();) {
        std::size_t end = text.find('\n', at) + 1;
        std::string_view line = trim(std::string_view(text).substr(at, end - at));
        if (line.starts_with('[')) {
            if (body) break;  // the group ended
            if (line == "[ipv6]") body = end;
        } else if (body) {
            std::string_view key = trim(line.substr(0, line.find('=')));
            has_duid = has_duid || key == "dhcp-duid";
            has_iaid = has_iaid || key == "dhcp-iaid";
        }
        at = end;
    }
    if (!body) {
        text += "\n[ipv6]\n";
        body = text.size();
    }
    std::string add;
    if (!has_duid) add += "dhcp-duid=" + to_hex(lease.client_duid, ':') + "\n";
    if (!has_iaid) add += "dhcp-iaid=" + std::to_string(lease.iaid) + "\n";
    text.insert(*body, add);
    return text;
}

std::string nm_device_state_text(const DeviceRecord& d) {
    std::string out = "# NetworkManager device state, written by earlynet for the real root's NetworkManager\n";
    out += "[device]\n";
    out += "managed=true\n";
    // NetworkManager only assumes a device whose state names its profile.
    key(out, "connection-uuid", d.profile_uuid);
    if (d.kind != "ethernet" && !d.kind.empty())
        out += std::string("nm-owned=") + (d.created ? "true" : "false") + "\n";
    if (d.lease) {
        const LeaseRecord& l = *d.lease;
        if (!l.next_server.is_unspecified()) key(out, "next-server", l.next_server.to_string());
        key(out, "root-path", lease_option_text(l, dhcp::option::kRootPath));
        key(out, "dhcp-bootfile",
            !l.boot_file.empty() ? l.boot_file : lease_option_text(l, dhcp::option::kBootfileName));
        out += "\n" + dhcp4_section(l);
    }
    if (d.lease6) out += "\n" + dhcp6_section(*d.lease6);
    return out;
}

std::string nm_lease_file_text(const DeviceRecord& d) {
    if (!d.lease) return {};
    // What NetworkManager's internal client saves and reads back: only the
    // address, which makes it start in INIT-REBOOT for it.
    return "# This is private data. Do not parse.\nADDRESS=" + d.lease->address.to_string() + "\n";
}

Result<void> export_for_network_manager(const NmPaths& paths, const DeviceRecord& d) {
    if (d.ifindex <= 0) return unexpected(ErrorCode::Invalid, "NetworkManager: " + d.interface + " has no ifindex");
    if (!is_valid_interface_name(d.interface))
        return unexpected(ErrorCode::Invalid, "NetworkManager: '" + d.interface + "' is not an interface name");
    if (d.lease && !d.profile_uuid.empty() && !is_uuid_like(d.profile_uuid))
        return unexpected(ErrorCode::Invalid,
                          "NetworkManager: " + d.interface + ": profile uuid '" + d.profile_uuid + "' is not a UUID");
    const std::string devices = paths.run_dir + "/devices";
    if (auto made = make_directories(devices); !made) return made;
    if (auto r = write_file_atomically(devices + "/" + std::to_string(d.ifindex), nm_device_state_text(d), 0644); !r)
        return r;
    if (d.lease && !d.profile_uuid.empty()) {
        std::string path = paths.run_dir + "/internal-" + d.profile_uuid + "-" + d.interface + ".lease";
        if (auto r = write_file_atomically(path, nm_lease_file_text(d), 0644); !r) return r;
    }
    return export_profile(paths, d);
}

}  // namespace earlynet::state
