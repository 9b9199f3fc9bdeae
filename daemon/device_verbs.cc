#include <cstdio>

#include "daemon/api_client.h"
#include "daemon/api_verbs.h"
#include "daemon/verb_arguments.h"

namespace earlynet::daemon {

using namespace std::chrono_literals;

int renew_main(const std::vector<std::string>& args) {
    CLI::App app{"Have the running earlynet renew the DHCPv4 lease of an interface now (root only).", "earlynet renew"};
    std::string interface;
    std::string api_socket = kDefaultApiSocket;
    app.add_option("interface", interface, "The interface")->required();
    app.add_option("--api-socket", api_socket, "The running daemon's local API")->capture_default_str();
    if (auto done = parse_verb_arguments(app, args, 2)) return *done;
    auto client = connect_api(api_socket, 2s);
    if (!client || !*client) {
        std::fprintf(stderr, "earlynet: renew: earlynet is not running (%s)\n",
                     client ? ("nothing listens at " + api_socket).c_str() : client.error().message.c_str());
        return 1;
    }
    auto reply = (*client)->call("io.earlynet.Network.Renew", {{"interface", interface}}, 5s);
    if (!reply) {
        std::fprintf(stderr, "earlynet: renew: %s\n", reply.error().message.c_str());
        return 1;
    }
    if (!reply->ok()) {
        std::fprintf(stderr, "earlynet: renew %s: %s\n", interface.c_str(), describe_error(*reply).c_str());
        return 1;
    }
    return 0;
}

}  // namespace earlynet::daemon
