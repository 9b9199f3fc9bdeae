#include "dhcp/udp_socket.h"

#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "dhcp/ip_udp.h"

namespace earlynet::dhcp {

Result<UdpSocket> UdpSocket::open(IfIndex ifindex) {
    char name[IF_NAMESIZE] = {};
    if (!::if_indextoname(static_cast<unsigned>(ifindex.value), name))
        return unexpected(Error::system(errno, "udp socket: ifindex " + std::to_string(ifindex.value)));
    Fd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_UDP));
    if (!fd) return unexpected(Error::system(errno, "udp socket: socket"));
    int one = 1;
    if (::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        ::setsockopt(fd.get(), SOL_SOCKET, SO_BROADCAST, &one, sizeof one) < 0 ||
        ::setsockopt(fd.get(), SOL_SOCKET, SO_BINDTODEVICE, name, static_cast<socklen_t>(std::strlen(name))) < 0)
        return unexpected(Error::system(errno, std::string("udp socket: options on ") + name));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(kClientPort);
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) < 0)
        return unexpected(Error::system(errno, std::string("udp socket: bind port 68 on ") + name));
    return UdpSocket(std::move(fd));
}

Result<void> UdpSocket::send(Ipv4Address server, std::span<const std::uint8_t> dhcp_payload) {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(kServerPort);
    to.sin_addr.s_addr = server.network_order();
    if (::sendto(fd_.get(), dhcp_payload.data(), dhcp_payload.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) <
        0)
        return unexpected(Error::system(errno, "udp socket: send to " + server.to_string()));
    return {};
}

Result<std::vector<std::uint8_t>> UdpSocket::receive() {
    std::vector<std::uint8_t> buffer(65536);
    ssize_t n = ::recv(fd_.get(), buffer.data(), buffer.size(), 0);
    if (n < 0) return unexpected(Error::system(errno, "udp socket: receive"));
    buffer.resize(static_cast<std::size_t>(n));
    return buffer;
}

}  // namespace earlynet::dhcp
