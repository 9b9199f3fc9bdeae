// UdpSocket: DHCP once the interface has its address (RENEWING, REBINDING,
// RELEASE): port 68 on one interface, unicast to the server or broadcast.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/fd.h"
#include "base/ip_address.h"
#include "base/result.h"

namespace earlynet::dhcp {

class UdpSocket {
public:
    // Binds 0.0.0.0:68 to the interface (SO_BINDTODEVICE), with SO_REUSEADDR
    // so that clients on several interfaces share the port.
    [[nodiscard]] static Result<UdpSocket> open(IfIndex ifindex);

    // To server:67; 255.255.255.255 broadcasts on the bound interface.
    [[nodiscard]] Result<void> send(Ipv4Address server, std::span<const std::uint8_t> dhcp_payload);
    // The next datagram's payload; System/EAGAIN when none is queued.
    [[nodiscard]] Result<std::vector<std::uint8_t>> receive();

    int fd() const { return fd_.get(); }

private:
    explicit UdpSocket(Fd fd) : fd_(std::move(fd)) {}
    Fd fd_;
};

}  // namespace earlynet::dhcp
