// Address and interface vocabulary: IPv4/IPv6 addresses, hardware addresses,
// interface indexes and names. Parsers return std::optional; callers that know
// the context (argument, field) turn a nullopt into an Error.
#pragma once

#include <arpa/inet.h>
#include <net/if.h>

#include <array>
#include <cctype>
#include <compare>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace earlynet {

class Ipv4Address {
public:
    Ipv4Address() = default;
    // From network byte order.
    static Ipv4Address from_network(std::uint32_t be) {
        Ipv4Address a;
        a.be_ = be;
        return a;
    }
    static Ipv4Address from_host(std::uint32_t h) { return from_network(htonl(h)); }

    // Strict dotted quad (inet_pton), as the kernel command line tools accept it.
    static std::optional<Ipv4Address> parse(std::string_view text) {
        std::string s(text);
        in_addr a{};
        if (::inet_pton(AF_INET, s.c_str(), &a) != 1) return std::nullopt;
        return from_network(a.s_addr);
    }

    std::uint32_t network_order() const { return be_; }
    std::uint32_t host_order() const { return ntohl(be_); }
    bool is_unspecified() const { return be_ == 0; }

    std::string to_string() const {
        char buf[INET_ADDRSTRLEN];
        in_addr a{be_};
        ::inet_ntop(AF_INET, &a, buf, sizeof buf);
        return buf;
    }

    // The netmask of a prefix length (0..32; outside is clamped): 24 -> 255.255.255.0.
    static Ipv4Address netmask(int prefix) {
        if (prefix <= 0) return from_host(0);
        return from_host(prefix >= 32 ? 0xffffffffu : ~((1u << (32 - prefix)) - 1));
    }

    // The directed broadcast of this address's subnet: 10.0.0.5/24 -> 10.0.0.255.
    Ipv4Address broadcast(int prefix) const { return from_host(host_order() | ~netmask(prefix).host_order()); }

    // Prefix length of a contiguous netmask, nullopt for 255.0.255.0 and the like.
    std::optional<int> netmask_prefix() const {
        std::uint32_t h = host_order();
        std::uint32_t inverted = ~h;
        if ((inverted & (inverted + 1)) != 0) return std::nullopt;  // ones must be leading
        return __builtin_popcount(h);
    }

    // Classful default prefix (RFC 791 classes), as dracut and NetworkManager use
    // when a static IPv4 address comes without netmask.
    int classful_prefix() const {
        std::uint32_t h = host_order();
        if ((h & 0x80000000u) == 0) return 8;             // class A
        if ((h & 0xC0000000u) == 0x80000000u) return 16;  // class B
        return 24;                                        // class C (and, like the reference, D and E)
    }

    auto operator<=>(const Ipv4Address& o) const { return host_order() <=> o.host_order(); }
    bool operator==(const Ipv4Address& o) const { return be_ == o.be_; }

private:
    std::uint32_t be_ = 0;
};

class Ipv6Address {
public:
    Ipv6Address() = default;
    explicit Ipv6Address(const std::array<std::uint8_t, 16>& bytes) : bytes_(bytes) {}

    static std::optional<Ipv6Address> parse(std::string_view text) {
        std::string s(text);
        in6_addr a{};
        if (::inet_pton(AF_INET6, s.c_str(), &a) != 1) return std::nullopt;
        Ipv6Address r;
        std::memcpy(r.bytes_.data(), &a, 16);
        return r;
    }

    const std::array<std::uint8_t, 16>& bytes() const { return bytes_; }

    std::string to_string() const {
        char buf[INET6_ADDRSTRLEN];
        ::inet_ntop(AF_INET6, bytes_.data(), buf, sizeof buf);
        return buf;
    }

    auto operator<=>(const Ipv6Address&) const = default;

private:
    std::array<std::uint8_t, 16> bytes_{};
};

enum class AddressFamily { V4, V6 };

// An address of either family.
class IpAddress {
public:
    IpAddress(Ipv4Address a) : v_(a) {}  // NOLINT(google-explicit-constructor)
    IpAddress(Ipv6Address a) : v_(a) {}  // NOLINT(google-explicit-constructor)

