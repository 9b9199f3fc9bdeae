#include "dhcp/ip_udp.h"

#include <string>

#include "dhcp/wire_reader.h"

namespace earlynet::dhcp {

namespace {

constexpr std::uint8_t kProtocolUdp = 17;
constexpr std::size_t kIpHeaderSize = 20;
constexpr std::size_t kUdpHeaderSize = 8;

// RFC 1071 one's complement sum, folded; `sum` carries a previous partial sum.
std::uint32_t add_to_sum(std::uint32_t sum, std::span<const std::uint8_t> bytes) {
    std::size_t i = 0;
    for (; i + 1 < bytes.size(); i += 2) sum += static_cast<std::uint32_t>(bytes[i] << 8 | bytes[i + 1]);
    if (i < bytes.size()) sum += static_cast<std::uint32_t>(bytes[i] << 8);
    return sum;
}
std::uint16_t fold(std::uint32_t sum) {
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}

std::uint32_t pseudo_header_sum(Ipv4Address source, Ipv4Address destination, std::size_t udp_length) {
    std::uint32_t s = source.host_order(), d = destination.host_order();
    return (s >> 16) + (s & 0xffff) + (d >> 16) + (d & 0xffff) + kProtocolUdp + static_cast<std::uint32_t>(udp_length);
}

Unexpected<Error> malformed(std::string why) {
    return unexpected(ErrorCode::Malformed, std::move(why));
}

}  // namespace

std::vector<std::uint8_t> build_ipv4_udp(Ipv4Address source, std::uint16_t source_port, Ipv4Address destination,
                                         std::uint16_t destination_port, std::span<const std::uint8_t> payload) {
    const std::size_t udp_length = kUdpHeaderSize + payload.size();
    WireWriter w;
    w.u8(0x45);  // version 4, 5 words of header
    w.u8(0);     // DSCP/ECN
    w.u16(static_cast<std::uint16_t>(kIpHeaderSize + udp_length));
    w.u16(0);  // identification
    w.u16(0);  // no flags, offset 0
    w.u8(64);  // TTL
    w.u8(kProtocolUdp);
    w.u16(0);  // header checksum, below
    w.u32(source.host_order());
    w.u32(destination.host_order());
    w.u16(source_port);
    w.u16(destination_port);
    w.u16(static_cast<std::uint16_t>(udp_length));
    w.u16(0);  // UDP checksum, below
    w.bytes(payload);
    std::vector<std::uint8_t> p = w.take();

    std::uint16_t ip_sum = fold(add_to_sum(0, std::span(p).first(kIpHeaderSize)));
    p[10] = static_cast<std::uint8_t>(ip_sum >> 8);
    p[11] = static_cast<std::uint8_t>(ip_sum);
    std::uint16_t udp_sum =
        fold(add_to_sum(pseudo_header_sum(source, destination, udp_length), std::span(p).subspan(kIpHeaderSize)));
    if (udp_sum == 0) udp_sum = 0xffff;  // RFC 768: a computed zero is sent as all ones
    p[kIpHeaderSize + 6] = static_cast<std::uint8_t>(udp_sum >> 8);
    p[kIpHeaderSize + 7] = static_cast<std::uint8_t>(udp_sum);
    return p;
}

Result<UdpDatagram> parse_ipv4_udp(std::span<const std::uint8_t> packet, bool checksum_unverified) {
    WireReader r(packet);
    auto version_ihl = r.u8();
    if (!version_ihl || (*version_ihl >> 4) != 4) return malformed("not IPv4");
    std::size_t header_length = std::size_t{*version_ihl & 0x0fu} * 4;
    if (header_length < kIpHeaderSize || packet.size() < header_length) return malformed("bad IPv4 header length");
    (void)r.u8();
    std::size_t total_length = *r.u16();
    if (total_length < header_length + kUdpHeaderSize || total_length > packet.size())
        return malformed("IPv4 total length " + std::to_string(total_length) + " does not fit the packet");
    packet = packet.first(total_length);  // drop link-layer padding
    if (fold(add_to_sum(0, packet.first(header_length))) != 0) return malformed("bad IPv4 header checksum");
    (void)r.u16();
    std::uint16_t fragment = *r.u16();
    if ((fragment & 0x3fff) != 0) return malformed("IPv4 fragment");
    (void)r.u8();
    if (*r.u8() != kProtocolUdp) return malformed("not UDP");
    (void)r.u16();
    UdpDatagram d;
    d.source = Ipv4Address::from_host(*r.u32());
    d.destination = Ipv4Address::from_host(*r.u32());

    auto udp = packet.subspan(header_length);
    WireReader u(udp);
    d.source_port = *u.u16();
    d.destination_port = *u.u16();
    std::size_t udp_length = *u.u16();
    std::uint16_t checksum = *u.u16();
    if (udp_length < kUdpHeaderSize || udp_length > udp.size())
        return malformed("UDP length " + std::to_string(udp_length) + " does not fit the packet");
    udp = udp.first(udp_length);
    if (checksum != 0 && !checksum_unverified &&
        fold(add_to_sum(pseudo_header_sum(d.source, d.destination, udp_length), udp)) != 0)
        return malformed("bad UDP checksum");
    d.payload = udp.subspan(kUdpHeaderSize);
    return d;
}

}  // namespace earlynet::dhcp
