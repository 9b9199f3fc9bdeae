// libFuzzer target: the keyfile reader. Input = a .nmconnection file, which
// `run` reads from /run/earlynet/profiles and /run/NetworkManager/system-connections
// (written by us or by nm-initrd-generator, or edited by hand). Whatever it is,
// reading must not crash; a rejection carries a message naming the file. When
// it reads, writing the profile and reading that back gives the same profile
// and the same text (the writer omits only defaults, which the reader fills
// in), and every written line is a group, key=value or blank.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "profile/keyfile_reader.h"
#include "profile/keyfile_writer.h"

namespace {

void require(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "invariant violated: %s\n", what);
        std::abort();
    }
}

bool lines_are_keyfile_lines(std::string_view kf) {
    std::size_t start = 0;
    while (start < kf.size()) {
        std::size_t end = kf.find('\n', start);
        if (end == std::string_view::npos) return false;
        std::string_view line = kf.substr(start, end - start);
        if (!line.empty() && line.front() != '[' && line.find('=') == std::string_view::npos) return false;
        start = end + 1;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 16384) return 0;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto profile = earlynet::profile::read_keyfile(text, "fuzz", "fuzz.nmconnection");
    if (!profile) {
        require(profile.error().message.rfind("fuzz.nmconnection", 0) == 0, "an error names the file");
        return 0;
    }
    std::string kf = earlynet::profile::write_keyfile(*profile);
    require(lines_are_keyfile_lines(kf), "every written line is a group, key=value or blank");
    auto again = earlynet::profile::read_keyfile(kf, "fuzz", "again.nmconnection");
    require(again.has_value(), "a written keyfile reads back");
    require(*again == *profile, "read -> write -> read gives the same profile");
    require(earlynet::profile::write_keyfile(*again) == kf, "writing is deterministic");
    return 0;
}
