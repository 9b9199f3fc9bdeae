#include "cmdline/ibft_reader.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "base/ascii.h"
#include "profile/cmdline_values.h"
#include "profile/uuid.h"

namespace earlynet::cmdline {

namespace {

Error ibft_error(const std::string& mac, const std::string& what) {
    return Error{ErrorCode::Malformed, "iBFT NIC " + mac + ": " + what, 0};
}

}  // namespace

Result<std::map<std::string, IbftNic>> read_ibft(const std::string& sysfs_dir) {
    std::map<std::string, IbftNic> nics;
    std::string dir = sysfs_dir + "/firmware/ibft";
    DIR* d = ::opendir(dir.c_str());
    if (!d) {
        if (errno == ENOENT) return nics;
        return unexpected(Error::system(errno, dir + ": " + std::strerror(errno)));
    }
    std::vector<std::string> entries;
    while (dirent* e = ::readdir(d))
        if (std::strncmp(e->d_name, "ethernet", 8) == 0) entries.emplace_back(e->d_name);
    ::closedir(d);

    for (const auto& entry : entries) {
        std::string nic_dir = dir + "/" + entry;
        DIR* nd = ::opendir(nic_dir.c_str());
        if (!nd) return unexpected(Error::system(errno, nic_dir + ": " + std::strerror(errno)));
        IbftNic nic;
        while (dirent* e = ::readdir(nd)) {
            std::string path = nic_dir + "/" + e->d_name;
            struct stat st {};
            if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
            std::ifstream in(path);
            std::stringstream ss;
            ss << in.rdbuf();
            std::string content = ss.str();
            while (!content.empty() && std::isspace(static_cast<unsigned char>(content.back()))) content.pop_back();
            nic[e->d_name] = content;
        }
        ::closedir(nd);
        auto mac = nic.find("mac");
        if (mac == nic.end()) return unexpected(Error{ErrorCode::Malformed, nic_dir + ": no MAC address", 0});
        nics[ascii_upper(mac->second)] = std::move(nic);
    }
    return nics;
}

Result<void> apply_ibft_nic(const IbftNic& nic, profile::Profile& p) {
    auto get = [&](const char* key) -> std::string {
        auto it = nic.find(key);
        return it == nic.end() ? std::string() : it->second;
    };
    const std::string mac_text = get("mac");
    const std::string vlan_text = get("vlan");
    const std::string ip_text = get("ip-addr");
    const std::string gw_text = get("gateway");

    // VLAN 0 means "no VLAN" in the iBFT.
    std::optional<std::int64_t> vlan_id;
    if (!vlan_text.empty() && vlan_text != "0") {
        vlan_id = profile::parse_int(vlan_text, 1, 4094);
        if (!vlan_id) return unexpected(ibft_error(mac_text, "invalid VLAN id '" + vlan_text + "'"));
    }
    auto mac = HardwareAddress::parse_ethernet(mac_text);
    if (!mac) return unexpected(ibft_error(mac_text, "invalid MAC address '" + mac_text + "'"));

    std::optional<IpAddress> addr = ip_text.empty() ? std::nullopt : IpAddress::parse(ip_text);
    std::optional<IpAddress> gw = gw_text.empty() ? std::nullopt : IpAddress::parse(gw_text);
    const std::optional<IpAddress>& family_from = addr ? addr : gw;
    if (!family_from) return unexpected(ibft_error(mac_text, "invalid IP address '" + ip_text + "'"));
    bool v4 = family_from->is_v4();
    profile::IpSettings& ip = v4 ? p.ipv4 : p.ipv6;
    (v4 ? p.ipv6 : p.ipv4).method = profile::IpMethod::Disabled;

    // origin 3 = DHCP, 4 = router advertisement (iBFT spec, IP prefix origin).
    std::string origin = get("origin");
    if (origin == "3")
        ip.method = v4 ? profile::IpMethod::Auto : profile::IpMethod::Dhcp;
    else if (origin == "4")
        ip.method = profile::IpMethod::Auto;
    else
        ip.method = profile::IpMethod::Manual;
    ip.may_fail = false;

    auto check_family = [&](const char* key, const char* what) -> Result<void> {
        std::string text = get(key);
        if (text.empty()) return {};
        auto a = IpAddress::parse(text);
        if (!a || a->is_v4() != v4)
            return unexpected(ibft_error(mac_text, std::string("invalid ") + what + " '" + text + "'"));
        return {};
    };
    EARLYNET_TRY(check_family("gateway", "IP gateway"));
    EARLYNET_TRY(check_family("primary-dns", "DNS1 address"));
    EARLYNET_TRY(check_family("secondary-dns", "DNS2 address"));
    if (addr) {
        auto prefix = profile::parse_int(get("prefix-len"), 0, addr->max_prefix());
        if (!prefix) return unexpected(ibft_error(mac_text, "invalid IP prefix '" + get("prefix-len") + "'"));
        IpPrefix a{*addr, static_cast<int>(*prefix)};
        if (std::find(ip.addresses.begin(), ip.addresses.end(), a) == ip.addresses.end()) ip.addresses.push_back(a);
        ip.gateway = gw;
    }
    for (const char* key : {"primary-dns", "secondary-dns"}) {
        if (auto d = IpAddress::parse(get(key)))
            if (std::find(ip.dns.begin(), ip.dns.end(), *d) == ip.dns.end()) ip.dns.push_back(*d);
    }

    if (vlan_id) {
        if (!p.vlan) p.vlan.emplace();
        p.vlan->id = static_cast<unsigned>(*vlan_id);
        p.type = profile::ConnectionType::Vlan;
    } else {
        p.type = profile::ConnectionType::Ethernet;
    }
    // For a VLAN the MAC names the parent device.
    p.ethernet_settings().mac_address = mac;
    std::string index = get("index");
    p.id = std::string("iBFT") + (vlan_id ? " VLAN" : "") + " Connection" + (index.empty() ? "" : " " + index);
    p.uuid = profile::name_based_uuid({"ibft", mac_text, vlan_id ? "V" : "v", vlan_text, addr ? "A" : "DHCP", ip_text});
    p.interface_name.clear();
    p.autoconnect_priority = profile::kPriorityFirmware;
    return {};
}

}  // namespace earlynet::cmdline
