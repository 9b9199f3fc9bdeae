#include "dhcp/arp_socket.h"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string>

namespace earlynet::dhcp {

namespace {

// The daemon logs the message as it is ("cannot probe 10.0.0.5: ..."), so the
// reason goes in with the step that failed.
Error system_error(int err, const std::string& what) {
    return Error::system(err, "ARP socket: " + what + ": " + std::strerror(err));
}

}  // namespace

Result<ArpSocket> ArpSocket::open(IfIndex ifindex, Ipv4Address watched) {
    // Protocol 0 receives nothing until bind(): a socket opened for
    // ETH_P_ARP would queue ARP from every interface, unfiltered, in the
    // moment before the filter is attached and the socket bound to ours.
    // Filter first, then bind (as n-acd does).
    Fd fd(::socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd) return unexpected(system_error(errno, "socket"));
    // Classic BPF over the ARP payload (SOCK_DGRAM: no link header).
    const std::uint32_t address = watched.host_order();
    const std::array<sock_filter, 13> filter = {{
        BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 0),               // A = hardware type
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 10),       // Ethernet? else drop
        BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 2),               // A = protocol type
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x0800, 0, 8),   // IPv4? else drop
        BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 4),               // A = hardware and protocol address lengths
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x0604, 0, 6),   // 6 and 4? else drop
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 14),              // A = sender IP
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, address, 3, 0),  // the watched address: accept
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 24),              // A = target IP
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, address, 1, 0),  // the watched address (a probe for it): accept
        BPF_STMT(BPF_RET | BPF_K, 0),                        // drop
        BPF_STMT(BPF_RET | BPF_K, 0xffffffff),               // accept the whole packet
        BPF_STMT(BPF_RET | BPF_K, 0),                        // drop (from the type checks)
    }};
    // The jump targets above count from the next instruction: the type checks
    // fall through to their drop at the last instruction, the address matches
    // land on "accept".
    sock_fprog program{static_cast<unsigned short>(filter.size()), const_cast<sock_filter*>(filter.data())};
    if (::setsockopt(fd.get(), SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program) < 0)
        return unexpected(system_error(errno, "attach filter"));
    sockaddr_ll sll{};
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ARP);
    sll.sll_ifindex = ifindex.value;
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&sll), sizeof sll) < 0)
        return unexpected(system_error(errno, "bind to ifindex " + std::to_string(ifindex.value)));
    return ArpSocket(std::move(fd), ifindex);
}

Result<void> ArpSocket::send(const ArpPacket& packet) {
    auto bytes = serialize_arp(packet);
    sockaddr_ll to{};
    to.sll_family = AF_PACKET;
    to.sll_protocol = htons(ETH_P_ARP);
    to.sll_ifindex = ifindex_.value;
    to.sll_halen = 6;
    std::memset(to.sll_addr, 0xff, 6);
    if (::sendto(fd_.get(), bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) < 0)
        return unexpected(system_error(errno, "send"));
    return {};
}

Result<ArpPacket> ArpSocket::receive() {
    std::array<std::uint8_t, 128> buffer{};
    ssize_t n = ::recv(fd_.get(), buffer.data(), buffer.size(), 0);
    if (n < 0) return unexpected(system_error(errno, "receive"));
    return parse_arp(std::span<const std::uint8_t>(buffer.data(), static_cast<std::size_t>(n)));
}

}  // namespace earlynet::dhcp
