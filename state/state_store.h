// StateStore: the directory of records (default /run/earlynet/state), one
// DEVICE.json per interface, each replaced atomically (temp + fsync + rename)
// so a reader — `earlynet status`, the real root after switch_root — never
// sees half a file.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "state/device_record.h"

namespace earlynet::state {

struct LoadedState {
    std::vector<DeviceRecord> devices;  // sorted by interface name
    std::vector<Error> corrupt;         // one per file that could not be trusted
};

class StateStore {
public:
    explicit StateStore(std::string directory) : directory_(std::move(directory)) {}

    const std::string& directory() const { return directory_; }
    std::string path_of(const std::string& interface) const;

    // Creates the directory when missing.
    [[nodiscard]] Result<void> write(const DeviceRecord& record) const;
    // Every *.json in the directory; a missing directory is an empty state.
    LoadedState load() const;

private:
    std::string directory_;
};

}  // namespace earlynet::state
