// `earlynet renew|down|up IFACE`: one changing method of the running
// daemon's local API each, for the emergency shell and scripts.
#include <cstdio>
#include <functional>

#include "daemon/api_client.h"
#include "daemon/api_verbs.h"
#include "daemon/verb_arguments.h"

namespace earlynet::daemon {

namespace {

using namespace std::chrono_literals;

struct DeviceVerb {
    const char* name;         // the verb
    const char* description;  // its --help
    const char* method;       // of io.earlynet.Network
};

// Parses IFACE and --api-socket (and what `extra` adds), calls the method,
// and says why it failed. 0 done, 1 refused or earlynet not running, 2 usage.
int call_device_method(const DeviceVerb& verb, const std::vector<std::string>& args,
                       const std::function<void(CLI::App&, nlohmann::json&)>& extra = {}) {
    CLI::App app{verb.description, std::string("earlynet ") + verb.name};
    std::string interface;
    std::string api_socket = kDefaultApiSocket;
    nlohmann::json parameters = nlohmann::json::object();
    app.add_option("interface", interface, "The interface")->required();
    app.add_option("--api-socket", api_socket, "The running daemon's local API")->capture_default_str();
    if (extra) extra(app, parameters);
    if (auto done = parse_verb_arguments(app, args, 2)) return *done;
    parameters["interface"] = interface;
    auto client = connect_api(api_socket, 2s);
    if (!client || !*client) {
        std::fprintf(stderr, "earlynet: %s: earlynet is not running (%s)\n", verb.name,
                     client ? ("nothing listens at " + api_socket).c_str() : client.error().message.c_str());
        return 1;
    }
    auto reply = (*client)->call(std::string("io.earlynet.Network.") + verb.method, parameters, 5s);
    if (!reply) {
        std::fprintf(stderr, "earlynet: %s: %s\n", verb.name, reply.error().message.c_str());
        return 1;
    }
    if (!reply->ok()) {
        std::fprintf(stderr, "earlynet: %s %s: %s\n", verb.name, interface.c_str(), describe_error(*reply).c_str());
        return 1;
    }
    return 0;
}

}  // namespace

int renew_main(const std::vector<std::string>& args) {
    return call_device_method(
        {"renew", "Have the running earlynet renew the DHCP leases (v4 and v6) of an interface now (root only).",
         "Renew"},
        args);
}

int down_main(const std::vector<std::string>& args) {
    bool force = false;
    return call_device_method(
        {"down",
         "Have the running earlynet take an interface down: DHCP stopped, its addresses removed, the link down "
         "(root only).",
         "Down"},
        args, [&](CLI::App& app, nlohmann::json& parameters) {
            app.add_flag("--force", force, "Also when the root file system may be reached through it");
            app.parse_complete_callback([&] { parameters["force"] = force; });
        });
}

int up_main(const std::vector<std::string>& args) {
    return call_device_method(
        {"up", "Have the running earlynet activate an interface again, one taken down or failed (root only).", "Up"},
        args);
}

}  // namespace earlynet::daemon
