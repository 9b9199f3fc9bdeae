// rd.neednet=<bool>, root=, netroot=: whether the boot needs the network. A
// network root needs it too (dracut turns it into rd.neednet=1; earlynet reads
// it itself). Applied after the pass: every Ethernet profile waits for its
// device, and with none at all the default profile is made, unless the real
// root has persistent profiles (-p).
#include <sys/stat.h>

#include <string>

#include "argument_parsers.h"
#include "cmdline/network_root.h"

namespace earlynet::cmdline {

namespace {

bool is_directory(const std::string& path) {
    struct stat st {};
    return !path.empty() && ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

Result<void> parse_neednet(ReaderContext& ctx, const Argument& arg) {
    auto b = profile::parse_bool(arg.value, true);
    if (!b) return unexpected(arg.error("rd.neednet", arg.value, "is not a boolean"));
    ctx.pending.neednet = *b;
    return {};
}

Result<void> parse_root(ReaderContext& ctx, const Argument& arg) {
    if (is_network_root(arg.value)) ctx.out.network_root = true;
    return {};
}

Result<void> apply_neednet(ReaderContext& ctx) {
    if (!ctx.pending.neednet && !ctx.out.network_root) return {};
    if (!is_directory(ctx.options.persistent_dir) && ctx.profiles.empty()) ctx.profiles.default_profile();
    for (auto& p : ctx.profiles) mark_needed(p);
    return {};
}

}  // namespace earlynet::cmdline
