// earlynet: one binary, one verb per job (see README.md).
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "daemon/api_verbs.h"
#include "daemon/generate_verb.h"
#include "daemon/run_verb.h"
#include "daemon/status_verb.h"

namespace {

constexpr const char* kUsage =
    "Usage: earlynet VERB [OPTIONS]\n"
    "\n"
    "Early-boot network configuration.\n"
    "\n"
    "Verbs:\n"
    "  generate   kernel command line -> connection profiles (like nm-initrd-generator)\n"
    "  run        bring up every device that has a profile, fire dracut's online hooks\n"
    "  status     show devices, leases and timings (from the running daemon, else /run/earlynet)\n"
    "  renew      have the running daemon renew an interface's DHCP lease now\n"
    "  down       have the running daemon take an interface down\n"
    "  up         have the running daemon activate an interface again (taken down or failed)\n"
    "  wait-online  wait until the network is online\n"
    "\n"
    "Run 'earlynet VERB --help' for the options of a verb.\n";

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
        std::fputs(kUsage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    std::string verb = argv[1];
    std::vector<std::string> args(argv + 2, argv + argc);
    if (verb == "generate") return earlynet::daemon::generate_main(args);
    if (verb == "run") return earlynet::daemon::run_main(args);
    if (verb == "status") return earlynet::daemon::status_main(args);
    if (verb == "renew") return earlynet::daemon::renew_main(args);
    if (verb == "down") return earlynet::daemon::down_main(args);
    if (verb == "up") return earlynet::daemon::up_main(args);
    if (verb == "wait-online") return earlynet::daemon::wait_online_main(args);
    std::fprintf(stderr, "earlynet: unknown verb '%s'\n%s", verb.c_str(), kUsage);
    return 2;
}
