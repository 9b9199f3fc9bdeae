#include "daemon/generate_verb.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "base/log.h"
#include "cmdline/cmdline_fields.h"
#include "cmdline/cmdline_reader.h"
#include "cmdline/generated_output.h"
#include "daemon/logging.h"
#include "daemon/verb_arguments.h"

namespace earlynet::daemon {

int generate_main(const std::vector<std::string>& args) {
    // Everything after "--" is the kernel command line, one word per argument.
    auto dashdash = std::find(args.begin(), args.end(), "--");
    std::vector<std::string> options(args.begin(), dashdash);
    std::optional<std::vector<std::string>> kernel_args;
    if (dashdash != args.end()) kernel_args.emplace(dashdash + 1, args.end());

    CLI::App app{
        "Turn the kernel command line into NetworkManager connection profiles.\n"
        "Reads the arguments after --, or /proc/cmdline when there is no --.",
        "earlynet generate"};
    app.footer("Example: earlynet generate --stdout -- ip=eth0:dhcp rd.route=10.0.0.0/8:192.0.2.1");
    cmdline::OutputDirs dirs;
    cmdline::CmdlineReaderOptions reader_options;
    bool to_stdout = false;
    bool debug = false;
    app.add_flag("-s,--stdout", to_stdout, "Print the profiles instead of writing files");
    app.add_option("-c,--connections-dir", dirs.connections, "Where profiles are written")->capture_default_str();
    app.add_option("-i,--initrd-data-dir", dirs.initrd_data, "Where the hostname file is written")
        ->capture_default_str();
    app.add_option("-r,--run-config-dir", dirs.run_config, "Where configuration snippets are written")
        ->capture_default_str();
    app.add_option("--link-dir", dirs.link_files,
                   "Where ifname= renames are written as systemd .link files (e.g. /run/systemd/network; "
                   "default: not written)");
    app.add_option("-d,--sysfs-dir", reader_options.sysfs_dir, "sysfs mount point (iBFT, MAC addresses)")
        ->capture_default_str();
    app.add_option("-p,--persistent-connections-dir", reader_options.persistent_dir,
                   "If this directory exists, rd.neednet makes no catch-all profile");
    app.add_flag("--debug", debug, "Log debug detail");
    if (auto done = parse_verb_arguments(app, options, 1)) return *done;
    setup_logging(debug ? LogDetail::Debug : LogDetail::Normal);

    if (!kernel_args) {
        std::ifstream in("/proc/cmdline");
        if (!in) {
            spdlog::error("/proc/cmdline: cannot read it");
            return 1;
        }
        std::stringstream ss;
        ss << in.rdbuf();
        kernel_args = cmdline::split_kernel_cmdline(ss.str());
    } else if (kernel_args->empty()) {
        return 0;  // like the reference: no command line, nothing to do
    }

    auto config = cmdline::read_kernel_cmdline(*kernel_args, reader_options);
    if (!config) {
        spdlog::error("{}", config.error().message);
        return 1;
    }
    spdlog::debug("{} profiles", config->profiles.size());

    if (to_stdout) {
        std::string out = cmdline::render_stdout(*config);
        std::fwrite(out.data(), 1, out.size(), stdout);
        return std::fflush(stdout) == 0 ? 0 : 1;
    }
    auto written = cmdline::write_files(cmdline::render_files(*config, dirs));
    if (!written) {
        spdlog::error("{}", written.error().message);
        return 1;
    }
    return 0;
}

}  // namespace earlynet::daemon
