#include "dhcp/dhcp6_socket.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace earlynet::dhcp {

Result<Dhcp6Socket> Dhcp6Socket::open(IfIndex ifindex) {
    char name[IF_NAMESIZE] = {};
    if (!::if_indextoname(static_cast<unsigned>(ifindex.value), name))
        return unexpected(Error::system(errno, "dhcp6 socket: ifindex " + std::to_string(ifindex.value)));
    Fd fd(::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_UDP));
    if (!fd) return unexpected(Error::system(errno, "dhcp6 socket: socket"));
    int one = 1, hops = 1, zero = 0;
    unsigned index = static_cast<unsigned>(ifindex.value);
    if (::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) < 0 ||
        ::setsockopt(fd.get(), SOL_SOCKET, SO_BINDTODEVICE, name, static_cast<socklen_t>(std::strlen(name))) < 0 ||
        ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_MULTICAST_IF, &index, sizeof index) < 0 ||
        ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops) < 0 ||
        ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &zero, sizeof zero) < 0)
        return unexpected(Error::system(errno, std::string("dhcp6 socket: options on ") + name));
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    address.sin6_port = htons(kDhcp6ClientPort);
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) < 0)
        return unexpected(Error::system(errno, std::string("dhcp6 socket: bind port 546 on ") + name));
    return Dhcp6Socket(std::move(fd), ifindex);
}

Result<void> Dhcp6Socket::send(std::span<const std::uint8_t> payload) {
    sockaddr_in6 to{};
    to.sin6_family = AF_INET6;
    to.sin6_port = htons(kDhcp6ServerPort);
    ::inet_pton(AF_INET6, "ff02::1:2", &to.sin6_addr);
    to.sin6_scope_id = static_cast<std::uint32_t>(ifindex_.value);
    if (::sendto(fd_.get(), payload.data(), payload.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) < 0)
        return unexpected(Error::system(errno, "dhcp6 socket: send to ff02::1:2"));
    return {};
}

Result<std::vector<std::uint8_t>> Dhcp6Socket::receive() {
    std::vector<std::uint8_t> buffer(65536);
    ssize_t n = ::recv(fd_.get(), buffer.data(), buffer.size(), 0);
    if (n < 0) return unexpected(Error::system(errno, "dhcp6 socket: receive"));
    buffer.resize(static_cast<std::size_t>(n));
    return buffer;
}

}  // namespace earlynet::dhcp
