// PacketSocket: DHCP before the interface has an address. An AF_PACKET socket
// on one interface sends broadcasts from 0.0.0.0:68 (the kernel's UDP stack
// cannot send from an address we do not have) and receives replies to port
// 68, which the kernel would not deliver to a UDP socket yet.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/fd.h"
#include "base/ip_address.h"
#include "base/result.h"

namespace earlynet::dhcp {

class PacketSocket {
public:
    // Opens and binds to ifindex, with the BPF filter attached before the
    // bind so that nothing unfiltered is ever queued. A non-empty chaddr (at
    // most 16 bytes) passes only the replies that carry it.
    [[nodiscard]] static Result<PacketSocket> open(IfIndex ifindex, std::span<const std::uint8_t> chaddr = {});

    // An IPv4/UDP broadcast 0.0.0.0:68 -> 255.255.255.255:67, to the link
    // layer broadcast address.
    [[nodiscard]] Result<void> send_broadcast(std::span<const std::uint8_t> dhcp_payload);

    // The DHCP payload of the next queued datagram. Errors: System/EAGAIN
    // when nothing is queued; Malformed (with the reason) for a packet that
    // passed the filter but not the IP/UDP checks — drop it and read on.
    [[nodiscard]] Result<std::vector<std::uint8_t>> receive();

    int fd() const { return fd_.get(); }

private:
    PacketSocket(Fd fd, IfIndex ifindex) : fd_(std::move(fd)), ifindex_(ifindex) {}
    Fd fd_;
    IfIndex ifindex_;
};

}  // namespace earlynet::dhcp
