#include "test/netns/dnsmasq_server.h"

#include <signal.h>
#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

namespace earlynet::test {

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

std::unique_ptr<DnsmasqServer> DnsmasqServer::start(const ScopedNetns& ns, const DnsmasqConfig& config) {
    char dir_template[] = "/tmp/earlynet-dnsmasq-XXXXXX";
    if (!::mkdtemp(dir_template)) {
        ADD_FAILURE() << "mkdtemp: " << std::strerror(errno);
        return nullptr;
    }
    std::string dir = dir_template;
    std::vector<std::string> argv = {
        "ip",
        "netns",
        "exec",
        ns.name(),
        "dnsmasq",
        "--conf-file=/dev/null",
        "--no-resolv",
        "--no-hosts",
        "--port=0",
        "--interface=" + config.interface,
        "--bind-interfaces",
        "--except-interface=lo",
        "--dhcp-range=" + config.range + "," + config.lease_time,
        // --no-ping: dnsmasq would otherwise hold each first OFFER back for its
        // own ICMP conflict check; conflicts are the client's ACD to find.
        "--dhcp-authoritative",
        "--log-dhcp",
        "--no-ping",
        // Runs as root, so that the lease and log files in our 0700 dir stay writable.
        "--user=root",
        "--group=root",
        "--dhcp-leasefile=" + dir + "/leases",
        "--pid-file=" + dir + "/pid",
        "--log-facility=" + dir + "/log",
    };
    argv.insert(argv.end(), config.arguments.begin(), config.arguments.end());
    // dnsmasq forks and its parent exits once the sockets are bound.
    CommandResult r = run_command(argv);
    pid_t pid = static_cast<pid_t>(std::atoi(read_file(dir + "/pid").c_str()));
    std::unique_ptr<DnsmasqServer> server(new DnsmasqServer(dir, pid));
    for (std::size_t i = 4; i < argv.size(); ++i) server->command_line_ += (i > 4 ? " " : "") + argv[i];
    if (r.status != 0 || pid <= 0) {
        ADD_FAILURE() << "dnsmasq did not start (status " << r.status << "): " << r.err << read_file(dir + "/log");
        return nullptr;
    }
    return server;
}

DnsmasqServer::~DnsmasqServer() {
    // Our own child's child: stopped by the pid it wrote, never by name.
    if (pid_ > 0 && ::kill(pid_, SIGTERM) == 0) {
        for (int i = 0; i < 500 && ::kill(pid_, 0) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    run_command({"rm", "-rf", dir_});
}

std::string DnsmasqServer::log() const {
    return read_file(dir_ + "/log");
}
std::string DnsmasqServer::leases() const {
    return read_file(dir_ + "/leases");
}

int DnsmasqServer::count_in_log(const std::string& text) const {
    std::istringstream in(log());
    int n = 0;
    for (std::string line; std::getline(in, line);)
        if (line.find(text) != std::string::npos) ++n;
    return n;
}

int DnsmasqServer::count_in_log_after(const std::string& first, const std::string& text) const {
    std::istringstream in(log());
    int n = 0;
    bool seen = false;
    for (std::string line; std::getline(in, line);) {
        if (seen && line.find(text) != std::string::npos) ++n;
        seen = seen || line.find(first) != std::string::npos;
    }
    return n;
}

}  // namespace earlynet::test
