#include "daemon/status_verb.h"

#include <cstdio>
#include <string>

#include "base/clock.h"
#include "daemon/api_client.h"
#include "daemon/verb_arguments.h"
#include "state/state_store.h"
#include "state/status_render.h"

namespace earlynet::daemon {

namespace {

using namespace std::chrono_literals;

// The running daemon's view (Describe); nullopt when no daemon listens.
Result<std::optional<state::LoadedState>> ask_daemon(const std::string& socket_path) {
    auto client = connect_api(socket_path, 2s);
    if (!client) return unexpected(std::move(client.error()));
    if (!*client) return std::optional<state::LoadedState>();
    auto reply = (*client)->call("io.earlynet.Network.Describe", nlohmann::json::object(), 5s);
    if (!reply) return unexpected(std::move(reply.error()));
    if (!reply->ok()) return unexpected(ErrorCode::Invalid, "the daemon answered " + describe_error(*reply));
    auto snapshot = read_snapshot(*reply);
    if (!snapshot) return unexpected(std::move(snapshot.error()));
    state::LoadedState loaded;
    loaded.devices = std::move(snapshot->devices);
    return std::optional<state::LoadedState>(std::move(loaded));
}

}  // namespace

int status_main(const std::vector<std::string>& args) {
    CLI::App app{
        "Show the devices, leases and timings earlynet configured: asked of the running daemon, else read from "
        "the state it left.",
        "earlynet status"};
    std::string state_dir = "/run/earlynet/state";
    std::string api_socket = kDefaultApiSocket;
    bool json = false;
    app.add_flag("--json", json, "Machine-readable output");
    app.add_option("--state-dir", state_dir, "Where `earlynet run` wrote its state")->capture_default_str();
    app.add_option("--api-socket", api_socket, "The running daemon's local API ('' = read the state only)")
        ->capture_default_str();
    if (auto done = parse_verb_arguments(app, args, 2)) return *done;
    std::optional<state::LoadedState> loaded;
    if (!api_socket.empty()) {
        auto asked = ask_daemon(api_socket);
        if (!asked)
            std::fprintf(stderr, "earlynet: status: %s; reading %s instead\n", asked.error().message.c_str(),
                         state_dir.c_str());
        else
            loaded = std::move(*asked);
    }
    if (!loaded) loaded = state::StateStore(state_dir).load();
    std::string out =
        json ? state::render_status_json(*loaded) : state::render_status_text(*loaded, boot_time_now().since_boot);
    std::fwrite(out.data(), 1, out.size(), stdout);
    // Corrupt state is reported, and makes the exit status say so.
    return loaded->corrupt.empty() ? 0 : 1;
}

}  // namespace earlynet::daemon
