// read_kernel_cmdline: the two passes and the steps after them, in the order
// of nm-initrd-generator (nmi-cmdline-reader.c), so that the same command
// line yields the same profiles. The parsers are in arguments/.
#include "cmdline/cmdline_reader.h"

#include "arguments/argument_parsers.h"
#include "arguments/argument_table.h"
#include "arguments/global_arguments.h"
#include "arguments/reader_context.h"

namespace earlynet::cmdline {

namespace {

using Step = Result<void> (*)(ReaderContext&);

// After the pass: what acts on profiles other arguments made, wherever it
// stands on the command line. The order is the reference's.
constexpr Step kStepsAfterPass[] = {
    disable_ip_of_vlan_parents, apply_bootif, apply_bootdev,          apply_neednet, apply_routes,
    apply_nameservers,          apply_znets,  check_ports_have_no_ip,
};

// NetworkManager's normalisation of what the reader left unset.
void normalize(profile::Profile& p) {
    if (p.bond && !p.bond->options.count("mode")) p.bond->options["mode"] = "balance-rr";
    if (p.type == profile::ConnectionType::Vlan || p.type == profile::ConnectionType::Bridge) p.ethernet_settings();
}

}  // namespace

Result<GeneratedConfig> read_kernel_cmdline(const std::vector<std::string>& args, const CmdlineReaderOptions& options) {
    auto globals = read_global_arguments(args);
    EARLYNET_TRY(globals);
    ReaderContext ctx(options, *globals);
    ctx.out.carrier_timeout_s = globals->carrier_timeout_s;
    for (const auto& word : args) EARLYNET_TRY(dispatch_argument(ctx, word));
    for (Step step : kStepsAfterPass) EARLYNET_TRY(step(ctx));

    for (auto& p : ctx.profiles) normalize(p);
    ctx.out.profiles = ctx.profiles.take();
    return std::move(ctx.out);
}

}  // namespace earlynet::cmdline
