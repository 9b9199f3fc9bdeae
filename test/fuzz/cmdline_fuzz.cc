// libFuzzer target: the kernel command line parser. Input = the contents of
// /proc/cmdline. Whatever it is, the reader must not crash; when it accepts the
// input, the result must be coherent: unique basenames, every port's
// controller exists, and every rendered keyfile line is a group, a key=value
// pair or blank (no value can break out of its line), and reading the
// keyfile back gives a profile that writes the same keyfile.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "cmdline/cmdline_fields.h"
#include "cmdline/cmdline_reader.h"
#include "profile/keyfile_reader.h"
#include "profile/keyfile_writer.h"
#include "spdlog/spdlog.h"

namespace {

void require(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "invariant violated: %s\n", what);
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // The reader's warnings (one per odd field) would be most of the work:
    // what is fuzzed is the parsing, not spdlog writing to stderr.
    static const bool quiet = (spdlog::set_level(spdlog::level::off), true);
    (void)quiet;
    if (size > 16384) return 0;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto args = earlynet::cmdline::split_kernel_cmdline(text);
    earlynet::cmdline::CmdlineReaderOptions options;
    options.sysfs_dir = "/nonexistent-earlynet-fuzz-sysfs";
    auto config = earlynet::cmdline::read_kernel_cmdline(args, options);
    if (!config) {
        require(!config.error().message.empty(), "an error has a message");
        return 0;
    }
    std::set<std::string> basenames, uuids;
    for (const auto& p : config->profiles) {
        require(basenames.insert(p.basename).second, "basenames are unique");
        uuids.insert(p.uuid);
    }
    for (const auto& p : config->profiles) {
        require(p.controller.empty() || uuids.count(p.controller), "a port's controller exists");
        std::string kf = earlynet::profile::write_keyfile(p);
        std::size_t start = 0;
        while (start < kf.size()) {
            std::size_t end = kf.find('\n', start);
            require(end != std::string::npos, "keyfile ends with a newline");
            std::string_view line(kf.data() + start, end - start);
            require(line.empty() || line.front() == '[' || line.find('=') != std::string_view::npos,
                    "every keyfile line is a group, key=value or blank");
            start = end + 1;
        }
        // Save and load back: what we write, we read to the same profile.
        auto reread = earlynet::profile::read_keyfile(kf, p.basename, "fuzz");
        require(reread.has_value(), "a written keyfile reads back");
        require(earlynet::profile::write_keyfile(*reread) == kf, "a keyfile read back writes the same text");
    }
    return 0;
}
