#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <thread>

#include "daemon/api_client.h"
#include "daemon/api_verbs.h"
#include "daemon/verb_arguments.h"
#include "state/state_store.h"

namespace earlynet::daemon {

namespace {

using namespace std::chrono_literals;

// Online: every named interface activated; with none named, startup is
// complete and some device is activated (systemd-networkd-wait-online's
// rule: all tried, at least one online).
bool is_online(const std::map<std::string, state::DeviceRecord>& devices, bool startup_complete,
               const std::vector<std::string>& wanted) {
    auto activated = [&](const std::string& name) {
        auto it = devices.find(name);
        return it != devices.end() && it->second.outcome == state::DeviceOutcome::Activated;
    };
    if (!wanted.empty()) return std::all_of(wanted.begin(), wanted.end(), activated);
    return startup_complete && std::any_of(devices.begin(), devices.end(), [](const auto& d) {
               return d.second.outcome == state::DeviceOutcome::Activated;
           });
}

}  // namespace

int wait_online_main(const std::vector<std::string>& args) {
    CLI::App app{
        "Wait until the network earlynet configures is online: the named interfaces up, or (none named) "
        "startup complete with at least one device up.",
        "earlynet wait-online"};
    std::vector<std::string> wanted;
    double timeout_s = 120;
    std::string api_socket = kDefaultApiSocket;
    std::string state_dir = "/run/earlynet/state";
    app.add_option("-i,--interface", wanted, "An interface that must be up (repeatable)");
    app.add_option("--timeout", timeout_s, "Give up after this many seconds (0 = never)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    app.add_option("--api-socket", api_socket, "The running daemon's local API")->capture_default_str();
    app.add_option("--state-dir", state_dir, "The state read when earlynet is not running")->capture_default_str();
    if (auto done = parse_verb_arguments(app, args, 2)) return *done;

    bool forever = timeout_s == 0;
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::duration_cast<Duration>(std::chrono::duration<double>(forever ? 0 : timeout_s));
    auto remaining = [&]() -> Duration {
        if (forever) return std::chrono::hours(24 * 365);
        return std::max<Duration>(Duration::zero(),
                                  std::chrono::duration_cast<Duration>(deadline - std::chrono::steady_clock::now()));
    };
    auto timed_out = [&] {
        std::fprintf(stderr, "earlynet: wait-online: not online after %g s\n", timeout_s);
        return 1;
    };
    // Until the daemon listens (it may not have started yet, or has quit
    // already): what it left decides, looked at again every 100 ms.
    std::optional<varlink::Client> client;
    for (;;) {
        auto connected = connect_api(api_socket, 2s);
        if (!connected) {
            std::fprintf(stderr, "earlynet: wait-online: %s\n", connected.error().message.c_str());
            return 1;
        }
        if (*connected) {
            client = std::move(*connected);
            break;
        }
        auto loaded = state::StateStore(state_dir).load();
        std::map<std::string, state::DeviceRecord> devices;
        for (auto& d : loaded.devices) devices[d.interface] = std::move(d);
        if (is_online(devices, true, wanted)) return 0;
        if (remaining() == Duration::zero()) return timed_out();
        std::this_thread::sleep_for(std::min<Duration>(remaining(), 100ms));
    }
    varlink::Call subscribe{"io.earlynet.Network.Subscribe", nlohmann::json::object(), varlink::CallMode::More};
    if (auto sent = client->send(subscribe, 5s); !sent) {
        std::fprintf(stderr, "earlynet: wait-online: %s\n", sent.error().message.c_str());
        return 1;
    }
    std::map<std::string, state::DeviceRecord> devices;
    for (;;) {
        auto reply = client->receive(remaining());
        if (!reply) {
            if (reply.error().code == ErrorCode::Timeout) return timed_out();
            std::fprintf(stderr, "earlynet: wait-online: %s\n", reply.error().message.c_str());
            return 1;
        }
        if (!reply->ok()) {
            std::fprintf(stderr, "earlynet: wait-online: %s\n", describe_error(*reply).c_str());
            return 1;
        }
        auto snapshot = read_snapshot(*reply);
        if (!snapshot) {
            std::fprintf(stderr, "earlynet: wait-online: %s\n", snapshot.error().message.c_str());
            return 1;
        }
        for (auto& d : snapshot->devices) devices[d.interface] = std::move(d);
        if (is_online(devices, snapshot->startup_complete, wanted)) return 0;
        if (!reply->continues) {
            std::fprintf(stderr, "earlynet: wait-online: the daemon ended the subscription\n");
            return 1;
        }
    }
}

}  // namespace earlynet::daemon
