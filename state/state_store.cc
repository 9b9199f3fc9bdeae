#include "state/state_store.h"

#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "base/atomic_file.h"
#include "base/c_handle.h"

namespace earlynet::state {

namespace {

constexpr const char* kSuffix = ".json";

bool has_suffix(const std::string& name, const std::string& suffix) {
    return name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Result<std::string> read_whole_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return unexpected(Error::system(errno, path + ": " + std::strerror(errno)));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return unexpected(Error::system(EIO, path + ": read error"));
    return text.str();
}

}  // namespace

std::string StateStore::path_of(const std::string& interface) const { return directory_ + "/" + interface + kSuffix; }

Result<void> StateStore::write(const DeviceRecord& record) const {
    if (!is_valid_interface_name(record.interface))
        return unexpected(ErrorCode::Invalid, "state: '" + record.interface + "' is not an interface name");
    if (auto made = make_directories(directory_); !made) return made;
    // 0644: `earlynet status` is for anyone in the emergency shell; nothing
    // in a lease is secret that the wire did not already carry in clear.
    return write_file_atomically(path_of(record.interface), device_record_to_json(record), 0644);
}

LoadedState StateStore::load() const {
    LoadedState state;
    CHandle<DIR, closedir> dir(::opendir(directory_.c_str()));
    if (!dir) {
        if (errno != ENOENT)
            state.corrupt.push_back(Error::system(errno, directory_ + ": " + std::strerror(errno)));
        return state;
    }
    std::vector<std::string> names;
    while (const dirent* entry = ::readdir(dir.get())) {
        std::string name = entry->d_name;
        // Hidden names are write_file_atomically's temporaries, never records.
        if (name.empty() || name[0] == '.' || !has_suffix(name, kSuffix)) continue;
        names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
        std::string path = directory_ + "/" + name;
        auto text = read_whole_file(path);
        if (!text) {
            state.corrupt.push_back(text.error());
            continue;
        }
        auto record = device_record_from_json(*text, path);
        if (!record) {
            state.corrupt.push_back(record.error());
            continue;
        }
        // A record must live under its own name, or a renamed copy would
        // shadow the real one.
        if (path != path_of(record->interface)) {
            state.corrupt.push_back(
                Error{ErrorCode::Malformed, path + ": field 'interface': '" + record->interface +
                                                "' does not match the file name"});
            continue;
        }
        state.devices.push_back(std::move(*record));
    }
    // The file names' order is not the names' order: "br-lan.json" sorts
    // before "br.json" ('-' < '.'), while "br" comes before "br-lan".
    std::sort(state.devices.begin(), state.devices.end(),
              [](const DeviceRecord& a, const DeviceRecord& b) { return a.interface < b.interface; });
    return state;
}

}  // namespace earlynet::state
