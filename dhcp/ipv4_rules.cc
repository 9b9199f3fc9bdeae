#include "dhcp/ipv4_rules.h"

namespace earlynet::dhcp {

std::string subnet_text(Ipv4Address address, int prefix) {
    Ipv4Address network = Ipv4Address::from_host(address.host_order() & Ipv4Address::netmask(prefix).host_order());
    return network.to_string() + "/" + std::to_string(prefix);
}

const char* unusable_reason(Ipv4Address a) {
    std::uint32_t h = a.host_order();
    if ((h >> 24) == 0) return "is in 0.0.0.0/8 (this network)";
    if ((h >> 24) == 127) return "is a loopback address";
    if ((h >> 28) == 0xe) return "is a multicast address";
    if ((h >> 28) == 0xf) return "is a reserved or broadcast address";
    return nullptr;
}

std::optional<std::string> subnet_reason(Ipv4Address a, Ipv4Address address, int prefix) {
    if (prefix > kLongestPrefixWithBroadcast) return std::nullopt;
    std::uint32_t mask = Ipv4Address::netmask(prefix).host_order();
    if (a.host_order() == (address.host_order() & mask))
        return "is the network address of " + subnet_text(address, prefix);
    if (a == address.broadcast(prefix)) return "is the broadcast address of " + subnet_text(address, prefix);
    return std::nullopt;
}

std::optional<std::string> unusable_router(Ipv4Address router, Ipv4Address address, int prefix_length) {
    if (const char* why = unusable_reason(router)) return why;
    if (router == address) return "is the offered address itself";
    return subnet_reason(router, address, prefix_length);
}

std::optional<std::string> unusable_classless_route(const ClasslessRoute& route, Ipv4Address address,
                                                    int prefix_length) {
    // A destination is judged as a prefix: 0.0.0.0/0 (the default route) and
    // 0.0.0.0/1 are not "inside 0/8", 0.0.0.0/8 and 127.0.0.1/32 are. Multicast
    // destinations stay: an on-link route for 224.0.0.0/4 is how a host sends
    // its multicast out of one interface (dracut's parse_option_121 keeps them).
    std::uint32_t destination = route.destination.host_order();
    int block = (destination >> 24) == 0 || (destination >> 24) == 127 ? 8 : (destination >> 28) == 0xf ? 4 : 33;
    if (route.prefix_length >= block) return std::string("the destination ") + unusable_reason(route.destination);
    if (route.gateway.is_unspecified()) return std::nullopt;  // RFC 3442: on-link
    if (auto why = unusable_router(route.gateway, address, prefix_length)) return "the gateway " + *why;
    return std::nullopt;
}

}  // namespace earlynet::dhcp
