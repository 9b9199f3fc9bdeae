// Helpers for the generator's unit tests: run the command line reader on a
// space-separated command line and look profiles up by basename.
#pragma once

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "cmdline/cmdline_reader.h"

namespace earlynet::cmdline::testing {

inline std::vector<std::string> words(const std::string& cmdline) {
    std::istringstream in(cmdline);
    std::vector<std::string> out;
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

inline Result<GeneratedConfig> read(const std::string& cmdline, const std::string& sysfs = "/nonexistent-sysfs",
                                    const std::string& persistent_dir = "") {
    CmdlineReaderOptions options;
    options.sysfs_dir = sysfs;
    options.persistent_dir = persistent_dir;
    return read_kernel_cmdline(words(cmdline), options);
}

inline const profile::Profile* find(const GeneratedConfig& config, const std::string& basename) {
    for (const auto& p : config.profiles)
        if (p.basename == basename) return &p;
    return nullptr;
}

// The error message of a command line that must be rejected ("" if accepted).
inline std::string rejection(const std::string& cmdline) {
    auto r = read(cmdline);
    return r ? std::string() : r.error().message;
}

}  // namespace earlynet::cmdline::testing
