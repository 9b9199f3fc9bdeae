// Dhcp6Socket: DHCPv6 on one interface (RFC 8415 section 7.1): UDP port 546,
// bound to the interface, sending to All_DHCP_Relay_Agents_and_Servers
// (ff02::1:2) port 547 from the link-local address the kernel picks. The
// interface needs a usable (not tentative) link-local address to send.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/fd.h"
#include "base/ip_address.h"
#include "base/result.h"

namespace earlynet::dhcp {

inline constexpr std::uint16_t kDhcp6ClientPort = 546;
inline constexpr std::uint16_t kDhcp6ServerPort = 547;

class Dhcp6Socket {
public:
    // [::]:546 bound to the interface (SO_BINDTODEVICE, SO_REUSEADDR so that
    // clients on several interfaces share the port), multicast out of it.
    [[nodiscard]] static Result<Dhcp6Socket> open(IfIndex ifindex);

    // To ff02::1:2 port 547 on the interface.
    [[nodiscard]] Result<void> send(std::span<const std::uint8_t> payload);
    // The next datagram's payload; System/EAGAIN when none is queued.
    [[nodiscard]] Result<std::vector<std::uint8_t>> receive();

    int fd() const { return fd_.get(); }

private:
    Dhcp6Socket(Fd fd, IfIndex ifindex) : fd_(std::move(fd)), ifindex_(ifindex) {}
    Fd fd_;
    IfIndex ifindex_;
};

}  // namespace earlynet::dhcp
