#include "daemon/uuid.h"

#include <sys/random.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <random>

namespace earlynet::daemon {

namespace {
std::string format_uuid(std::array<std::uint8_t, 16> b, unsigned version) {
    b[6] = static_cast<std::uint8_t>((b[6] & 0x0F) | (version << 4));
    b[8] = static_cast<std::uint8_t>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
    char buf[37];
    std::snprintf(buf, sizeof buf, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                  b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
    return buf;
}
}  // namespace

std::string random_uuid() {
    std::array<std::uint8_t, 16> b{};
    if (::getrandom(b.data(), b.size(), GRND_NONBLOCK) != static_cast<ssize_t>(b.size())) {
        // Early boot before the pool is initialised: uniqueness is all a profile
        // UUID needs, not secrecy.
        std::random_device rd;
        for (auto& x : b) x = static_cast<std::uint8_t>(rd());
    }
    return format_uuid(b, 4);
}

std::string name_based_uuid(const std::vector<std::string_view>& parts) {
    std::array<std::uint8_t, 16> b{};
    for (int half = 0; half < 2; ++half) {
        std::uint64_t h = 0xcbf29ce484222325ull ^ static_cast<std::uint64_t>(half);
        for (auto part : parts) {
            for (char c : part) h = (h ^ static_cast<std::uint8_t>(c)) * 0x100000001b3ull;
            h = (h ^ 0xFFu) * 0x100000001b3ull;  // separator, so ("ab","c") != ("a","bc")
        }
        for (int i = 0; i < 8; ++i) b[half * 8 + i] = static_cast<std::uint8_t>(h >> (8 * i));
    }
    return format_uuid(b, 8);
}

}  // namespace earlynet::daemon
