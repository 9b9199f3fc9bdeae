#include "profile/uuid.h"

#include <sys/random.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>

#ifndef GRND_INSECURE
#define GRND_INSECURE 0x0004  // <linux/random.h>, Linux 5.6; older glibc lacks the name
#endif

namespace earlynet::profile {

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
    // The cmdline hook runs before the kernel's pool is initialised, and on a
    // machine without RDRAND (qemu TCG) std::random_device would block there
    // until "crng init done", seconds into the boot. Uniqueness is all a
    // profile UUID needs, not secrecy: GRND_INSECURE (Linux 5.6) never blocks;
    // older kernels refuse the flag, and /dev/urandom never blocks either.
    if (::getrandom(b.data(), b.size(), GRND_INSECURE) == static_cast<ssize_t>(b.size())) return format_uuid(b, 4);
    if (std::FILE* f = std::fopen("/dev/urandom", "rbe")) {
        std::size_t got = std::fread(b.data(), 1, b.size(), f);
        std::fclose(f);
        if (got == b.size()) return format_uuid(b, 4);
    }
    // No random source at all: time and address still differ per profile.
    auto t = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    static std::uint64_t counter = 0;
    std::uint64_t mix[2] = {t, reinterpret_cast<std::uintptr_t>(&b) ^ ++counter};
    std::memcpy(b.data(), mix, sizeof mix);
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

}  // namespace earlynet::profile
