#include "daemon/generated_output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/fd.h"
#include "daemon/keyfile_writer.h"

namespace earlynet::daemon {

namespace {

// NetworkManager.conf snippet for the carrier wait. Without rd.net.timeout.carrier
// it applies only to an initrd instance (enable=env:initrd), as the reference's.
std::string carrier_timeout_conf(long seconds) {
    std::string s = "[device-15-carrier-timeout]\nmatch-device=*\ncarrier-wait-timeout=" +
                    std::to_string((seconds != 0 ? seconds : 10) * 1000) + "\n";
    if (seconds == 0) s += "\n[.config]\nenable=env:initrd\n";
    return s;
}

Result<void> make_dirs(const std::string& path) {
    std::string partial;
    for (std::size_t i = 0; i <= path.size(); ++i) {
        if (i == path.size() || (path[i] == '/' && i > 0)) {
            partial = path.substr(0, i);
            if (::mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST)
                return unexpected(Error::system(errno, partial + ": " + std::strerror(errno)));
        }
    }
    return {};
}

Result<void> write_temp(const std::string& path, const std::string& content, unsigned mode) {
    Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode));
    if (!fd) return unexpected(Error::system(errno, path + ": " + std::strerror(errno)));
    if (::fchmod(fd.get(), mode) != 0) return unexpected(Error::system(errno, path + ": " + std::strerror(errno)));
    std::size_t done = 0;
    while (done < content.size()) {
        ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return unexpected(Error::system(errno, path + ": " + std::strerror(errno)));
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0) return unexpected(Error::system(errno, path + ": " + std::strerror(errno)));
    return {};
}

}  // namespace

std::vector<OutputFile> render_files(const GeneratedConfig& config, const OutputDirs& dirs) {
    std::vector<OutputFile> files;
    const char* origin =
        config.carrier_timeout_s == 0 ? "default initrd carrier timeout" : "from \"rd.net.timeout.carrier\"";
    files.push_back({dirs.run_config, "15-carrier-timeout.conf",
                     std::string("# Created by earlynet generate (") + origin + ")\n\n" +
                         carrier_timeout_conf(config.carrier_timeout_s),
                     0644});
    if (config.hostname) files.push_back({dirs.initrd_data, "hostname", *config.hostname + "\n", 0644});
    for (const auto& p : config.profiles)
        files.push_back({dirs.connections, p.basename + ".nmconnection",
                         "# Created by earlynet generate\n\n" + write_keyfile(p), 0600});
    return files;
}

std::string render_stdout(const GeneratedConfig& config) {
    std::string out;
    if (config.hostname) out += "\n*** Hostname '" + *config.hostname + "' ***\n";
    out +=
        "\n*** Configuration '15-carrier-timeout.conf' ***\n\n" + carrier_timeout_conf(config.carrier_timeout_s) + "\n";
    for (const auto& p : config.profiles) out += "\n*** Connection '" + p.basename + "' ***\n\n" + write_keyfile(p);
    return out;
}

Result<void> write_files(const std::vector<OutputFile>& files) {
    std::vector<std::pair<std::string, std::string>> renames;
    auto cleanup = [&] {
        for (const auto& [tmp, final_path] : renames) ::unlink(tmp.c_str());
    };
    for (const auto& f : files) {
        auto made = make_dirs(f.dir);
        if (!made) {
            cleanup();
            return made;
        }
        std::string final_path = f.dir + "/" + f.name;
        std::string tmp = f.dir + "/." + f.name + ".tmp" + std::to_string(::getpid());
        renames.emplace_back(tmp, final_path);
        auto written = write_temp(tmp, f.content, f.mode);
        if (!written) {
            cleanup();
            return written;
        }
    }
    for (const auto& [tmp, final_path] : renames) {
        if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
            int err = errno;
            cleanup();
            return unexpected(Error::system(err, final_path + ": " + std::strerror(err)));
        }
    }
    return {};
}

}  // namespace earlynet::daemon
