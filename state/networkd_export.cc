#include "state/networkd_export.h"

#include <algorithm>

#include "base/ascii.h"
#include "base/atomic_file.h"
#include "base/hex.h"

namespace earlynet::state {

namespace {

// ClientIdentifier=mac sends 0x01 followed by the MAC (RFC 2132 9.14), which
// is earlynet's default identifier on Ethernet.
bool is_mac_client_id(const std::vector<std::uint8_t>& id, const std::string& mac_text) {
    auto mac = HardwareAddress::parse(mac_text);
    if (!mac || id.size() != mac->bytes().size() + 1 || id[0] != 0x01) return false;
    return std::equal(mac->bytes().begin(), mac->bytes().end(), id.begin() + 1);
}

// networkd's DUIDType= name of a DUID's type (RFC 8415 11.1).
const char* duid_type_name(const std::vector<std::uint8_t>& duid) {
    if (duid.size() < 3 || duid[0] != 0) return nullptr;
    switch (duid[1]) {
        case 1: return "link-layer-time";
        case 2: return "vendor";
        case 3: return "link-layer";
        case 4: return "uuid";
        default: return nullptr;
    }
}

}  // namespace

std::string networkd_network_name(const DeviceRecord& d) {
    return "10-earlynet-" + d.interface + ".network";
}

std::string networkd_network_text(const DeviceRecord& d) {
    // DHCP whether or not the initrd got a lease (IPv6 alone may have
    // brought the device up): networkd tries again.
    bool dhcp4 = d.ipv4_method == "auto";
    bool static4 = d.ipv4_method == "manual";
    bool dhcp6 = d.ipv6_method == "dhcp";  // without waiting for a router advertisement
    std::string out = "# Written by earlynet: " + d.interface + " as the initrd configured it (profile '" +
                      d.profile_id + "'), kept as it is.\n[Match]\n";
    if (d.kind == "ethernet" && !d.mac.empty())
        out += "MACAddress=" + ascii_lower(d.mac) + "\nType=ether\n";
    else
        out += "Name=" + d.interface + "\n";
    out += "\n[Network]\n";
    // Nothing the initrd configured is flushed when networkd starts or stops.
    out += "KeepConfiguration=yes\n";
    if (dhcp4 || dhcp6) out += std::string("DHCP=") + (dhcp4 && dhcp6 ? "yes" : dhcp4 ? "ipv4" : "ipv6") + "\n";
    if (d.ipv6_method == "auto")
        out += "IPv6AcceptRA=yes\n";
    else if (d.ipv6_method == "disabled")
        out += "IPv6AcceptRA=no\nLinkLocalAddressing=ipv4\n";
    else
        out += "IPv6AcceptRA=no\n";
    for (const auto& a : d.addresses) {
        bool v4 = a.address.is_v4();
        if ((v4 && static4) || (!v4 && d.ipv6_method == "manual")) out += "Address=" + a.to_string() + "\n";
    }
    if (static4 && d.gateway && d.gateway->is_v4()) out += "Gateway=" + d.gateway->to_string() + "\n";
    if (!dhcp4)
        for (const auto& s : d.dns) out += "DNS=" + s.to_string() + "\n";
    if (dhcp4) {
        out += "\n[DHCPv4]\n";
        // No RequestAddress= (networkd 253; Debian 12 has 252, which warns):
        // with KeepConfiguration= networkd asks for the dynamic address it
        // finds on the link (INIT-REBOOT, RFC 2131 3.2) by itself.
        // Without a lease, earlynet's default identifier: 0x01 and the MAC.
        const std::vector<std::uint8_t>* id = d.lease ? &d.lease->client_id : nullptr;
        if (id ? is_mac_client_id(*id, d.mac) : d.kind == "ethernet")
            out += "ClientIdentifier=mac\n";
        else if (id && !id->empty())
            out += "# The lease's client identifier (" + to_hex(*id, ':') +
                   ") has no networkd setting; the server may see another client.\n";
        // A RELEASE when networkd stops (at shutdown) would take the address
        // of a root file system still mounted over it.
        out += "SendRelease=no\n";
    }
    // The DHCPv6 client the server knows: the initrd's DUID and IAID (the
    // real root's machine-id would give networkd another DUID, and the
    // server another address: systemd#9228). networkd then asks for the
    // lease's address again; KeepConfiguration= keeps it meanwhile.
    const char* type = d.lease6 ? duid_type_name(d.lease6->client_duid) : nullptr;
    if (dhcp6 || type) {
        out += "\n[DHCPv6]\n";
        if (dhcp6) out += "WithoutRA=solicit\n";
        if (type) {
            const auto& duid = d.lease6->client_duid;
            out += std::string("DUIDType=") + type + "\n";
            out += "DUIDRawData=" + to_hex(std::span(duid).subspan(2), ':') + "\n";
            out += "IAID=" + std::to_string(d.lease6->iaid) + "\n";
        }
    }
    return out;
}

Result<void> export_for_networkd(const std::string& dir, const DeviceRecord& d) {
    if (!is_valid_interface_name(d.interface))
        return unexpected(ErrorCode::Invalid, "networkd: '" + d.interface + "' is not an interface name");
    if (d.outcome != DeviceOutcome::Activated) return {};
    if (auto made = make_directories(dir); !made) return made;
    return write_file_atomically(dir + "/" + networkd_network_name(d), networkd_network_text(d), 0644);
}

}  // namespace earlynet::state
