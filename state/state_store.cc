#include "state/state_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/atomic_file.h"
#include "base/c_handle.h"
#include "base/fd.h"

namespace earlynet::state {

namespace {

constexpr const char* kSuffix = ".json";

bool has_suffix(const std::string& name, const std::string& suffix) {
    return name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A record is a few KiB; anything far larger is not one, and reading it
// whole would only cost memory.
constexpr off_t kMaxRecordSize = 1 << 20;

// Reads a record without trusting what sits under its name: a FIFO would
// block `earlynet status` forever (O_NONBLOCK, then only a regular file is
// read), a symlink could point anywhere (O_NOFOLLOW: earlynet never makes one).
Result<std::string> read_record_file(const std::string& path) {
    auto fail = [&](int err) { return unexpected(Error::system(err, path + ": " + std::strerror(err))); };
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY));
    if (!fd) return fail(errno);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return fail(errno);
    if (!S_ISREG(st.st_mode)) return unexpected(ErrorCode::Malformed, path + ": not a regular file");
    if (st.st_size > kMaxRecordSize)
        return unexpected(ErrorCode::Malformed,
                          path + ": " + std::to_string(st.st_size) + " bytes, too large for a record");
    std::string text;
    char buffer[8192];
    while (true) {
        ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail(errno);
        }
        if (n == 0) return text;
        text.append(buffer, static_cast<std::size_t>(n));
        if (static_cast<off_t>(text.size()) > kMaxRecordSize)
            return unexpected(ErrorCode::Malformed, path + ": grew while read, too large for a record");
    }
}

// The pid in a temporary's name (".eth0.json.tmp1234" -> 1234), or 0 when the
// name is not one of write_file_atomically's temporaries of a record.
pid_t temporary_writer(const std::string& name) {
    static const std::string kMark = std::string(kSuffix) + ".tmp";
    if (name.size() < 2 || name[0] != '.') return 0;
    auto at = name.rfind(kMark);
    if (at == std::string::npos || at == 1) return 0;
    std::string digits = name.substr(at + kMark.size());
    if (digits.empty() || digits.size() > 9 || digits[0] == '0') return 0;
    pid_t pid = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return 0;
        pid = pid * 10 + (c - '0');
    }
    return pid;
}

}  // namespace

void StateStore::remove_stale_temporaries() const {
    CHandle<DIR, closedir> dir(::opendir(directory_.c_str()));
    if (!dir) return;
    std::vector<std::string> stale;
    while (const dirent* entry = ::readdir(dir.get())) {
        pid_t writer = temporary_writer(entry->d_name);
        // A writer that still runs may be between its write and its rename
        // (another earlynet on the same directory): its file is left alone.
        if (writer > 0 && writer != ::getpid() && ::kill(writer, 0) != 0 && errno == ESRCH)
            stale.push_back(entry->d_name);
    }
    for (const auto& name : stale) ::unlinkat(::dirfd(dir.get()), name.c_str(), 0);
}

std::string StateStore::path_of(const std::string& interface) const {
    return directory_ + "/" + interface + kSuffix;
}

Result<void> StateStore::write(const DeviceRecord& record) const {
    return write_json(record.interface, device_record_to_json(record));
}

Result<void> StateStore::write_json(const std::string& interface, const std::string& json) const {
    if (!is_valid_interface_name(interface))
        return unexpected(ErrorCode::Invalid, "state: '" + interface + "' is not an interface name");
    if (auto made = make_directories(directory_); !made) return made;
    // A writer killed between its temporary and the rename (SIGKILL, power
    // off) leaves the temporary behind; load() never reads it, and each
    // write clears what a dead writer left, so kills do not pile up in /run.
    remove_stale_temporaries();
    // 0644: `earlynet status` is for anyone in the emergency shell; nothing
    // in a lease is secret that the wire did not already carry in clear.
    return write_file_atomically(path_of(interface), json, 0644);
}

LoadedState StateStore::load() const {
    LoadedState state;
    CHandle<DIR, closedir> dir(::opendir(directory_.c_str()));
    if (!dir) {
        if (errno != ENOENT) state.corrupt.push_back(Error::system(errno, directory_ + ": " + std::strerror(errno)));
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
        auto text = read_record_file(path);
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
            state.corrupt.push_back(Error{ErrorCode::Malformed, path + ": field 'interface': '" + record->interface +
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
