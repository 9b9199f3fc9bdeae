// What `earlynet generate` produces from a GeneratedConfig: profile keyfiles,
// the carrier-timeout snippet and the host name file, either written to
// directories (atomically, all or nothing) or printed in nm-initrd-generator's
// --stdout layout.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "daemon/cmdline_reader.h"

namespace earlynet::daemon {

struct OutputDirs {
    std::string connections = "/run/earlynet/profiles";
    std::string initrd_data = "/run/earlynet/initrd";
    std::string run_config = "/run/earlynet/conf.d";
};

struct OutputFile {
    std::string dir;
    std::string name;
    std::string content;
    unsigned mode = 0644;
};

// Every file, in a stable order: snippet, hostname, then profiles in creation order.
std::vector<OutputFile> render_files(const GeneratedConfig& config, const OutputDirs& dirs);

// nm-initrd-generator --stdout layout ("*** Connection 'eth0' ***" blocks).
std::string render_stdout(const GeneratedConfig& config);

// Writes all files: each to a temporary name first, then renamed into place, so
// a failure leaves no half-written file behind.
Result<void> write_files(const std::vector<OutputFile>& files);

}  // namespace earlynet::daemon
