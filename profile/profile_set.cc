#include "profile/profile_set.h"

#include <dirent.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "profile/keyfile_reader.h"

namespace earlynet::profile {

namespace {

std::optional<std::string> read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<std::string> profile_files(const std::string& dir) {
    std::vector<std::string> names;
    DIR* d = ::opendir(dir.c_str());
    if (!d) return names;
    const std::string suffix = ".nmconnection";
    while (dirent* e = ::readdir(d)) {
        std::string name = e->d_name;
        if (name.size() > suffix.size() && name[0] != '.' &&
            name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
            names.push_back(name);
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_carrier_timeout(const std::string& conf_text) {
    std::istringstream in(conf_text);
    std::string line;
    const std::string key = "carrier-wait-timeout=";
    std::optional<std::chrono::milliseconds> found;
    while (std::getline(in, line)) {
        if (line.rfind(key, 0) != 0) continue;
        try {
            long ms = std::stol(line.substr(key.size()));
            if (ms >= 0) found = std::chrono::milliseconds(ms);
        } catch (const std::exception&) {
        }
    }
    return found;
}

ProfileSet load_profiles(const ProfileSources& sources) {
    ProfileSet set;
    for (const auto& dir : sources.profile_dirs) {
        for (const auto& name : profile_files(dir)) {
            std::string path = dir + "/" + name;
            auto text = read_text(path);
            if (!text) {
                set.unreadable.push_back(Error::system(errno, path + ": cannot read it"));
                continue;
            }
            std::string basename = name.substr(0, name.size() - std::string(".nmconnection").size());
            auto profile = read_keyfile(*text, basename, path);
            if (!profile) {
                set.unreadable.push_back(profile.error());
                continue;
            }
            set.profiles.push_back({std::move(*profile), path});
        }
    }
    if (auto conf = read_text(sources.run_config_dir + "/15-carrier-timeout.conf"))
        if (auto t = parse_carrier_timeout(*conf)) set.carrier_timeout = *t;
    if (auto host = read_text(sources.initrd_data_dir + "/hostname")) {
        while (!host->empty() && (host->back() == '\n' || host->back() == ' ')) host->pop_back();
        set.hostname = *host;
    }
    return set;
}

}  // namespace earlynet::profile
