#include "dhcp/packet_socket.h"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "dhcp/ip_udp.h"

namespace earlynet::dhcp {

namespace {

// Classic BPF over the IPv4 packet (SOCK_DGRAM: the link header is already
// stripped). Passes BOOTREPLYs to UDP port 68 and, given a chaddr, only those
// that carry it: where many clients share a segment (a rack booting at once,
// one machine with 64 NICs on one switch) every broadcast reply for the others
// is dropped in the kernel instead of waking and being parsed by every client.
// The client checks everything again.
constexpr std::uint32_t kAccept = 0xffffffff;  // the whole packet
constexpr std::uint32_t kBootpOffset = 8;      // after the UDP header, from X
constexpr std::uint32_t kChaddrOffset = kBootpOffset + 28;

std::vector<sock_filter> dhcp_reply_filter(std::span<const std::uint8_t> chaddr) {
    std::vector<sock_filter> f = {
        BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0),                   // A = version/IHL byte
        BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xf0),               // A = version << 4
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x40, 0, 0),         // IPv4? else drop
        BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),                   // A = IP protocol
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 0),  // UDP? else drop
        BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6),                   // A = flags and fragment offset
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x3fff, 0, 0),      // more fragments or an offset: drop
        BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),                  // X = IP header length (4 * IHL)
        BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),                   // A = UDP destination port
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 68, 0, 0),           // to the DHCP client port? else drop
        BPF_STMT(BPF_LD | BPF_B | BPF_IND, kBootpOffset),        // A = BOOTP op
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 2, 0, 0),            // BOOTREPLY? else drop
    };
    // chaddr, four bytes at a time, then two, then one.
    for (std::size_t i = 0; i < chaddr.size();) {
        std::size_t n = chaddr.size() - i >= 4 ? 4 : chaddr.size() - i >= 2 ? 2 : 1;
        std::uint32_t value = 0;
        for (std::size_t k = 0; k < n; ++k) value = value << 8 | chaddr[i + k];
        std::uint16_t size = n == 4 ? BPF_W : n == 2 ? BPF_H : BPF_B;
        f.push_back(BPF_STMT(BPF_LD | size | BPF_IND, static_cast<std::uint32_t>(kChaddrOffset + i)));
        f.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, value, 0, 0));
        i += n;
    }
    f.push_back(BPF_STMT(BPF_RET | BPF_K, kAccept));
    f.push_back(BPF_STMT(BPF_RET | BPF_K, 0));
    // Every test above jumps to the final drop when it fails (JSET: when it holds).
    const std::size_t drop = f.size() - 1;
    for (std::size_t i = 0; i < drop; ++i) {
        sock_filter& s = f[i];
        if (BPF_CLASS(s.code) != BPF_JMP) continue;
        auto to_drop = static_cast<std::uint8_t>(drop - i - 1);
        if (BPF_OP(s.code) == BPF_JSET)
            s.jt = to_drop;
        else
            s.jf = to_drop;
    }
    return f;
}

}  // namespace

Result<PacketSocket> PacketSocket::open(IfIndex ifindex, std::span<const std::uint8_t> chaddr) {
    // Protocol 0 receives nothing until bind(): a socket opened for ETH_P_IP
    // would queue every IPv4 packet of every interface, unfiltered, in the
    // moment before the filter is attached and the socket bound to ours.
    // Filter first, then bind (as the ARP socket and n-dhcp4 do).
    Fd fd(::socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd) return unexpected(Error::system(errno, "packet socket: socket"));
    std::vector<sock_filter> filter = dhcp_reply_filter(chaddr);
    sock_fprog program{static_cast<unsigned short>(filter.size()), filter.data()};
    if (::setsockopt(fd.get(), SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program) < 0)
        return unexpected(Error::system(errno, "packet socket: attach filter"));
    int one = 1;
    // Tells us when a received packet's checksum was never filled in (offload).
    if (::setsockopt(fd.get(), SOL_PACKET, PACKET_AUXDATA, &one, sizeof one) < 0)
        return unexpected(Error::system(errno, "packet socket: PACKET_AUXDATA"));
    sockaddr_ll address{};
    address.sll_family = AF_PACKET;
    address.sll_protocol = htons(ETH_P_IP);
    address.sll_ifindex = ifindex.value;
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) < 0)
        return unexpected(Error::system(errno, "packet socket: bind to ifindex " + std::to_string(ifindex.value)));
    return PacketSocket(std::move(fd), ifindex);
}

Result<void> PacketSocket::send_broadcast(std::span<const std::uint8_t> dhcp_payload) {
    std::vector<std::uint8_t> packet =
        build_ipv4_udp(Ipv4Address{}, kClientPort, Ipv4Address::from_host(0xffffffff), kServerPort, dhcp_payload);
    sockaddr_ll to{};
    to.sll_family = AF_PACKET;
    to.sll_protocol = htons(ETH_P_IP);
    to.sll_ifindex = ifindex_.value;
    to.sll_halen = ETH_ALEN;
    std::memset(to.sll_addr, 0xff, ETH_ALEN);
    if (::sendto(fd_.get(), packet.data(), packet.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) < 0)
        return unexpected(Error::system(errno, "packet socket: send"));
    return {};
}

Result<std::vector<std::uint8_t>> PacketSocket::receive() {
    std::vector<std::uint8_t> buffer(65536);
    iovec iov{buffer.data(), buffer.size()};
    alignas(cmsghdr) std::array<std::uint8_t, CMSG_SPACE(sizeof(tpacket_auxdata))> control{};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.data();
    msg.msg_controllen = control.size();
    ssize_t n = ::recvmsg(fd_.get(), &msg, 0);
    if (n < 0) return unexpected(Error::system(errno, "packet socket: receive"));
    bool checksum_unverified = false;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA) {
            tpacket_auxdata aux{};
            std::memcpy(&aux, CMSG_DATA(c), sizeof aux);
            checksum_unverified = (aux.tp_status & TP_STATUS_CSUMNOTREADY) != 0;
        }
    }
    auto datagram = parse_ipv4_udp(std::span(buffer).first(static_cast<std::size_t>(n)), checksum_unverified);
    if (!datagram) return unexpected(std::move(datagram.error()));
    if (datagram->destination_port != kClientPort) return unexpected(ErrorCode::Malformed, "not to port 68");
    return std::vector<std::uint8_t>(datagram->payload.begin(), datagram->payload.end());
}

}  // namespace earlynet::dhcp
