#include "profile/profile.h"

namespace earlynet::profile {

const char* to_string(ConnectionType t) {
    switch (t) {
        case ConnectionType::Ethernet: return "ethernet";
        case ConnectionType::Infiniband: return "infiniband";
        case ConnectionType::Bond: return "bond";
        case ConnectionType::Bridge: return "bridge";
        case ConnectionType::Team: return "team";
        case ConnectionType::Vlan: return "vlan";
    }
    return "?";
}

const char* to_string(PortType t) {
    switch (t) {
        case PortType::Bond: return "bond";
        case PortType::Bridge: return "bridge";
        case PortType::Team: return "team";
    }
    return "?";
}

const char* to_string(IpMethod m) {
    switch (m) {
        case IpMethod::Auto: return "auto";
        case IpMethod::Dhcp: return "dhcp";
        case IpMethod::Manual: return "manual";
        case IpMethod::LinkLocal: return "link-local";
        case IpMethod::Disabled: return "disabled";
        case IpMethod::Ignore: return "ignore";
        case IpMethod::Shared: return "shared";
    }
    return "?";
}

}  // namespace earlynet::profile
