#include "daemon/status_verb.h"

#include <cstdio>

#include "base/clock.h"
#include "daemon/verb_arguments.h"
#include "state/state_store.h"
#include "state/status_render.h"

namespace earlynet::daemon {

int status_main(const std::vector<std::string>& args) {
    CLI::App app{"Show the devices, leases and timings earlynet left in its state directory.", "earlynet status"};
    std::string state_dir = "/run/earlynet/state";
    bool json = false;
    app.add_flag("--json", json, "Machine-readable output");
    app.add_option("--state-dir", state_dir, "Where `earlynet run` wrote its state")->capture_default_str();
    if (auto done = parse_verb_arguments(app, args, 2)) return *done;
    auto loaded = state::StateStore(state_dir).load();
    std::string out =
        json ? state::render_status_json(loaded) : state::render_status_text(loaded, boot_time_now().since_boot);
    std::fwrite(out.data(), 1, out.size(), stdout);
    // Corrupt state is reported, and makes the exit status say so.
    return loaded.corrupt.empty() ? 0 : 1;
}

}  // namespace earlynet::daemon
