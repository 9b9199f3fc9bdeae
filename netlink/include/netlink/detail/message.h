// Internal to netlink/: building and reading rtnetlink messages with libmnl.
// Public netlink/ headers never include this file, so libmnl stays an
// implementation detail of the .cc files.
#pragma once

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/ip_address.h"

namespace earlynet::netlink::detail {

// One request message in an owned, zeroed buffer. The size bounds every request
// netlink/ builds (the largest, a bond with 16 ARP and 16 NS targets, is under
// 1 KiB), so the unchecked libmnl put functions cannot overrun it.
class Message {
public:
    static constexpr std::size_t kCapacity = 4096;

    Message(std::uint16_t type, std::uint16_t flags) : buf_(kCapacity) {
        nlh_ = mnl_nlmsg_put_header(buf_.data());
        nlh_->nlmsg_type = type;
        nlh_->nlmsg_flags = static_cast<std::uint16_t>(NLM_F_REQUEST | flags);
    }
    Message(const Message&) = delete;
    Message& operator=(const Message&) = delete;

    template <typename T>
    T* put_header() {
        return static_cast<T*>(mnl_nlmsg_put_extra_header(nlh_, sizeof(T)));
    }
    void put_u8(std::uint16_t type, std::uint8_t v) { mnl_attr_put_u8(nlh_, type, v); }
    void put_u16(std::uint16_t type, std::uint16_t v) { mnl_attr_put_u16(nlh_, type, v); }
    void put_u32(std::uint16_t type, std::uint32_t v) { mnl_attr_put_u32(nlh_, type, v); }
    void put_str(std::uint16_t type, const std::string& s) { mnl_attr_put_strz(nlh_, type, s.c_str()); }
    void put_bytes(std::uint16_t type, const void* data, std::size_t len) { mnl_attr_put(nlh_, type, len, data); }
    void put_address(std::uint16_t type, const IpAddress& a) {
        if (a.is_v4()) {
            std::uint32_t be = a.v4().network_order();
            put_bytes(type, &be, sizeof be);
        } else {
            put_bytes(type, a.v6().bytes().data(), 16);
        }
    }
    nlattr* nest_start(std::uint16_t type) { return mnl_attr_nest_start(nlh_, type); }
    void nest_end(nlattr* nest) { mnl_attr_nest_end(nlh_, nest); }

    nlmsghdr* header() { return nlh_; }

private:
    std::vector<std::byte> buf_;
    nlmsghdr* nlh_ = nullptr;
};

// Attributes of one message or nest, indexed by type; absent ones are null.
// Types above Max are ignored (a newer kernel than our headers).
template <std::size_t Max>
class Attributes {
public:
    Attributes() { table_.fill(nullptr); }

    // Attributes following a fixed header of header_len bytes in a message.
    static Attributes of_message(const nlmsghdr& nlh, std::size_t header_len) {
        Attributes a;
        mnl_attr_parse(&nlh, static_cast<unsigned>(header_len), &Attributes::store, &a);
        return a;
    }
    static Attributes of_nest(const nlattr* nest) {
        Attributes a;
        if (nest) mnl_attr_parse_nested(nest, &Attributes::store, &a);
        return a;
    }

    const nlattr* operator[](std::size_t type) const { return type <= Max ? table_[type] : nullptr; }

    std::optional<std::uint8_t> u8(std::size_t type) const {
        const nlattr* a = (*this)[type];
        if (!a || mnl_attr_get_payload_len(a) < 1) return std::nullopt;
        return mnl_attr_get_u8(a);
    }
    std::optional<std::uint16_t> u16(std::size_t type) const {
        const nlattr* a = (*this)[type];
        if (!a || mnl_attr_get_payload_len(a) < 2) return std::nullopt;
        return mnl_attr_get_u16(a);
    }
    std::optional<std::uint32_t> u32(std::size_t type) const {
        const nlattr* a = (*this)[type];
        if (!a || mnl_attr_get_payload_len(a) < 4) return std::nullopt;
        return mnl_attr_get_u32(a);
    }
    std::optional<std::string> str(std::size_t type) const {
        const nlattr* a = (*this)[type];
        if (!a) return std::nullopt;
        const char* p = static_cast<const char*>(mnl_attr_get_payload(a));
        return std::string(p, strnlen(p, mnl_attr_get_payload_len(a)));
    }
    // An address of the given family; nullopt when absent or of the wrong size.
    std::optional<IpAddress> address(std::size_t type, int family) const {
        const nlattr* a = (*this)[type];
        if (!a) return std::nullopt;
        const auto* p = static_cast<const std::uint8_t*>(mnl_attr_get_payload(a));
        std::size_t len = mnl_attr_get_payload_len(a);
        if (family == AF_INET && len == 4) {
            std::uint32_t be;
            std::memcpy(&be, p, 4);
            return IpAddress(Ipv4Address::from_network(be));
        }
        if (family == AF_INET6 && len == 16) {
            std::array<std::uint8_t, 16> bytes;
            std::memcpy(bytes.data(), p, 16);
            return IpAddress(Ipv6Address(bytes));
        }
        return std::nullopt;
    }

private:
    static int store(const nlattr* attr, void* data) {
        auto* self = static_cast<Attributes*>(data);
        std::uint16_t type = mnl_attr_get_type(attr);
        if (type <= Max) self->table_[type] = attr;
        return MNL_CB_OK;
    }
    std::array<const nlattr*, Max + 1> table_;
};

inline int to_kernel_family(AddressFamily f) {
    return f == AddressFamily::V4 ? AF_INET : AF_INET6;
}

}  // namespace earlynet::netlink::detail
