// IPv4 + UDP headers for DHCP over a packet socket: built for what we send
// from 0.0.0.0 before we have an address, checked on what we receive.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/ip_address.h"
#include "base/result.h"

namespace earlynet::dhcp {

inline constexpr std::uint16_t kServerPort = 67;
inline constexpr std::uint16_t kClientPort = 68;

struct UdpDatagram {
    Ipv4Address source;
    Ipv4Address destination;
    std::uint16_t source_port = 0;
    std::uint16_t destination_port = 0;
    std::span<const std::uint8_t> payload;  // points into the packet given to parse_ipv4_udp
};

// An IPv4 packet (TTL 64, DF clear, id 0) carrying one UDP datagram with a
// computed UDP checksum.
std::vector<std::uint8_t> build_ipv4_udp(Ipv4Address source, std::uint16_t source_port, Ipv4Address destination,
                                         std::uint16_t destination_port, std::span<const std::uint8_t> payload);

// Checks, in order: IPv4 version and header length, total length within the
// packet (trailing Ethernet padding is cut), header checksum, not a fragment,
// protocol UDP, UDP length, UDP checksum (skipped when zero, or when the
// kernel says it was never computed: checksum offload on veth and virtio
// delivers locally generated packets with a partial checksum).
Result<UdpDatagram> parse_ipv4_udp(std::span<const std::uint8_t> packet, bool checksum_unverified);

}  // namespace earlynet::dhcp
