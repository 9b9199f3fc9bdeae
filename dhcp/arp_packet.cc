#include "dhcp/arp_packet.h"

#include <cstdio>

namespace earlynet::dhcp {

namespace {

std::uint16_t u16(std::span<const std::uint8_t> b, std::size_t at) {
    return static_cast<std::uint16_t>(b[at] << 8 | b[at + 1]);
}

Ipv4Address ip_at(std::span<const std::uint8_t> b, std::size_t at) {
    return Ipv4Address::from_host(static_cast<std::uint32_t>(b[at]) << 24 |
                                  static_cast<std::uint32_t>(b[at + 1]) << 16 |
                                  static_cast<std::uint32_t>(b[at + 2]) << 8 | b[at + 3]);
}

HardwareAddress mac_at(std::span<const std::uint8_t> b, std::size_t at) {
    char text[18];
    std::snprintf(text, sizeof text, "%02x:%02x:%02x:%02x:%02x:%02x", b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4],
                  b[at + 5]);
    return *HardwareAddress::parse(text);
}

void put_ip(std::vector<std::uint8_t>& out, Ipv4Address a) {
    std::uint32_t h = a.host_order();
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(h >> shift));
}

void put_mac(std::vector<std::uint8_t>& out, const HardwareAddress& mac) {
    for (std::size_t i = 0; i < 6; ++i) out.push_back(i < mac.size() ? mac.bytes()[i] : 0);
}

}  // namespace

Result<ArpPacket> parse_arp(std::span<const std::uint8_t> b) {
    if (b.size() < ArpPacket::kSize)
        return unexpected(ErrorCode::Malformed, "ARP: " + std::to_string(b.size()) + " bytes, need 28");
    if (u16(b, 0) != 1) return unexpected(ErrorCode::Malformed, "ARP: hardware type is not Ethernet");
    if (u16(b, 2) != 0x0800) return unexpected(ErrorCode::Malformed, "ARP: protocol type is not IPv4");
    if (b[4] != 6 || b[5] != 4) return unexpected(ErrorCode::Malformed, "ARP: address lengths are not 6 and 4");
    std::uint16_t op = u16(b, 6);
    if (op != 1 && op != 2) return unexpected(ErrorCode::Malformed, "ARP: operation " + std::to_string(op));
    ArpPacket p;
    p.op = static_cast<ArpOp>(op);
    p.sender_mac = mac_at(b, 8);
    p.sender_ip = ip_at(b, 14);
    p.target_mac = mac_at(b, 18);
    p.target_ip = ip_at(b, 24);
    return p;
}

std::vector<std::uint8_t> serialize_arp(const ArpPacket& p) {
    std::vector<std::uint8_t> out{0, 1, 0x08, 0x00, 6, 4, 0, static_cast<std::uint8_t>(p.op)};
    put_mac(out, p.sender_mac);
    put_ip(out, p.sender_ip);
    put_mac(out, p.target_mac);
    put_ip(out, p.target_ip);
    return out;
}

ArpPacket make_probe(const HardwareAddress& mac, Ipv4Address address) {
    return ArpPacket{ArpOp::Request, mac, Ipv4Address(), *HardwareAddress::parse("00:00:00:00:00:00"), address};
}

ArpPacket make_announcement(const HardwareAddress& mac, Ipv4Address address) {
    return ArpPacket{ArpOp::Request, mac, address, *HardwareAddress::parse("00:00:00:00:00:00"), address};
}

}  // namespace earlynet::dhcp
