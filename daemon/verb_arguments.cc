#include "daemon/verb_arguments.h"

#include <cstdio>

namespace earlynet::daemon {

std::optional<int> parse_verb_arguments(CLI::App& app, const std::vector<std::string>& args, int usage_error_status) {
    try {
        // CLI11 takes a vector as argv in reverse, as it pops from the back.
        std::vector<std::string> reversed(args.rbegin(), args.rend());
        app.parse(reversed);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "%s: %s (see --help)\n", app.get_name().c_str(), e.what());
        return usage_error_status;
    }
    return std::nullopt;
}

}  // namespace earlynet::daemon
