// What `earlynet generate` produces from a GeneratedConfig: profile keyfiles,
// the carrier-timeout snippet, the host name file and (with a link directory)
// a systemd .link file per ifname= rename, either written to
// directories (atomically, all or nothing) or printed in nm-initrd-generator's
// --stdout layout.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "cmdline/cmdline_reader.h"

namespace earlynet::cmdline {

struct OutputDirs {
    std::string connections = "/run/earlynet/profiles";
    std::string initrd_data = "/run/earlynet/initrd";
    std::string run_config = "/run/earlynet/conf.d";
    // Where ifname= renames become .link files (/run/systemd/network, read by
    // udev in the initrd and, after switch_root, in the real root, whose
    // names would otherwise be lost); empty = none written.
    std::string link_files;
};

// ifname=NAME:MAC as udev's .link file: matched by MAC, named NAME.
std::string link_file_name(const InterfaceRename& rename);
std::string link_file_text(const InterfaceRename& rename);

struct OutputFile {
    std::string dir;
    std::string name;
    std::string content;
    unsigned mode = 0644;
};

// Every file, in a stable order: snippet, hostname, profiles in creation
// order, then .link files.
std::vector<OutputFile> render_files(const GeneratedConfig& config, const OutputDirs& dirs);

// nm-initrd-generator --stdout layout ("*** Connection 'eth0' ***" blocks).
std::string render_stdout(const GeneratedConfig& config);

// Writes all files: each to a temporary name first, then renamed into place, so
// a failure leaves no half-written file behind.
Result<void> write_files(const std::vector<OutputFile>& files);

}  // namespace earlynet::cmdline
