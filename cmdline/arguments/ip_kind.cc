#include "ip_kind.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "cmdline/cmdline_fields.h"

namespace earlynet::cmdline {

namespace {

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

bool contains(const std::vector<IpKind>& kinds, IpKind k) {
    return std::find(kinds.begin(), kinds.end(), k) != kinds.end();
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
        if (!contains(kinds, *k)) kinds.push_back(*k);
    }
    if (contains(kinds, IpKind::Auto)) return IpKind::Auto;
    if (kinds.size() == 1) return kinds.front();
    if (kinds.size() == 2 && contains(kinds, IpKind::Dhcp) && contains(kinds, IpKind::Dhcp6)) return IpKind::Dhcp4Auto6;
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

}  // namespace earlynet::cmdline
