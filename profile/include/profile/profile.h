// The connection profile: the subset of NetworkManager's connection settings that
// initrd profiles use, typed. Field defaults are NetworkManager's property
// defaults, so the keyfile writer can omit exactly what NetworkManager omits.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/ip_address.h"

namespace earlynet::profile {

enum class ConnectionType { Ethernet, Infiniband, Bond, Bridge, Team, Vlan };
enum class PortType { Bond, Bridge, Team };

// connection.multi-connect (NMConnectionMultiConnect).
enum class MultiConnect { Default = 0, Single = 1, ManualMultiple = 2, Multiple = 3 };

// Ignore and Shared come only from profiles written by NetworkManager itself.
enum class IpMethod { Auto, Dhcp, Manual, LinkLocal, Disabled, Ignore, Shared };

// NetworkManager's autoconnect priorities for generated profiles.
inline constexpr int kPriorityCmdline = -100;
inline constexpr int kPriorityFirmware = -200;
// How long startup waits for a needed device to appear (NMI_WAIT_DEVICE_TIMEOUT_MSEC).
inline constexpr int kWaitDeviceTimeoutMs = 60000;
// How long each family is tried before the other may complete the profile
// (NMI_IP_REQUIRED_TIMEOUT_MSEC).
inline constexpr int kIpRequiredTimeoutMs = 20000;

struct Route {
    IpPrefix destination;
    std::optional<IpAddress> next_hop;
    long metric = -1;
    bool operator==(const Route&) const = default;
};

struct IpSettings {
    IpMethod method = IpMethod::Auto;
    std::vector<IpPrefix> addresses;
    std::optional<IpAddress> gateway;
    std::vector<IpAddress> dns;
    std::vector<Route> routes;
    bool may_fail = true;
    bool ignore_auto_dns = false;
    int dhcp_timeout = 0;       // seconds; 0 = NetworkManager's default
    int required_timeout = -1;  // ms; -1 = unset
    int dad_timeout = -1;       // ipv4.dad-timeout, ms; -1 = default (dhcp::kDefaultProbeTime), 0 = no ACD
    std::string dhcp_hostname;
    std::string dhcp_vendor_class;  // IPv4 only (option 60)
    bool operator==(const IpSettings&) const = default;
};

struct EthernetSettings {
    std::optional<HardwareAddress> mac_address;  // match the device by this MAC
    std::string cloned_mac_address;              // MAC to set, or random/stable/preserve/permanent
    unsigned mtu = 0;                            // 0 = leave as is
    std::optional<bool> auto_negotiate;
    unsigned speed = 0;
    std::string duplex;
    std::string s390_nettype;
    std::vector<std::string> s390_subchannels;
    std::map<std::string, std::string> s390_options;
    bool operator==(const EthernetSettings&) const = default;
};

struct InfinibandSettings {
    std::optional<HardwareAddress> mac_address;
    std::string transport_mode = "datagram";
    int p_key = -1;
    std::string parent;
    bool operator==(const InfinibandSettings&) const = default;
};

struct BondSettings {
    std::map<std::string, std::string> options;  // kernel bonding option -> value
    bool operator==(const BondSettings&) const = default;
};

struct BridgeSettings {
    bool stp = true;
    bool operator==(const BridgeSettings&) const = default;
};

struct VlanSettings {
    std::string parent;
    unsigned id = 0;
    unsigned flags = 1;  // REORDER_HEADERS, NetworkManager's normalised default
    bool operator==(const VlanSettings&) const = default;
};

struct Profile {
    // File name without extension: interface name, MAC, default_connection ...
    std::string basename;

    std::string id;
    std::string uuid;
    ConnectionType type = ConnectionType::Ethernet;
    std::string interface_name;
    std::string controller;  // uuid of the bond/bridge/team profile, when a port
    std::optional<PortType> port_type;
    int autoconnect_priority = 0;
    int autoconnect_retries = -1;
    MultiConnect multi_connect = MultiConnect::Default;
    int wait_device_timeout = -1;  // ms

    // Type settings present in the profile (NetworkManager writes an empty
    // [ethernet] group for Ethernet, bridge and VLAN profiles).
    std::optional<EthernetSettings> ethernet;
    std::optional<InfinibandSettings> infiniband;
    std::optional<BondSettings> bond;
    std::optional<BridgeSettings> bridge;
    bool team = false;
    std::optional<VlanSettings> vlan;

    IpSettings ipv4;
    IpSettings ipv6;

    bool is_port() const { return port_type.has_value(); }
    bool operator==(const Profile&) const = default;
    EthernetSettings& ethernet_settings() {
        if (!ethernet) ethernet.emplace();
        return *ethernet;
    }
};

const char* to_string(ConnectionType t);
const char* to_string(PortType t);
// NetworkManager's method names differ by family ("disabled" both; "dhcp" only v6).
const char* to_string(IpMethod m);

}  // namespace earlynet::profile
