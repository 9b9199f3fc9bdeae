// DnsmasqServer: a real dnsmasq (DHCP only: --port=0) in a namespace the test
// made, with its own temp dir for the pid, lease and log files. Stopped by its
// pid and the dir removed on destruction, on every path.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "test/netns/netns_fixture.h"

namespace earlynet::test {

struct DnsmasqConfig {
    std::string interface;  // in the server's namespace
    std::string range = "10.77.0.10,10.77.0.250,255.255.255.0";
    std::string lease_time = "1h";
    // Extra arguments, e.g. "--dhcp-option=option:router,10.77.0.1".
    std::vector<std::string> arguments;
};

class DnsmasqServer {
public:
    // Starts dnsmasq in ns and returns once it has bound its sockets (it
    // daemonizes only then). Fails the test and returns nullptr otherwise.
    static std::unique_ptr<DnsmasqServer> start(const ScopedNetns& ns, const DnsmasqConfig& config);
    DnsmasqServer(const DnsmasqServer&) = delete;
    DnsmasqServer& operator=(const DnsmasqServer&) = delete;
    ~DnsmasqServer();

    pid_t pid() const { return pid_; }
    // The dnsmasq arguments it was started with (for capture provenance).
    const std::string& command_line() const { return command_line_; }
    // dnsmasq's log (--log-dhcp) and lease file as they are now.
    std::string log() const;
    std::string leases() const;
    // Counts lines of the log containing text (e.g. "DHCPACK(srv0)").
    int count_in_log(const std::string& text) const;
    // Lines with `text` after the first line with `first`: "DISCOVERs after
    // the first ACK" does not count a DISCOVER retransmitted before it.
    int count_in_log_after(const std::string& first, const std::string& text) const;

private:
    DnsmasqServer(std::string dir, pid_t pid) : dir_(std::move(dir)), pid_(pid), stopped_with_the_test_(pid) {}
    std::string dir_;
    pid_t pid_ = -1;
    DaemonStoppedWithTheTest stopped_with_the_test_;
    std::string command_line_;
};

}  // namespace earlynet::test
