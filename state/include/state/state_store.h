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

    // Creates the directory when missing; clears the temporaries that writers
    // killed mid-write left (remove_stale_temporaries).
    [[nodiscard]] Result<void> write(const DeviceRecord& record) const;
    // The same with the record already rendered (device_record_to_json).
    [[nodiscard]] Result<void> write_json(const std::string& interface, const std::string& json) const;
    // Every *.json in the directory; a missing directory is an empty state.
    // Only regular files are read (never a FIFO, which would block, nor a
    // symlink), up to 1 MiB; anything else is reported in `corrupt`.
    LoadedState load() const;
    // Unlinks ".NAME.json.tmpPID" files whose writer PID no longer runs: what
    // a SIGKILL between write_file_atomically's create and rename leaves.
    // Best effort, silent: a temporary is never read as a record anyway.
    void remove_stale_temporaries() const;

private:
    std::string directory_;
};

}  // namespace earlynet::state
