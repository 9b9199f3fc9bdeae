#include "cmdline/network_root.h"

namespace earlynet::cmdline {

bool is_network_root(std::string_view value) {
    for (auto exact : {"dhcp", "dhcp6", "nfs", "nfs4", "iscsi", "nbd", "/dev/nfs"})
        if (value == exact) return true;
    for (auto prefix : {"nfs:", "nfs4:", "iscsi:", "nbd:", "cifs:"})
        if (value.substr(0, std::string_view(prefix).size()) == prefix) return true;
    return false;
}

namespace {

// Calls f(word) for each blank-separated word until f returns true.
template <typename F>
bool any_word(std::string_view cmdline, F f) {
    while (!cmdline.empty()) {
        auto start = cmdline.find_first_not_of(" \t\n");
        if (start == std::string_view::npos) break;
        cmdline.remove_prefix(start);
        auto end = cmdline.find_first_of(" \t\n");
        if (f(cmdline.substr(0, end))) return true;
        cmdline.remove_prefix(end == std::string_view::npos ? cmdline.size() : end);
    }
    return false;
}

}  // namespace

bool cmdline_names_network_root(std::string_view cmdline) {
    return any_word(cmdline, [](std::string_view word) {
        for (std::string_view key : {"root=", "netroot="})
            if (word.substr(0, key.size()) == key && is_network_root(word.substr(key.size()))) return true;
        return false;
    });
}

std::string cmdline_bootdev(std::string_view cmdline) {
    std::string last;
    constexpr std::string_view key = "bootdev=";
    any_word(cmdline, [&](std::string_view word) {
        if (word.substr(0, key.size()) == key) last = std::string(word.substr(key.size()));
        return false;
    });
    return last;
}

}  // namespace earlynet::cmdline
