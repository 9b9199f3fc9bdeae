#include "cmdline/ofw_reader.h"

#include <arpa/inet.h>
#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "profile/cmdline_values.h"
#include "profile/uuid.h"

namespace earlynet::cmdline {

namespace {

// A string property: up to its terminating NUL.
std::string c_string(const std::string& raw) {
    return raw.substr(0, raw.find('\0'));
}

std::vector<std::string> split_commas(const std::string& text) {
    std::vector<std::string> out;
    if (text.empty()) return out;  // as g_strsplit: no token at all
    std::size_t start = 0;
    while (true) {
        std::size_t comma = text.find(',', start);
        out.push_back(text.substr(start, comma - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

bool starts_with(const std::string& s, const char* prefix) {
    return s.rfind(prefix, 0) == 0;
}

// A textual address as the reference reads it: IPv6 when it has a ':', else
// IPv4 dotted quad, octal and hex parts allowed (255.255.000.000).
std::optional<IpAddress> parse_text_address(const std::string& text) {
    if (text.find(':') != std::string::npos) {
        if (auto v6 = Ipv6Address::parse(text)) return IpAddress(*v6);
        return std::nullopt;
    }
    if (auto v4 = Ipv4Address::parse(text)) return IpAddress(*v4);
    if (text.find_first_not_of("0123456789.x") != std::string::npos) return std::nullopt;
    std::size_t dots = 0;
    for (char c : text) dots += c == '.';
    in_addr a{};
    if (dots != 3 || ::inet_aton(text.c_str(), &a) != 1) return std::nullopt;
    return IpAddress(Ipv4Address::from_network(a.s_addr));
}

// A binary address property: 4 bytes IPv4, 16 bytes IPv6.
std::optional<IpAddress> binary_address(const std::string& raw) {
    if (raw.size() == 4) {
        std::uint32_t be = 0;
        std::memcpy(&be, raw.data(), 4);
        return IpAddress(Ipv4Address::from_network(be));
    }
    if (raw.size() == 16) {
        std::array<std::uint8_t, 16> bytes{};
        std::memcpy(bytes.data(), raw.data(), 16);
        return IpAddress(Ipv6Address(bytes));
    }
    return std::nullopt;
}

std::optional<int> mask_prefix(const IpAddress& mask) {
    if (mask.is_v4()) return mask.v4().netmask_prefix();
    int prefix = 0;
    bool ended = false;
    for (std::uint8_t byte : mask.v6().bytes()) {
        for (int bit = 7; bit >= 0; --bit) {
            bool one = (byte >> bit) & 1;
            if (one && ended) return std::nullopt;
            if (one) ++prefix;
            ended = ended || !one;
        }
    }
    return prefix;
}

bool is_unspecified(const IpAddress& a) {
    return a.is_v4() ? a.v4().is_unspecified() : a.v6() == Ipv6Address();
}

std::string hex_bytes(const std::string& raw) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string s;
    for (unsigned char c : raw) {
        if (!s.empty()) s += ' ';
        s += kHex[c >> 4];
        s += kHex[c & 0xF];
    }
    return s;
}

Error ofw_error(const std::string& file, const std::string& what) {
    return Error{ErrorCode::Malformed, "Open Firmware " + file + ": " + what, 0};
}

// Reads one property file; nullopt when it does not exist.
Result<std::optional<std::string>> read_property(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) return std::optional<std::string>();
        return unexpected(Error::system(errno, path + ": " + std::strerror(errno)));
    }
    std::ifstream in(path, std::ios::binary);
    if (!S_ISREG(st.st_mode) || !in)
        return unexpected(Error{ErrorCode::Malformed, path + ": not a readable device tree property", 0});
    std::stringstream ss;
    ss << in.rdbuf();
    return std::optional<std::string>(ss.str());
}

}  // namespace

Result<profile::Profile> ofw_profile(const OfwProperties& props) {
    const std::string chosen = props.base + "/chosen/";
    const std::string bootpath_file = chosen + "bootpath";
    const std::string bootpath = c_string(props.bootpath);
    const std::size_t colon = bootpath.find(':');
    const std::string device = bootpath.substr(0, colon);
    const std::vector<std::string> tokens =
        split_commas(colon == std::string::npos ? std::string() : bootpath.substr(colon + 1));
    auto bootpath_error = [&](const std::string& what) {
        return unexpected(ofw_error(bootpath_file, what + " (bootpath '" + bootpath + "')"));
    };

    profile::Profile p;
    p.basename = "ofw";
    p.id = "OpenFirmware Connection";
    p.type = profile::ConnectionType::Ethernet;
    p.autoconnect_priority = profile::kPriorityFirmware;
    profile::EthernetSettings& eth = p.ethernet_settings();

    // Device arguments (Open Firmware Device Support Extensions).
    std::size_t i = 0;
    for (; i < tokens.size(); ++i) {
        const std::string& t = tokens[i];
        if (t == "nfs" || t == "last" || t == "promiscuous") continue;
        if (starts_with(t, "speed=")) {
            std::string v = t.substr(6);
            auto speed = v == "auto" ? std::optional<std::int64_t>(0) : profile::parse_int(v, 0, 0xffffffffLL);
            if (!speed) return bootpath_error("speed '" + v + "' is neither auto nor a number of Mbit/s");
            eth.speed = static_cast<unsigned>(*speed);
            continue;
        }
        if (starts_with(t, "duplex=")) {
            std::string v = t.substr(7);
            if (v != "auto" && v != "half" && v != "full")
                return bootpath_error("duplex '" + v + "' is not auto, half or full");
            eth.duplex = v == "auto" ? std::string() : v;
            continue;
        }
        break;
    }
    // Network boot arguments (Open Firmware TFTP Booting Extension).
    bool bootp = false;
    for (; i < tokens.size() && (tokens[i] == "bootp" || tokens[i] == "dhcp" || tokens[i] == "rarp"); ++i) bootp = true;
    auto next = [&]() -> std::optional<std::string> {
        if (i >= tokens.size()) return std::nullopt;
        return tokens[i++];
    };
    if (i < tokens.size() && !starts_with(tokens[i], "/")) ++i;  // siaddr, unless it is already the file name
    next();                                                      // file name
    std::optional<std::string> client_text = next();
    std::optional<std::string> gateway_text = next();
    std::optional<std::string> netmask_text;
    if (i < tokens.size() && tokens[i].find_first_of(".:") != std::string::npos) netmask_text = next();
    next();  // bootp-retries
    next();  // tftp-retries
    if (i < tokens.size()) netmask_text = next();

    bootp = bootp || props.bootp_response;

    std::optional<IpAddress> client;
    std::optional<IpAddress> gateway;
    int prefix = -1;
    if (!bootp) {
        // Binary properties first; the bootpath's text only when there is none.
        std::optional<IpAddress> mask;
        std::optional<bool> v4;
        struct Binary {
            const char* name;
            const std::optional<std::string>& raw;
            std::optional<IpAddress>& out;
        };
        std::optional<IpAddress> binary_gateway;
        for (const Binary& b :
             {Binary{"netmask-ip", props.netmask_ip, mask}, Binary{"gateway-ip", props.gateway_ip, binary_gateway},
              Binary{"client-ip", props.client_ip, client}}) {
            if (!b.raw) continue;
            auto a = binary_address(*b.raw);
            if (!a)
                return unexpected(ofw_error(chosen + b.name, std::to_string(b.raw->size()) + " bytes (" +
                                                                 hex_bytes(*b.raw) +
                                                                 "), not an IPv4 (4) or IPv6 (16) address"));
            if (v4 && *v4 != a->is_v4())
                return unexpected(ofw_error(chosen + b.name, a->to_string() + " is not of the family of the other "
                                                                              "address properties"));
            v4 = a->is_v4();
            b.out = a;
        }
        if (v4) {
            if (props.gateway_ip) gateway = binary_gateway;
            if (client) {
                if (!mask)
                    return unexpected(
                        ofw_error(chosen + "netmask-ip", "missing, for client-ip " + client->to_string()));
                auto mp = mask_prefix(*mask);
                if (!mp || *mp == 0)
                    return unexpected(ofw_error(chosen + "netmask-ip", mask->to_string() + " is not a netmask"));
                prefix = *mp;
            }
        } else if (client_text && !client_text->empty()) {
            client = parse_text_address(*client_text);
            if (!client) return bootpath_error("client address '" + *client_text + "' is not an IP address");
            if (!netmask_text || netmask_text->empty())
                return bootpath_error("no netmask for client address '" + *client_text + "'");
            if (auto n = profile::parse_int(*netmask_text, 1, client->max_prefix())) {
                prefix = static_cast<int>(*n);
            } else {
                auto m = parse_text_address(*netmask_text);
                auto mp = m && m->is_v4() == client->is_v4() ? mask_prefix(*m) : std::nullopt;
                if (!mp || *mp == 0)
                    return bootpath_error("netmask '" + *netmask_text +
                                          "' is neither a netmask nor a prefix length of " +
                                          (client->is_v4() ? "IPv4" : "IPv6"));
                prefix = *mp;
            }
        }
        if (client && !gateway && gateway_text && !gateway_text->empty()) {
            gateway = parse_text_address(*gateway_text);
            if (!gateway || gateway->is_v4() != client->is_v4())
                return bootpath_error("gateway '" + *gateway_text + "' is not an " +
                                      (client->is_v4() ? "IPv4" : "IPv6") + " address");
        }
        if (gateway && is_unspecified(*gateway)) gateway.reset();
    }

    if (!client) {
        // No client address: the firmware got it (or wants it got) dynamically.
        std::string hostname = props.client_name ? c_string(*props.client_name) : std::string();
        p.ipv4.method = profile::IpMethod::Auto;
        p.ipv6.method = profile::IpMethod::Auto;
        p.ipv4.dhcp_hostname = hostname;
        p.ipv6.dhcp_hostname = hostname;
    } else {
        profile::IpSettings& ip = client->is_v4() ? p.ipv4 : p.ipv6;
        (client->is_v4() ? p.ipv6 : p.ipv4).method = profile::IpMethod::Disabled;
        ip.method = profile::IpMethod::Manual;
        ip.addresses.push_back(IpPrefix{*client, prefix});
        ip.gateway = gateway;
    }

    // NetworkManager drops a speed without duplex and the other way round.
    if ((eth.speed != 0) != !eth.duplex.empty()) {
        eth.speed = 0;
        eth.duplex.clear();
    }
    std::optional<HardwareAddress> mac, local_mac;
    for (auto [name, raw, out] : {std::tuple{"mac-address", &props.mac_address, &mac},
                                  std::tuple{"local-mac-address", &props.local_mac_address, &local_mac}}) {
        if (!*raw) continue;
        std::string file = props.base + device + "/" + name;
        if ((*raw)->size() != HardwareAddress::kEthernetLength)
            return unexpected(ofw_error(
                file, std::to_string((*raw)->size()) + " bytes (" + hex_bytes(**raw) + "), not a 6-byte MAC address"));
        std::string text;
        for (unsigned char c : **raw) text += (text.empty() ? "" : ":") + hex_bytes(std::string(1, char(c)));
        *out = HardwareAddress::parse_ethernet(text);
    }
    eth.mac_address = mac;
    if (local_mac && local_mac != mac) eth.cloned_mac_address = local_mac->to_string();

    std::string client_part = client ? IpPrefix{*client, prefix}.to_string() : std::string("dynamic");
    p.uuid = profile::name_based_uuid({"ofw", device, mac ? mac->to_string() : "", client_part});
    return p;
}

Result<std::optional<profile::Profile>> read_ofw(const std::string& sysfs_dir) {
    OfwProperties props;
    props.base = sysfs_dir + "/firmware/devicetree/base";
    const std::string chosen = props.base + "/chosen/";
    auto bootpath = read_property(chosen + "bootpath");
    if (!bootpath) return unexpected(bootpath.error());
    if (!*bootpath) return std::optional<profile::Profile>();
    props.bootpath = **bootpath;
    for (auto [name, out] : {std::pair{"client-name", &props.client_name}, std::pair{"client-ip", &props.client_ip},
                             std::pair{"netmask-ip", &props.netmask_ip}, std::pair{"gateway-ip", &props.gateway_ip}}) {
        auto v = read_property(chosen + name);
        if (!v) return unexpected(v.error());
        *out = std::move(*v);
    }
    struct stat st {};
    props.bootp_response = ::stat((chosen + "bootp-response").c_str(), &st) == 0;

    const std::string bootpath_text = c_string(props.bootpath);
    const std::string device = bootpath_text.substr(0, bootpath_text.find(':'));
    for (auto [name, out] :
         {std::pair{"/mac-address", &props.mac_address}, std::pair{"/local-mac-address", &props.local_mac_address}}) {
        auto v = read_property(props.base + device + name);
        if (!v) return unexpected(v.error());
        *out = std::move(*v);
    }
    auto profile = ofw_profile(props);
    if (!profile) return unexpected(profile.error());
    return std::optional<profile::Profile>(std::move(*profile));
}

}  // namespace earlynet::cmdline
