// Files that are either entirely old or entirely new: written to a temporary
// name in the same directory, fsync'd, then renamed into place. Used for every
// file earlynet leaves for another program (profiles, state, dracut exports),
// since a reader can run at any moment and a crash must not leave half a file.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "base/fd.h"
#include "base/result.h"

namespace earlynet {

// mkdir -p with mode 0755; existing directories are fine. One mkdir() when
// the directory or its parent exists (every write but the first).
[[nodiscard]] inline Result<void> make_directories(const std::string& path) {
    if (::mkdir(path.c_str(), 0755) == 0 || errno == EEXIST) return {};
    for (std::size_t i = 1; i <= path.size(); ++i) {
        if (i != path.size() && path[i] != '/') continue;
        std::string partial = path.substr(0, i);
        if (::mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST)
            return unexpected(Error::system(errno, partial + ": " + std::strerror(errno)));
    }
    return {};
}

// Writes `content` to `path` (created or truncated, mode applied even when the
// file existed) and fsyncs it. Does not follow a symlink at `path`.
[[nodiscard]] inline Result<void> write_file_synced(const std::string& path, const std::string& content,
                                                    unsigned mode) {
    auto fail = [&](int err) { return unexpected(Error::system(err, path + ": " + std::strerror(err))); };
    Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode));
    if (!fd) return fail(errno);
    if (::fchmod(fd.get(), mode) != 0) return fail(errno);
    std::size_t done = 0;
    while (done < content.size()) {
        ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail(errno);
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0) return fail(errno);
    return {};
}

// The temporary name write_file_atomically uses for `path`: hidden, in the
// same directory (rename must not cross file systems), unique per process.
inline std::string temporary_path_for(const std::string& path) {
    auto slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
    std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    return dir + "." + name + ".tmp" + std::to_string(::getpid());
}

// temp file + fsync + rename: a reader sees the old file or the new one.
[[nodiscard]] inline Result<void> write_file_atomically(const std::string& path, const std::string& content,
                                                        unsigned mode) {
    std::string tmp = temporary_path_for(path);
    auto written = write_file_synced(tmp, content, mode);
    if (!written) {
        ::unlink(tmp.c_str());
        return written;
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        return unexpected(Error::system(err, path + ": " + std::strerror(err)));
    }
    return {};
}

}  // namespace earlynet
