// Bytes as lower-case hex: "52540012abcd" (a state file's raw option), or
// with a separator, "52:54:00:12:ab:cd" (a client identifier for a person,
// dhclient's and NetworkManager's form of an opaque option).
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace earlynet {

inline std::string to_hex(std::span<const std::uint8_t> bytes, char separator = '\0') {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 3);
    for (std::uint8_t b : bytes) {
        if (separator != '\0' && !out.empty()) out += separator;
        out += kDigits[b >> 4];
        out += kDigits[b & 15];
    }
    return out;
}

}  // namespace earlynet
