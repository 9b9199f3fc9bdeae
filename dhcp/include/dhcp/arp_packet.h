// ArpPacket: an Ethernet/IPv4 ARP message (RFC 826), the only kind RFC 5227
// conflict detection reads and writes. parse() takes the ARP payload as an
// AF_PACKET SOCK_DGRAM socket delivers it (link header stripped).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "base/ip_address.h"
#include "base/result.h"

namespace earlynet::dhcp {

enum class ArpOp : std::uint16_t { Request = 1, Reply = 2 };

struct ArpPacket {
    static constexpr std::size_t kSize = 28;  // Ethernet/IPv4 ARP

    ArpOp op = ArpOp::Request;
    HardwareAddress sender_mac;
    Ipv4Address sender_ip;
    HardwareAddress target_mac;
    Ipv4Address target_ip;
    bool operator==(const ArpPacket&) const = default;
};

// Malformed (with the reason) for anything but Ethernet/IPv4 ARP of the
// right length and a request or reply. Trailing padding is allowed.
Result<ArpPacket> parse_arp(std::span<const std::uint8_t> bytes);
std::vector<std::uint8_t> serialize_arp(const ArpPacket& packet);

// RFC 5227 2.1.1: a probe asks for the address from sender IP 0.0.0.0, target MAC zero.
ArpPacket make_probe(const HardwareAddress& mac, Ipv4Address address);
// RFC 5227 2.3: an announcement is a request with sender IP = target IP = the address.
ArpPacket make_announcement(const HardwareAddress& mac, Ipv4Address address);

}  // namespace earlynet::dhcp
