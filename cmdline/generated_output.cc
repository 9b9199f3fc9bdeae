#include "cmdline/generated_output.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/ascii.h"
#include "base/atomic_file.h"
#include "profile/keyfile_writer.h"

namespace earlynet::cmdline {

namespace {

// NetworkManager.conf snippet for the carrier wait. Without rd.net.timeout.carrier
// it applies only to an initrd instance (enable=env:initrd), as the reference's.
std::string carrier_timeout_conf(long seconds) {
    std::string s = "[device-15-carrier-timeout]\nmatch-device=*\ncarrier-wait-timeout=" +
                    std::to_string((seconds != 0 ? seconds : 10) * 1000) + "\n";
    if (seconds == 0) s += "\n[.config]\nenable=env:initrd\n";
    return s;
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
                         "# Created by earlynet generate\n\n" + profile::write_keyfile(p), 0600});
    if (!dirs.link_files.empty())
        for (const auto& r : config.renames)
            files.push_back({dirs.link_files, link_file_name(r), link_file_text(r), 0644});
    return files;
}

std::string link_file_name(const InterfaceRename& r) {
    return "10-earlynet-" + r.name + ".link";
}

std::string link_file_text(const InterfaceRename& r) {
    std::string mac = ascii_lower(r.mac.to_string());
    return "# Created by earlynet generate from ifname=" + r.name + ":" + mac + "\n[Match]\nMACAddress=" + mac +
           "\n\n[Link]\nName=" + r.name + "\n";
}

std::string render_stdout(const GeneratedConfig& config) {
    std::string out;
    if (config.hostname) out += "\n*** Hostname '" + *config.hostname + "' ***\n";
    out +=
        "\n*** Configuration '15-carrier-timeout.conf' ***\n\n" + carrier_timeout_conf(config.carrier_timeout_s) + "\n";
    for (const auto& p : config.profiles)
        out += "\n*** Connection '" + p.basename + "' ***\n\n" + profile::write_keyfile(p);
    return out;
}

Result<void> write_files(const std::vector<OutputFile>& files) {
    std::vector<std::pair<std::string, std::string>> renames;
    auto cleanup = [&] {
        for (const auto& [tmp, final_path] : renames) ::unlink(tmp.c_str());
    };
    for (const auto& f : files) {
        auto made = make_directories(f.dir);
        if (!made) {
            cleanup();
            return made;
        }
        std::string final_path = f.dir + "/" + f.name;
        std::string tmp = temporary_path_for(final_path);
        renames.emplace_back(tmp, final_path);
        auto written = write_file_synced(tmp, f.content, f.mode);
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

}  // namespace earlynet::cmdline
