// What the argument parsers share while one command line is read: the
// profiles being built, the settings of the first pass, the output beside the
// profiles, and what the pass records for the steps after it. Plain data: the
// operations are the parsers (argument_parsers.h) and ProfileTable's.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "argument.h"
#include "cmdline/cmdline_reader.h"
#include "global_arguments.h"
#include "ip_kind.h"
#include "profile_table.h"

namespace earlynet::cmdline {

// Recorded by the pass, applied after it in the order of cmdline_reader.cc:
// these arguments act on profiles other arguments make, wherever they stand.
struct PendingArguments {
    std::vector<std::pair<std::string, Argument>> vlan_parents;  // vlan=: each parent once, first vlan= naming it
    std::optional<Argument> bootif;                              // the last BOOTIF=
    bool bootif_ignored = false;                                 // rd.bootif=0
    std::optional<Argument> bootdev;                             // the last bootdev=
    bool neednet = false;                                        // rd.neednet=1
    std::vector<Argument> routes;                                // rd.route=
    std::vector<std::pair<Argument, IpAddress>> nameservers;     // nameserver=
    std::vector<Argument> znets;                                 // rd.znet=
    struct ZnetName {
        std::string ifname;
        Argument argument;
    };
    std::map<std::string, ZnetName, std::less<>> znet_names;  // rd.znet_ifname=: subchannels -> name
};

// What the ip= arguments asked so far, to catch contradictions between them.
struct IpHistory {
    // profile basename -> the first ip= that configured it
    std::map<std::string, std::string_view, std::less<>> explicit_ip;
    // profile basename -> method of the first ip= without a static address
    std::map<std::string, std::pair<IpKind, std::string_view>, std::less<>> dynamic_kind;
};

struct ReaderContext {
    ReaderContext(const CmdlineReaderOptions& reader_options, const GlobalSettings& global_settings)
        : options(reader_options), globals(global_settings), profiles(global_settings.profile_defaults) {}

    const CmdlineReaderOptions& options;
    const GlobalSettings& globals;
    ProfileTable profiles;
    GeneratedConfig out;  // hostname, renames, network_root; the profiles at the end
    PendingArguments pending;
    IpHistory ip_history;
};

}  // namespace earlynet::cmdline
