#include "netlink/ipv6_sysctl.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "base/fd.h"
#include "base/ip_address.h"

namespace earlynet::netlink::ipv6_sysctl {

namespace {

Result<std::string> path_of(std::string_view ifname, std::string_view knob) {
    if (!is_valid_interface_name(ifname))
        return unexpected(ErrorCode::Invalid, "ipv6 sysctl " + std::string(knob) + ": '" + std::string(ifname) +
                                                  "' is not a valid interface name");
    return "/proc/sys/net/ipv6/conf/" + std::string(ifname) + "/" + std::string(knob);
}

Result<void> write_knob(std::string_view ifname, std::string_view knob, long value) {
    auto path = path_of(ifname, knob);
    if (!path) return unexpected(std::move(path.error()));
    std::string what = "set ipv6 " + std::string(knob) + " " + std::string(ifname) + " to " + std::to_string(value);
    Fd fd(::open(path->c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd) return unexpected(Error::system(errno, what + ": " + std::strerror(errno)));
    std::string text = std::to_string(value) + "\n";
    // A sysctl write is taken whole or refused (EINVAL for an out-of-range value).
    ssize_t n = ::write(fd.get(), text.data(), text.size());
    if (n < 0) return unexpected(Error::system(errno, what + ": " + std::strerror(errno)));
    return {};
}

}  // namespace

Result<void> set_disable_ipv6(std::string_view ifname, bool disabled) {
    return write_knob(ifname, "disable_ipv6", disabled ? 1 : 0);
}
Result<void> set_accept_ra(std::string_view ifname, AcceptRa value) {
    return write_knob(ifname, "accept_ra", static_cast<int>(value));
}
Result<void> set_autoconf(std::string_view ifname, bool enabled) {
    return write_knob(ifname, "autoconf", enabled ? 1 : 0);
}
Result<void> set_addr_gen_mode(std::string_view ifname, AddrGenMode mode) {
    return write_knob(ifname, "addr_gen_mode", static_cast<int>(mode));
}
Result<void> set_dad_transmits(std::string_view ifname, std::uint32_t count) {
    return write_knob(ifname, "dad_transmits", count);
}

Result<int> get(std::string_view ifname, std::string_view knob) {
    if (knob.empty() || knob.find('/') != std::string_view::npos || knob.find("..") != std::string_view::npos)
        return unexpected(ErrorCode::Invalid, "ipv6 sysctl '" + std::string(knob) + "': not a knob name");
    auto path = path_of(ifname, knob);
    if (!path) return unexpected(std::move(path.error()));
    std::string what = "get ipv6 " + std::string(knob) + " " + std::string(ifname);
    Fd fd(::open(path->c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return unexpected(Error::system(errno, what + ": " + std::strerror(errno)));
    char buf[32] = {};
    ssize_t n = ::read(fd.get(), buf, sizeof buf - 1);
    if (n < 0) return unexpected(Error::system(errno, what + ": " + std::strerror(errno)));
    char* end = nullptr;
    long v = std::strtol(buf, &end, 10);
    if (end == buf) return unexpected(ErrorCode::Malformed, what + ": '" + std::string(buf) + "' is not a number");
    return static_cast<int>(v);
}

}  // namespace earlynet::netlink::ipv6_sysctl
