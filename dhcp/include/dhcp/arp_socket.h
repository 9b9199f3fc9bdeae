// ArpSocket: ARP on one interface for conflict detection. An AF_PACKET
// socket whose BPF filter passes only Ethernet/IPv4 ARP mentioning the
// watched address (as sender or target), so a busy segment costs no wakeups.
#pragma once

#include <cstdint>
#include <vector>

#include "base/fd.h"
#include "base/ip_address.h"
#include "base/result.h"
#include "dhcp/arp_packet.h"

namespace earlynet::dhcp {

class ArpSocket {
public:
    [[nodiscard]] static Result<ArpSocket> open(IfIndex ifindex, Ipv4Address watched);

    // To the link-layer broadcast address.
    [[nodiscard]] Result<void> send(const ArpPacket& packet);
    // The next queued packet; System/EAGAIN when none; Malformed for one
    // that passed the filter but not parse_arp().
    [[nodiscard]] Result<ArpPacket> receive();

    int fd() const { return fd_.get(); }

private:
    ArpSocket(Fd fd, IfIndex ifindex) : fd_(std::move(fd)), ifindex_(ifindex) {}
    Fd fd_;
    IfIndex ifindex_;
};

}  // namespace earlynet::dhcp