    // IPv4 dotted quad or IPv6 literal; IPv6 may be given in [brackets].
    static std::optional<IpAddress> parse(std::string_view text) {
        if (text.size() >= 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
        if (auto v4 = Ipv4Address::parse(text)) return IpAddress(*v4);
        if (auto v6 = Ipv6Address::parse(text)) return IpAddress(*v6);
        return std::nullopt;
    }

    AddressFamily family() const { return v_.index() == 0 ? AddressFamily::V4 : AddressFamily::V6; }
    bool is_v4() const { return v_.index() == 0; }
    const Ipv4Address& v4() const { return std::get<0>(v_); }
    const Ipv6Address& v6() const { return std::get<1>(v_); }
    int max_prefix() const { return is_v4() ? 32 : 128; }

    std::string to_string() const { return is_v4() ? v4().to_string() : v6().to_string(); }
    auto operator<=>(const IpAddress&) const = default;

private:
    std::variant<Ipv4Address, Ipv6Address> v_;
};

// Address with prefix length: 192.0.2.2/24, 2001:db8::2/64.
struct IpPrefix {
    IpAddress address;
    int prefix = 0;
    std::string to_string() const { return address.to_string() + "/" + std::to_string(prefix); }
    auto operator<=>(const IpPrefix&) const = default;
};

// A link-layer address: 6 bytes for Ethernet, 20 for InfiniBand.
class HardwareAddress {
public:
    static constexpr std::size_t kEthernetLength = 6;
    static constexpr std::size_t kInfinibandLength = 20;

    // Hex bytes separated by ':' or '-' (one separator style throughout), one or
    // two digits each: 52:54:00:12:34:56, 52-54-00-12-34-56.
    static std::optional<HardwareAddress> parse(std::string_view text) {
        if (text.empty()) return std::nullopt;
        char sep = 0;
        HardwareAddress r;
        std::size_t i = 0;
        while (true) {
            std::size_t digits = 0;
            unsigned value = 0;
            while (i < text.size() && digits < 2 && std::isxdigit(static_cast<unsigned char>(text[i]))) {
                char c = text[i];
                value = value * 16 + static_cast<unsigned>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
                ++digits;
                ++i;
            }
            if (digits == 0 || r.bytes_.size() >= kInfinibandLength) return std::nullopt;
            r.bytes_.push_back(static_cast<std::uint8_t>(value));
            if (i == text.size()) break;
            char c = text[i];
            if (c != ':' && c != '-') return std::nullopt;
            if (sep == 0) sep = c;
            if (c != sep) return std::nullopt;
            if (++i == text.size()) return std::nullopt;
        }
        return r;
    }

    static std::optional<HardwareAddress> parse_ethernet(std::string_view text) {
        auto r = parse(text);
        if (!r || r->size() != kEthernetLength) return std::nullopt;
        return r;
    }

    std::size_t size() const { return bytes_.size(); }
    const std::vector<std::uint8_t>& bytes() const { return bytes_; }

    // Upper-case, colon separated: the canonical form of NetworkManager keyfiles.
    std::string to_string() const {
        static constexpr char kHex[] = "0123456789ABCDEF";
        std::string s;
        for (std::size_t i = 0; i < bytes_.size(); ++i) {
            if (i) s += ':';
            s += kHex[bytes_[i] >> 4];
            s += kHex[bytes_[i] & 0xF];
        }
        return s;
    }

    bool operator==(const HardwareAddress&) const = default;

private:
    std::vector<std::uint8_t> bytes_;
};

// Kernel interface index; a strong type so it is never confused with a count.
struct IfIndex {
    int value = 0;
    auto operator<=>(const IfIndex&) const = default;
};

// The kernel's rule for a network interface name (dev_valid_name): 1..15 bytes,
// not "." or "..", no '/', ':' or whitespace.
inline bool is_valid_interface_name(std::string_view name) {
    if (name.empty() || name.size() >= IFNAMSIZ) return false;
    if (name == "." || name == "..") return false;
    for (char c : name) {
        if (c == '/' || c == ':' || std::isspace(static_cast<unsigned char>(c)) || c == '\0') return false;
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
    }
    return true;
}

}  // namespace earlynet
