// What other programs read: dracut's files (sourced by /bin/sh, so every value
// from the network must come back as data), NetworkManager's device state and
// lease files (GKeyFile, one line per value), systemd-networkd's .network
// files, and `earlynet status`.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "state/dracut_export.h"
#include "state/networkd_export.h"
#include "state/nm_export.h"
#include "state/status_render.h"
#include "test/unit/state_test_util.h"

using namespace earlynet;
using namespace earlynet::state;
using namespace earlynet::state::testing;

namespace {

struct ShResult {
    int status = -1;  // exit status, -1 when sh did not exit normally
    std::string out;
};

// Runs /bin/sh -c SCRIPT sh ARGS..., as dracut's hooks would, and returns what
// it printed, byte for byte. Paths reach the script as "$1" ..., so the
// harness never relies on the shell_quote under test.
ShResult run_sh(const std::string& script, const std::vector<std::string>& args = {}) {
    ShResult r;
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) return r;
    std::vector<std::string> words{"/bin/sh", "-c", script, "sh"};
    words.insert(words.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(out[1], STDOUT_FILENO);
        ::execv("/bin/sh", argv.data());
        ::_exit(127);
    }
    ::close(out[1]);
    char buf[4096];
    ssize_t n;
    while ((n = ::read(out[0], buf, sizeof buf)) > 0) r.out.append(buf, static_cast<std::size_t>(n));
    ::close(out[0]);
    int status = 0;
    if (pid > 0 && ::waitpid(pid, &status, 0) == pid && WIFEXITED(status)) r.status = WEXITSTATUS(status);
    return r;
}

// `. FILE; printf %s "$VARIABLE"`: the value sh gives the variable.
std::string sourced(const std::string& file, const std::string& variable) {
    ShResult r = run_sh(". \"$1\" && printf %s \"$" + variable + "\"", {file});
    EXPECT_EQ(r.status, 0) << "sourcing " << file << " failed";
    return r.out;
}

// The values sh gives each of `variables` after sourcing `file`, in one run
// (each printed with a NUL after it, a byte no value can hold).
std::map<std::string, std::string> sourced_all(const std::string& file, const std::vector<std::string>& variables) {
    std::string script = ". \"$1\"";
    for (const auto& v : variables) script += " && printf '%s\\000' \"$" + v + "\"";
    ShResult r = run_sh(script, {file});
    EXPECT_EQ(r.status, 0) << "sourcing " << file << " failed";
    std::map<std::string, std::string> values;
    std::size_t at = 0;
    for (const auto& v : variables) {
        std::size_t nul = r.out.find('\0', at);
        if (nul == std::string::npos) break;
        values[v] = r.out.substr(at, nul - at);
        at = nul + 1;
    }
    return values;
}

// Values a hostile DHCP server could hand out: each tries a different way
// out of a shell word, and each would create its own file in `dir`.
std::vector<std::string> hostile_values(const std::string& dir) {
    return {"$(touch " + dir + "/ran-dollar-paren)",
            "`touch " + dir + "/ran-backquote`",
            "x; touch " + dir + "/ran-semicolon",
            "'; touch " + dir + "/ran-quote; '",
            "it's \"quoted\" \\ and $HOME ${IFS}",
            "line1\ntouch " + dir + "/ran-newline\nline3",
            "x' && touch " + dir + "/ran-and && echo '",
            "back\\slash \\n \\t \\c end"};  // echo in dash would turn these into bytes, or stop
}

void expect_nothing_ran(const std::string& dir) {
    for (const auto& name : list_dir(dir)) EXPECT_NE(name.rfind("ran-", 0), 0u) << "a value ran as code: " << name;
}

// GKeyFile as NetworkManager reads it: "[group]" lines, "key=value" lines
// (value unescaped: \s \n \t \r \\), '#' comments. Group -> key -> values,
// a list so a key written twice shows.
using Keyfile = std::map<std::string, std::map<std::string, std::vector<std::string>>>;
Keyfile parse_keyfile(const std::string& text) {
    Keyfile kf;
    std::string group;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(start, end - start);
        start = end + 1;
        if (line.empty() || line[0] == '#') continue;
        if (line.front() == '[' && line.back() == ']') {
            group = line.substr(1, line.size() - 2);
            kf[group];
            continue;
        }
        auto eq = line.find('=');
        EXPECT_NE(eq, std::string::npos) << "not a key: " << line;
        if (eq == std::string::npos) continue;
        std::string value, raw = line.substr(eq + 1);
        for (std::size_t i = 0; i < raw.size(); ++i) {
            if (raw[i] != '\\' || i + 1 == raw.size()) {
                value += raw[i];
                continue;
            }
            switch (raw[++i]) {
                case 's': value += ' '; break;
                case 'n': value += '\n'; break;
                case 't': value += '\t'; break;
                case 'r': value += '\r'; break;
                case '\\': value += '\\'; break;
                default: ADD_FAILURE() << "invalid escape in " << line;
            }
        }
        kf[group][line.substr(0, eq)].push_back(value);
    }
    return kf;
}

// The one value of group/key, or "<absent>" / "<repeated>".
std::string value_of(const Keyfile& kf, const std::string& group, const std::string& key) {
    auto g = kf.find(group);
    if (g == kf.end()) return "<absent>";
    auto k = g->second.find(key);
    if (k == g->second.end()) return "<absent>";
    return k->second.size() == 1 ? k->second[0] : "<repeated>";
}

}  // namespace

// ---- shell quoting ----

TEST(ShellQuoteTest, WrapsInSingleQuotesAndEscapesEmbeddedOnes) {
    EXPECT_EQ(shell_quote(""), "''");
    EXPECT_EQ(shell_quote("plain"), "'plain'");
    EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
    EXPECT_EQ(shell_quote("$(x) `y` ; \\"), "'$(x) `y` ; \\'");
}

TEST(ShellQuoteTest, EveryHostileValueIsOneWordToSh) {
    TempDir dir;
    for (const auto& v : hostile_values(dir.path())) {
        SCOPED_TRACE(v);
        ShResult r = run_sh("set -- " + shell_quote(v) + "; printf '%s|%s' \"$#\" \"$1\"");
        EXPECT_EQ(r.status, 0);
        EXPECT_EQ(r.out, "1|" + v);
    }
    // Every byte but NUL, in one value.
    std::string all;
    for (int c = 1; c < 256; ++c) all += static_cast<char>(c);
    ShResult r = run_sh("printf %s " + shell_quote(all));
    EXPECT_EQ(r.out, all);
    expect_nothing_ran(dir.path());
}

// ---- dracut: dhcpopts ----

TEST(DracutExportTest, HostileHostnameComesBackAsDataFromSh) {
    TempDir dir;
    for (const auto& v : hostile_values(dir.path())) {
        SCOPED_TRACE(v);
        DeviceRecord d = full_dhcp_device();
        set_text_option(*d.lease, 12, v);
        set_text_option(*d.lease, 17, "nfs:10.77.0.1:/srv/" + v);
        set_text_option(*d.lease, 15, v);
        d.lease->boot_file = v;
        ASSERT_TRUE(export_for_dracut({dir.path()}, d));
        const std::string file = dir / "dhclient.eth0.dhcpopts";
        auto values = sourced_all(file, {"new_host_name", "new_root_path", "new_domain_name", "filename"});
        EXPECT_EQ(values["new_host_name"], v);
        EXPECT_EQ(values["new_root_path"], "nfs:10.77.0.1:/srv/" + v);
        EXPECT_EQ(values["new_domain_name"], v);
        EXPECT_EQ(values["filename"], v);
        // dracut's netroot sources it with its own variables set; nothing
        // else may change, and nothing may run.
        ShResult r = run_sh("set -u; netroot=keep; . \"$1\"; printf %s \"$netroot\"", {file});
        EXPECT_EQ(r.status, 0);
        EXPECT_EQ(r.out, "keep");
    }
    expect_nothing_ran(dir.path());
}

TEST(DracutExportTest, HostileStaticHostnameInOverrideAndHostnameFileStaysData) {
    TempDir dir;
    for (const auto& v : hostile_values(dir.path())) {
        SCOPED_TRACE(v);
        DeviceRecord d = static_device();
        d.hostname = v;
        ASSERT_TRUE(export_for_dracut({dir.path()}, d));
        EXPECT_EQ(sourced(dir / "net.eth1.override", "hostname"), v);
        // net.$netif.hostname is a shell line setup_net sources; point it at
        // a file of ours instead of /proc and run it.
        std::string line = read_file(dir / "net.eth1.hostname");
        const std::string proc = " > /proc/sys/kernel/hostname\n";
        ASSERT_GE(line.size(), proc.size());
        ASSERT_EQ(line.substr(line.size() - proc.size()), proc);
        line = line.substr(0, line.size() - proc.size()) + " > \"$1\"\n";
        EXPECT_EQ(run_sh(line, {dir / "hostname-out"}).status, 0);
        EXPECT_EQ(read_file(dir / "hostname-out"), v + "\n");
    }
    expect_nothing_ran(dir.path());
}

TEST(DracutExportTest, DhcpoptsHasTheVariablesNetrootAndItsHandlersRead) {
    TempDir dir;
    ASSERT_TRUE(export_for_dracut({dir.path()}, full_dhcp_device()));
    const std::string f = dir / "dhclient.eth0.dhcpopts";
    const std::map<std::string, std::string> expected{
        {"new_root_path", "nfs:10.77.0.1:/srv/root,vers=4"},
        {"new_next_server", "10.77.0.9"},
        {"new_dhcp_server_identifier", "10.77.0.1"},
        {"new_ip_address", "10.77.0.23"},
        {"new_subnet_mask", "255.255.255.0"},
        {"new_broadcast_address", "10.77.0.255"},
        {"new_routers", "10.77.0.1 10.77.0.2"},
        {"new_domain_name", "lab.example"},
        {"new_domain_search", "lab.example example"},
        {"new_domain_name_servers", "10.77.0.53 9.9.9.9"},
        {"new_host_name", "client23"},
        {"new_interface_mtu", "1400"},
        {"new_dhcp_lease_time", "3600"},
        {"new_classless_static_routes", "24 192 168 5 10 77 0 1 9 10 128 10 77 0 2 0 10 77 0 254"},
        {"new_tftp_server_name", "tftp.lab.example"},
        // BOOTP's file field wins over option 67, as in NetworkManager's glue.
        {"new_filename", "boot/grub.efi"},
        {"filename", "boot/grub.efi"},
    };
    std::vector<std::string> names;
    for (const auto& [variable, value] : expected) names.push_back(variable);
    auto values = sourced_all(f, names);
    for (const auto& [variable, value] : expected) EXPECT_EQ(values[variable], value) << variable;
    // One name='value' line each, nothing else.
    std::string text = read_file(f);
    for (std::size_t at = 0; at < text.size();) {
        std::size_t nl = text.find('\n', at);
        std::string line = text.substr(at, nl - at);
        EXPECT_NE(line.find("='"), std::string::npos) << line;
        EXPECT_EQ(line.back(), '\'') << line;
        at = nl + 1;
    }
}

// The state keeps the options as the server sent them; dracut's files and
// NetworkManager's show what the client used of them (dhcp/ipv4_rules.h):
// never a router, route or server the client refused.
TEST(DracutExportTest, WhatTheClientRefusedIsNotExported) {
    DeviceRecord d = full_dhcp_device();                                 // 10.77.0.23/24
    d.lease->options[3] = {127, 0, 0, 1, 10, 77, 0, 1, 10, 77, 0, 255};  // loopback, fine, the broadcast address
    d.lease->options[6] = {224, 0, 0, 1, 10, 77, 0, 53};                 // multicast, fine
    d.lease->options[26] = {0, 60};                                      // MTU 60 < 68
    d.lease->options[28] = {10, 77, 1, 255};                             // not this subnet's broadcast
    set_classless_routes(*d.lease, {route("0.0.0.0", 0, "10.77.0.23"),   // via the address itself
                                    route("127.0.0.0", 8, "10.77.0.1"),  // to loopback
                                    route("192.168.5.0", 24, "10.77.0.1")});
    std::string text = dhcpopts_text(d);
    TempDir dir;
    write_raw(dir / "opts", text);
    EXPECT_EQ(sourced(dir / "opts", "new_routers"), "10.77.0.1");
    EXPECT_EQ(sourced(dir / "opts", "new_domain_name_servers"), "10.77.0.53");
    EXPECT_EQ(sourced(dir / "opts", "new_classless_static_routes"), "24 192 168 5 10 77 0 1");
    EXPECT_EQ(text.find("new_interface_mtu"), std::string::npos) << text;
    EXPECT_EQ(text.find("new_broadcast_address"), std::string::npos) << text;
    // 121 still has a route, so option 3 does not apply (RFC 3442), and its
    // refused default route gives no gateway file.
    ASSERT_TRUE(export_for_dracut({dir.path()}, d));
    EXPECT_FALSE(exists(dir / "net.eth0.gw"));
    Keyfile kf = parse_keyfile(nm_device_state_text(d));
    EXPECT_EQ(value_of(kf, "dhcp4", "dhcp4.routers"), "10.77.0.1");
    EXPECT_EQ(value_of(kf, "dhcp4", "dhcp4.rfc3442_classless_static_routes"), "192.168.5.0/24 10.77.0.1");
}

TEST(DracutExportTest, Option121IsInTheFormParseOption121Reads) {
    DeviceRecord d = full_dhcp_device();
    set_classless_routes(*d.lease, {route("10.0.0.0", 8, "10.77.0.1"), route("172.16.0.0", 12, "10.77.0.2"),
                                    route("192.168.7.0", 24, "0.0.0.0"),  // on-link
                                    route("192.168.8.128", 25, "10.77.0.3"), route("198.51.100.7", 32, "10.77.0.4"),
                                    route("0.0.0.0", 0, "10.77.0.1")});
    TempDir dir;
    ASSERT_TRUE(export_for_dracut({dir.path()}, d));
    // dracut's net-lib.sh parse_option_121 (dracut-ng), unchanged but for
    // the function name; dhclient-script calls it on the variable unquoted.
    const std::string parse_option_121 = R"SH(
parse_option_121() {
    while [ $# -ne 0 ]; do
        mask="$1"
        shift
        if [ "$1" -ge 224 ] && [ "$1" -lt 240 ]; then multicast=1; else multicast=0; fi
        if [ "$mask" -gt 24 ]; then
            destination="$1.$2.$3.$4/$mask"; shift; shift; shift; shift
        elif [ "$mask" -gt 16 ]; then
            destination="$1.$2.$3.0/$mask"; shift; shift; shift
        elif [ "$mask" -gt 8 ]; then
            destination="$1.$2.0.0/$mask"; shift; shift
        elif [ "$mask" -gt 0 ]; then
            destination="$1.0.0.0/$mask"; shift
        else
            destination="0.0.0.0/$mask"
        fi
        gateway="$1.$2.$3.$4"; shift; shift; shift; shift
        if [ $multicast -eq 1 ] || [ "$gateway" = "0.0.0.0" ]; then
            temp_result="$destination dev $interface"
        else
            temp_result="$destination via $gateway dev $interface"
        fi
        echo "/sbin/ip route replace $temp_result"
    done
}
)SH";
    ShResult r = run_sh(parse_option_121 + "interface=eth0; . \"$1\" && parse_option_121 $new_classless_static_routes",
                        {dir / "dhclient.eth0.dhcpopts"});
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(r.out,
              "/sbin/ip route replace 10.0.0.0/8 via 10.77.0.1 dev eth0\n"
              "/sbin/ip route replace 172.16.0.0/12 via 10.77.0.2 dev eth0\n"
              "/sbin/ip route replace 192.168.7.0/24 dev eth0\n"
              "/sbin/ip route replace 192.168.8.128/25 via 10.77.0.3 dev eth0\n"
              "/sbin/ip route replace 198.51.100.7/32 via 10.77.0.4 dev eth0\n"
              "/sbin/ip route replace 0.0.0.0/0 via 10.77.0.1 dev eth0\n");
}

TEST(DracutExportTest, DeviceWithoutLeaseStillGetsAnEmptyDhcpoptsFile) {
    // netroot must find the file and see "no root-path", not a missing file.
    TempDir dir;
    EXPECT_EQ(dhcpopts_text(static_device()), "");
    write_raw(dir / "dhclient.eth1.dhcpopts", "new_root_path='stale'\n");  // from an earlier attempt
    ASSERT_TRUE(export_for_dracut({dir.path()}, static_device()));
    ASSERT_TRUE(exists(dir / "dhclient.eth1.dhcpopts"));
    EXPECT_EQ(read_file(dir / "dhclient.eth1.dhcpopts"), "");
    EXPECT_EQ(sourced(dir / "dhclient.eth1.dhcpopts", "new_root_path"), "");
}

TEST(DracutExportTest, LeaseWithoutNextServerOrRootPathLeavesThemUnset) {
    DeviceRecord d = full_dhcp_device();
    d.lease6.reset();  // its boot-file URL would give a root path
    d.lease->next_server = Ipv4Address();
    d.lease->options.erase(17);
    std::string text = dhcpopts_text(d);
    EXPECT_EQ(text.find("new_next_server"), std::string::npos);
    EXPECT_EQ(text.find("new_root_path"), std::string::npos);  // netroot: "No dhcp root-path received"
    EXPECT_NE(text.find("new_dhcp_server_identifier='10.77.0.1'\n"), std::string::npos);
}

// What dhclient -6 gives dracut's dhclient-script, which saves it in the
// same file; root=dhcp6 reads the root path from the boot-file URL.
TEST(DracutExportTest, Dhcp6LeaseGivesTheVariablesOfDhclient6AndARootPath) {
    DeviceRecord d = full_dhcp_device();
    d.lease.reset();
    TempDir dir;
    write_raw(dir / "opts", dhcpopts_text(d));
    auto v = sourced_all(dir / "opts",
                         {"new_ip6_address", "new_ip6_prefixlen", "new_max_life", "new_preferred_life", "new_iaid",
                          "new_renew", "new_rebind", "new_dhcp6_name_servers", "new_dhcp6_domain_search",
                          "new_dhcp6_bootfile_url", "new_root_path", "new_ip_address"});
    EXPECT_EQ(v["new_ip6_address"], "2001:db8::1:23");
    EXPECT_EQ(v["new_ip6_prefixlen"], "128");
    EXPECT_EQ(v["new_max_life"], "3600");
    EXPECT_EQ(v["new_preferred_life"], "1800");
    EXPECT_EQ(v["new_iaid"], "ab:cd:ef:01");
    EXPECT_EQ(v["new_renew"], "900");
    EXPECT_EQ(v["new_rebind"], "1440");
    EXPECT_EQ(v["new_dhcp6_name_servers"], "2001:db8::53");  // the first option 23 of two
    EXPECT_EQ(v["new_dhcp6_domain_search"], "lab.example");
    EXPECT_EQ(v["new_dhcp6_bootfile_url"], "nfs://[2001:db8::1]/srv/root");
    EXPECT_EQ(v["new_root_path"], "nfs:[2001:db8::1]:/srv/root:");  // dracut's form for an IPv6 server
    EXPECT_EQ(v["new_ip_address"], "");
}

TEST(DracutExportTest, Dhcp6RootPathOnlyFromAUrlOfARootAndNeverOverDhcp4s) {
    DeviceRecord d = full_dhcp_device();  // option 17 nfs:10.77.0.1:/srv/root,vers=4 and a DHCPv6 nfs:// URL
    TempDir dir;
    write_raw(dir / "opts", dhcpopts_text(d));
    EXPECT_EQ(sourced(dir / "opts", "new_root_path"), "nfs:10.77.0.1:/srv/root,vers=4");
    d.lease.reset();
    for (auto& o : d.lease6->options)
        if (o.code == 59) o.data = bytes_of("http://[2001:db8::1]/boot.ipxe");  // for the firmware
    write_raw(dir / "opts", dhcpopts_text(d));
    EXPECT_EQ(sourced(dir / "opts", "new_root_path"), "");
    for (auto& o : d.lease6->options)
        if (o.code == 59) o.data = bytes_of("nfs://[2001:db8::1]:2049/srv/root");  // dracut has no form for a port
    write_raw(dir / "opts", dhcpopts_text(d));
    EXPECT_EQ(sourced(dir / "opts", "new_root_path"), "");
    for (auto& o : d.lease6->options)
        if (o.code == 59) o.data = bytes_of("nfs://server.lab/srv/root");  // dracut parses this one itself
    write_raw(dir / "opts", dhcpopts_text(d));
    EXPECT_EQ(sourced(dir / "opts", "new_root_path"), "nfs://server.lab/srv/root");
    // A hostile URL is data.
    const std::string evil = "nbd:[2001:db8::1]:root'; touch " + dir / "pwned" + "; '$(id)`id`";
    for (auto& o : d.lease6->options)
        if (o.code == 59) o.data = bytes_of(evil);
    write_raw(dir / "opts", dhcpopts_text(d));
    EXPECT_EQ(sourced(dir / "opts", "new_root_path"), evil);
    EXPECT_FALSE(exists(dir / "pwned"));
}

// ---- dracut: override, markers, side files ----

TEST(DracutExportTest, StaticConfigGetsTheOverrideFileIfupWrites) {
    EXPECT_EQ(override_text(static_device()),
              "ip='10.0.0.5'\nsrv='10.0.0.9'\ngw='10.0.0.1'\nmask='255.255.255.0'\nhostname='myhost'\n"
              "macaddr='52:54:00:12:34:56'\nmtu='1400'\ndns1='10.0.0.53'\ndns2='10.0.0.54'\n");
    TempDir dir;
    ASSERT_TRUE(export_for_dracut({dir.path()}, static_device()));
    // nfsroot_from_dhcp sources it for srv, the NFS server fallback.
    EXPECT_EQ(sourced(dir / "net.eth1.override", "srv"), "10.0.0.9");
    EXPECT_EQ(sourced(dir / "net.eth1.override", "mask"), "255.255.255.0");
}

TEST(DracutExportTest, OverrideIsOnlyWrittenForStaticIpArguments) {
    TempDir dir;
    DeviceRecord d = full_dhcp_device();
    d.static_from_cmdline = false;
    ASSERT_TRUE(export_for_dracut({dir.path()}, d));
    EXPECT_FALSE(exists(dir / "net.eth0.override"));
}

TEST(DracutExportTest, MarkersNameTheInterfaceAndTheLowerCaseMac) {
    TempDir dir;
    DeviceRecord d = full_dhcp_device();  // MAC 52:54:00:AB:CD:EF
    ASSERT_TRUE(export_for_dracut({dir.path()}, d));
    for (const char* m :
         {"net.eth0.up", "net.eth0.did-setup", "net.52:54:00:ab:cd:ef.up", "net.52:54:00:ab:cd:ef.did-setup"}) {
        EXPECT_TRUE(exists(dir / m)) << m;
    }
    EXPECT_FALSE(exists(dir / "net.52:54:00:AB:CD:EF.up"));
    EXPECT_FALSE(exists(dir / "net.ifaces"));  // its existence changes what dracut waits for
    // Nothing half-written or temporary left behind.
    for (const auto& name : list_dir(dir.path())) EXPECT_NE(name[0], '.') << name;
}

TEST(DracutExportTest, MacInAnotherSpellingStillNamesTheSysfsMarker) {
    // dracut names the marker after /sys/class/net/IF/address.
    TempDir dir;
    DeviceRecord d = static_device();
    d.mac = "52-54-00-AB-CD-EF";
    ASSERT_TRUE(export_for_dracut({dir.path()}, d));
    EXPECT_TRUE(exists(dir / "net.52:54:00:ab:cd:ef.up"));
    EXPECT_TRUE(exists(dir / "net.52:54:00:ab:cd:ef.did-setup"));
    EXPECT_EQ(sourced(dir / "net.eth1.override", "macaddr"), "52:54:00:ab:cd:ef");
}

TEST(DracutExportTest, DeviceWithoutMacGetsOnlyTheInterfaceMarkers) {
    TempDir dir;
    DeviceRecord d = static_device();
    d.mac.clear();
    ASSERT_TRUE(export_for_dracut({dir.path()}, d));
    EXPECT_TRUE(exists(dir / "net.eth1.up"));
    EXPECT_TRUE(exists(dir / "net.eth1.did-setup"));
    EXPECT_FALSE(exists(dir / "net..up"));
}

TEST(DracutExportTest, MacThatIsNotOneIsRefusedBeforeAnythingIsWritten) {
    TempDir dir;
    DeviceRecord d = static_device();
    d.mac = "../../evil";
    auto r = export_for_dracut({dir / "tmp"}, d);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::Invalid);
    EXPECT_TRUE(list_dir(dir.path()).empty());
}

TEST(DracutExportTest, InterfaceNameThatIsNotOneIsRefused) {
    TempDir dir;
    DeviceRecord d = full_dhcp_device();
    d.interface = "../eth0";
    auto r = export_for_dracut({dir / "tmp"}, d);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::Invalid);
    EXPECT_TRUE(list_dir(dir.path()).empty());
}

TEST(DracutExportTest, GatewayResolvConfAndHostnameFilesForSetupNet) {
    TempDir dir;
    ASSERT_TRUE(export_for_dracut({dir.path()}, static_device()));
    EXPECT_EQ(read_file(dir / "net.eth1.gw"), "ip route replace default via '10.0.0.1' dev 'eth1'\n");
    EXPECT_EQ(read_file(dir / "net.eth1.resolv.conf"), "nameserver 10.0.0.53\nnameserver 10.0.0.54\n");
    EXPECT_EQ(read_file(dir / "net.eth1.hostname"), "printf '%s\\n' 'myhost' > /proc/sys/kernel/hostname\n");

    DeviceRecord bare = failed_device();  // nothing to put in them
    ASSERT_TRUE(export_for_dracut({dir.path()}, bare));
    EXPECT_FALSE(exists(dir / "net.eth2.gw"));
    EXPECT_FALSE(exists(dir / "net.eth2.resolv.conf"));
    EXPECT_FALSE(exists(dir / "net.eth2.hostname"));
}

// RFC 3442 section 1: with option 121 the client MUST
// ignore option 3, so dracut's default route comes from 121 or not at all.
TEST(DracutExportTest, GatewayFileTakesTheDefaultRouteOfOption121OverTheRouterOption) {
    TempDir dir;
    DeviceRecord d = full_dhcp_device();  // routers 10.77.0.1 ..., 121's default via 10.77.0.254
    ASSERT_TRUE(export_for_dracut({dir.path()}, d));
    EXPECT_EQ(read_file(dir / "net.eth0.gw"), "ip route replace default via '10.77.0.254' dev 'eth0'\n");
}

TEST(DracutExportTest, NoGatewayFileWhenOption121HasNoDefaultRoute) {
    TempDir dir;
    DeviceRecord d = full_dhcp_device();
    set_classless_routes(*d.lease, {route("192.168.5.0", 24, "10.77.0.1")});
    ASSERT_TRUE(export_for_dracut({dir.path()}, d));
    EXPECT_FALSE(exists(dir / "net.eth0.gw"));
    set_classless_routes(*d.lease, {route("0.0.0.0", 0, "0.0.0.0")});  // default route on-link: no "via"
    ASSERT_TRUE(export_for_dracut({dir.path()}, d));
    EXPECT_FALSE(exists(dir / "net.eth0.gw"));
}

TEST(DracutExportTest, LeaseWithoutOption121KeepsTheRouterAsGateway) {
    TempDir dir;
    DeviceRecord d = full_dhcp_device();
    d.lease->options.erase(121);
    ASSERT_TRUE(export_for_dracut({dir.path()}, d));
    EXPECT_EQ(read_file(dir / "net.eth0.gw"), "ip route replace default via '10.77.0.1' dev 'eth0'\n");
}

// dracut copies net.$netif.resolv.conf to /etc/resolv.conf: a value from the
// network must not add a line (a nameserver of the server's choosing) or
// anything else a resolver would read.
TEST(DracutExportTest, ResolvConfSearchKeepsOnlyValidDnsNames) {
    TempDir dir;
    DeviceRecord d = static_device();
    d.dns_search = {"lab.example\nnameserver 6.6.6.6",
                    "ok.example",
                    "two.example three.example",  // option 15 as some servers send it
                    "tab\tsep.example",
                    "a..b",
                    "-lead.example",
                    "trail-.example",
                    std::string(64, 'x') + ".example",
                    "6.6.6.6",  // RFC 3696 2: a top-level label is never all digits
                    "under_score.example",
                    "x\x01y.example",
                    "caf\xc3\xa9.example",
                    "Upper-Case.Example.",
                    ""};
    ASSERT_TRUE(export_for_dracut({dir.path()}, d));
    EXPECT_EQ(read_file(dir / "net.eth1.resolv.conf"),
              "search ok.example two.example three.example under_score.example Upper-Case.Example.\n"
              "nameserver 10.0.0.53\nnameserver 10.0.0.54\n");
}

TEST(DracutExportTest, NoSearchLineWhenNoDomainIsValid) {
    TempDir dir;
    DeviceRecord d = full_dhcp_device();
    d.dns_search = {"evil\nnameserver 6.6.6.6"};
    d.dns.clear();
    ASSERT_TRUE(export_for_dracut({dir.path()}, d));
    EXPECT_FALSE(exists(dir / "net.eth0.resolv.conf"));
}

// ---- NetworkManager ----

TEST(NmExportTest, DeviceStateNamesTheProfileAndTheBootData) {
    Keyfile kf = parse_keyfile(nm_device_state_text(full_dhcp_device()));
    EXPECT_EQ(value_of(kf, "device", "managed"), "true");
    EXPECT_EQ(value_of(kf, "device", "connection-uuid"), "2d1f6e4c-8f52-4b8e-9c43-0b3c1a7d9e10");
    EXPECT_EQ(value_of(kf, "device", "root-path"), "nfs:10.77.0.1:/srv/root,vers=4");
    EXPECT_EQ(value_of(kf, "device", "next-server"), "10.77.0.9");
    EXPECT_EQ(value_of(kf, "device", "dhcp-bootfile"), "boot/grub.efi");
    EXPECT_EQ(value_of(kf, "device", "nm-owned"), "<absent>");  // only for software devices
    const std::map<std::string, std::string> dhcp4{
        {"dhcp4.ip_address", "10.77.0.23"},
        {"dhcp4.subnet_mask", "255.255.255.0"},
        {"dhcp4.broadcast_address", "10.77.0.255"},
        {"dhcp4.routers", "10.77.0.1 10.77.0.2"},
        {"dhcp4.domain_name_servers", "10.77.0.53 9.9.9.9"},
        {"dhcp4.domain_name", "lab.example"},
        {"dhcp4.domain_search", "lab.example example"},
        {"dhcp4.host_name", "client23"},
        {"dhcp4.dhcp_lease_time", "3600"},
        {"dhcp4.dhcp_server_identifier", "10.77.0.1"},
        {"dhcp4.expiry", "1790003600"},  // acquired (wall clock) + lease time
        {"dhcp4.next_server", "10.77.0.9"},
        {"dhcp4.root_path", "nfs:10.77.0.1:/srv/root,vers=4"},
        {"dhcp4.interface_mtu", "1400"},
        {"dhcp4.filename", "boot/grub.efi"},
        {"dhcp4.rfc3442_classless_static_routes",
         "192.168.5.0/24 10.77.0.1 10.128.0.0/9 10.77.0.2 0.0.0.0/0 10.77.0.254"},
    };
    for (const auto& [k, v] : dhcp4) EXPECT_EQ(value_of(kf, "dhcp4", k), v) << k;
}

TEST(NmExportTest, InfiniteLeaseHasNoExpiry) {
    DeviceRecord d = full_dhcp_device();
    d.lease->lease_time_s = 0xffffffffu;
    Keyfile kf = parse_keyfile(nm_device_state_text(d));
    EXPECT_EQ(value_of(kf, "dhcp4", "dhcp4.expiry"), "<absent>");
    EXPECT_EQ(value_of(kf, "dhcp4", "dhcp4.dhcp_lease_time"), "4294967295");
}

TEST(NmExportTest, StaticDeviceHasNoDhcp4Section) {
    Keyfile kf = parse_keyfile(nm_device_state_text(static_device()));
    EXPECT_EQ(value_of(kf, "device", "connection-uuid"), "5c0b7a3e-1111-4222-8333-944455556666");
    EXPECT_EQ(kf.count("dhcp4"), 0u);
    EXPECT_EQ(value_of(kf, "device", "root-path"), "<absent>");
    EXPECT_EQ(nm_lease_file_text(static_device()), "");
}

TEST(NmExportTest, SoftwareDeviceSaysWhetherEarlynetCreatedIt) {
    DeviceRecord d = static_device();
    d.kind = "bond";
    d.created = true;
    EXPECT_EQ(value_of(parse_keyfile(nm_device_state_text(d)), "device", "nm-owned"), "true");
    d.created = false;
    EXPECT_EQ(value_of(parse_keyfile(nm_device_state_text(d)), "device", "nm-owned"), "false");
}

TEST(NmExportTest, NewlineInADhcpValueCannotStartAKeyOrGroup) {
    DeviceRecord d = full_dhcp_device();
    const std::string evil =
        "/srv\nmanaged=false\nconnection-uuid=00000000-0000-0000-0000-000000000000\n[device]\r\n"
        "\tnm-owned=true\\n";
    set_text_option(*d.lease, 17, evil);
    set_text_option(*d.lease, 12, evil);
    d.lease->boot_file = evil;
    set_text_option(*d.lease, 15, "a\nmanaged=false");
    std::string text = nm_device_state_text(d);
    Keyfile kf = parse_keyfile(text);
    EXPECT_EQ(value_of(kf, "device", "managed"), "true");
    EXPECT_EQ(value_of(kf, "device", "connection-uuid"), "2d1f6e4c-8f52-4b8e-9c43-0b3c1a7d9e10");
    EXPECT_EQ(value_of(kf, "device", "nm-owned"), "<absent>");
    // The values come back whole, as data.
    EXPECT_EQ(value_of(kf, "device", "root-path"), evil);
    EXPECT_EQ(value_of(kf, "device", "dhcp-bootfile"), evil);
    EXPECT_EQ(value_of(kf, "dhcp4", "dhcp4.host_name"), evil);
    EXPECT_EQ(value_of(kf, "dhcp4", "dhcp4.domain_name"), "a\nmanaged=false");
    EXPECT_EQ(kf.size(), 3u);  // [device], [dhcp4] and [dhcp6], no group of the server's
    EXPECT_EQ(text.find('\r'), std::string::npos);
}

// NetworkManager 1.42's [dhcp6] section for its internal client.
TEST(NmExportTest, Dhcp6SectionHasTheAddressesIaidAndOptions) {
    Keyfile kf = parse_keyfile(nm_device_state_text(full_dhcp_device()));
    EXPECT_EQ(value_of(kf, "dhcp6", "dhcp6.ip6_address"), "2001:db8::1:23 2001:db8::1:24");
    EXPECT_EQ(value_of(kf, "dhcp6", "dhcp6.iaid"), "ab:cd:ef:01");
    EXPECT_EQ(value_of(kf, "dhcp6", "dhcp6.dhcp6_name_servers"), "2001:db8::53");
    EXPECT_EQ(value_of(kf, "dhcp6", "dhcp6.dhcp6_domain_search"), "lab.example");
    DeviceRecord d = full_dhcp_device();
    d.lease6.reset();
    EXPECT_EQ(parse_keyfile(nm_device_state_text(d)).count("dhcp6"), 0u);
}

TEST(NmExportTest, LeadingSpaceOfAValueIsKept) {
    // GKeyFile strips whitespace after '='; \s keeps it.
    DeviceRecord d = full_dhcp_device();
    set_text_option(*d.lease, 12, " spaced");
    std::string text = nm_device_state_text(d);
    EXPECT_NE(text.find("dhcp4.host_name=\\sspaced\n"), std::string::npos);
    EXPECT_EQ(value_of(parse_keyfile(text), "dhcp4", "dhcp4.host_name"), " spaced");
}

TEST(NmExportTest, LeaseFileHasTheAddressForInitReboot) {
    EXPECT_EQ(nm_lease_file_text(full_dhcp_device()), "# This is private data. Do not parse.\nADDRESS=10.77.0.23\n");
}

TEST(NmExportTest, ExportWritesDeviceStateByIfindexTheInternalLeaseFileAndTheProfile) {
    TempDir dir;
    TempDir profiles;
    DeviceRecord dhcp = full_dhcp_device();
    dhcp.profile_file = profiles / "eth0.nmconnection";
    std::ofstream(dhcp.profile_file) << "[connection]\nid=eth0\n";
    dhcp.lease6.reset();  // (the DHCPv6 identity it would add: below)
    ASSERT_TRUE(export_for_network_manager({dir.path()}, dhcp));
    EXPECT_EQ(read_file(dir / "devices/2"), nm_device_state_text(dhcp));
    EXPECT_EQ(read_file(dir / "internal-2d1f6e4c-8f52-4b8e-9c43-0b3c1a7d9e10-eth0.lease"),
              "# This is private data. Do not parse.\nADDRESS=10.77.0.23\n");
    // Where the real root's NetworkManager looks for runtime profiles.
    EXPECT_EQ(read_file(dir / "system-connections/eth0.nmconnection"), "[connection]\nid=eth0\n");
    struct stat st {};
    ASSERT_EQ(::stat((dir / "system-connections/eth0.nmconnection").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << "NetworkManager ignores a profile others can read";
    ASSERT_TRUE(export_for_network_manager({dir.path()}, static_device()));
    EXPECT_TRUE(exists(dir / "devices/3"));
    EXPECT_EQ(list_dir(dir.path()),
              (std::vector<std::string>{"devices", "internal-2d1f6e4c-8f52-4b8e-9c43-0b3c1a7d9e10-eth0.lease",
                                        "system-connections"}));
    EXPECT_EQ(list_dir(dir / "devices"), (std::vector<std::string>{"2", "3"}));
}

// NetworkManager in the real root asks as the DHCPv6 client the server knows.
TEST(NmExportTest, ProfileNamesTheDhcp6LeasesDuidAndIaid) {
    const Lease6Record lease = full_lease6();
    const std::string identity =
        "dhcp-duid=00:04:a5:0a:d1:12:bf:60:45:77:a2:fb:74:1a:b1:95:5b:03\ndhcp-iaid=2882400001\n";
    EXPECT_EQ(profile_with_dhcp6_identity("[connection]\nid=eth0\n\n[ipv6]\nmethod=auto\n\n[proxy]\n", lease),
              "[connection]\nid=eth0\n\n[ipv6]\n" + identity + "method=auto\n\n[proxy]\n");
    EXPECT_EQ(profile_with_dhcp6_identity("[connection]\nid=eth0", lease),
              "[connection]\nid=eth0\n\n[ipv6]\n" + identity);
    // What the profile says itself stays.
    EXPECT_EQ(profile_with_dhcp6_identity("[ipv6]\ndhcp-duid=ll\nmethod=dhcp\n", lease),
              "[ipv6]\ndhcp-iaid=2882400001\ndhcp-duid=ll\nmethod=dhcp\n");
    // A key of another section is not taken for the [ipv6] one.
    EXPECT_EQ(profile_with_dhcp6_identity("[ipv6]\nmethod=auto\n[x]\ndhcp-iaid=1\n", lease),
              "[ipv6]\n" + identity + "method=auto\n[x]\ndhcp-iaid=1\n");
    // GKeyFile's other spellings: blanks around groups and keys, CRLF.
    EXPECT_EQ(profile_with_dhcp6_identity("[ipv6] \r\ndhcp-duid = ll\r\n dhcp-iaid=7\r\n", lease),
              "[ipv6] \r\ndhcp-duid = ll\r\n dhcp-iaid=7\r\n");
    // Written even where NetworkManager reads it from.
    TempDir dir;
    std::filesystem::create_directories(dir / "system-connections");
    DeviceRecord d = full_dhcp_device();
    d.profile_file = dir / "system-connections/eth0.nmconnection";
    std::ofstream(d.profile_file) << "[ipv6]\nmethod=auto\n";
    ASSERT_TRUE(export_profile({dir.path()}, d));
    EXPECT_EQ(read_file(d.profile_file), "[ipv6]\n" + identity + "method=auto\n");
}

TEST(NmExportTest, AProfileThatIsNotThereIsReportedAfterTheRest) {
    TempDir dir;
    DeviceRecord d = full_dhcp_device();
    d.profile_file = "/nonexistent/eth0.nmconnection";
    auto r = export_for_network_manager({dir.path()}, d);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("/nonexistent/eth0.nmconnection"), std::string::npos) << r.error().message;
    EXPECT_TRUE(exists(dir / "devices/2"));
}

TEST(NmExportTest, ProfileUuidThatWouldLeaveTheDirectoryIsRefused) {
    TempDir dir;
    DeviceRecord d = full_dhcp_device();
    d.profile_uuid = "../../etc/x";
    auto r = export_for_network_manager({dir / "nm"}, d);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::Invalid);
    EXPECT_TRUE(list_dir(dir.path()).empty());
}

TEST(NmExportTest, DeviceWithoutIfindexIsRefused) {
    TempDir dir;
    DeviceRecord d = full_dhcp_device();
    d.ifindex = 0;
    auto r = export_for_network_manager({dir / "nm"}, d);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::Invalid);
    EXPECT_FALSE(exists(dir / "nm"));
}

// ---- earlynet status ----

namespace {
LoadedState sample_state() {
    LoadedState s;
    s.devices = {full_dhcp_device(), failed_device()};
    s.corrupt = {Error{ErrorCode::Malformed, "/run/earlynet/state/eth9.json: field 'version': 2 is not 1"}};
    return s;
}
}  // namespace

TEST(StatusRenderTest, TextNamesTheFailureReasonAndTheLeasesRemainingTime) {
    // Acquired at boottime 100 s for 3600 s; now is 400 s.
    std::string text = render_status_text(sample_state(), std::chrono::seconds(400));
    EXPECT_NE(text.find("eth2: failed: no DHCP answer after 90 s\n"), std::string::npos) << text;
    EXPECT_NE(text.find("eth0: activated\n"), std::string::npos) << text;
    EXPECT_NE(text.find("lease 10.77.0.23/24 from 10.77.0.1, 3600 s (3300 s left)"), std::string::npos) << text;
    EXPECT_NE(text.find("root-path nfs:10.77.0.1:/srv/root,vers=4"), std::string::npos) << text;
    EXPECT_NE(text.find("after link 3 ms carrier 40 ms address 1200 ms online 1250 ms"), std::string::npos) << text;
    EXPECT_NE(text.find("corrupt state, not trusted: /run/earlynet/state/eth9.json: field 'version'"),
              std::string::npos)
        << text;
}

TEST(StatusRenderTest, Dhcp6LeaseIsShownWithItsLifetimesAndDecodedOptions) {
    std::string text = render_status_text(sample_state(), std::chrono::seconds(400));
    EXPECT_NE(text.find("lease6 2001:db8::1:23/128, valid 3600 s, preferred 1800 s, T1 900 s, T2 1440 s"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("bootfile-url nfs://[2001:db8::1]/srv/root"), std::string::npos) << text;
    nlohmann::json j = nlohmann::json::parse(render_status_json(sample_state()));
    EXPECT_EQ(j["devices"][0]["lease6"]["values"]["dns-servers"], "2001:db8::53") << j.dump(2);
    EXPECT_EQ(j["devices"][0]["lease6"]["values"]["domain-list"], "lab.example") << j.dump(2);
}

TEST(StatusRenderTest, RemainingTimeIsExpiredInfiniteOrUnknown) {
    LoadedState s;
    s.devices = {full_dhcp_device()};
    EXPECT_NE(render_status_text(s, std::chrono::seconds(100 + 3600)).find("(expired)"), std::string::npos);
    EXPECT_NE(render_status_text(s, std::chrono::seconds(50)).find("(unknown (acquired in another boot))"),
              std::string::npos);
    s.devices[0].lease->lease_time_s = 0xffffffffu;
    EXPECT_NE(render_status_text(s, std::chrono::seconds(1'000'000)).find("(infinite)"), std::string::npos);
}

TEST(StatusRenderTest, EmptyStateSaysSo) {
    EXPECT_EQ(render_status_text(LoadedState{}, std::chrono::seconds(1)), "no devices in the state\n");
}

TEST(StatusRenderTest, ControlBytesFromTheNetworkAreShownNotSentToTheTerminal) {
    LoadedState s;
    s.devices = {full_dhcp_device()};
    set_text_option(*s.devices[0].lease, 17, "/srv\ncorrupt state, not trusted: fake\x1b[2J");
    s.devices[0].hostname = "h\rx";
    std::string text = render_status_text(s, std::chrono::seconds(400));
    EXPECT_EQ(text.find('\x1b'), std::string::npos);
    EXPECT_EQ(text.find('\r'), std::string::npos);
    EXPECT_EQ(text.find("\ncorrupt state"), std::string::npos) << text;
    EXPECT_NE(text.find("root-path /srv\\x0acorrupt state, not trusted: fake\\x1b[2J\n"), std::string::npos) << text;
    EXPECT_NE(text.find("hostname h\\x0dx\n"), std::string::npos) << text;
}

TEST(StatusRenderTest, JsonHasVersionDevicesInTheRecordFormatAndCorrupt) {
    std::string text = render_status_json(sample_state());
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << text;
    EXPECT_EQ(j.at("version"), kFormatVersion);
    ASSERT_TRUE(j.at("devices").is_array());
    ASSERT_EQ(j.at("devices").size(), 2u);
    EXPECT_EQ(j["devices"][0]["interface"], "eth0");
    EXPECT_EQ(j["devices"][1]["failure_reason"], "no DHCP answer after 90 s");
    // Each device is a record `run --import` would read back.
    auto back = device_record_from_json(j["devices"][0].dump(), "status");
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, full_dhcp_device());
    // ... with its options decoded by the option table, under their RFC names.
    const nlohmann::json& values = j["devices"][0]["lease"]["values"];
    EXPECT_EQ(values.at("root-path"), "nfs:10.77.0.1:/srv/root,vers=4");
    EXPECT_EQ(values.at("routers"), "10.77.0.1 10.77.0.2");
    EXPECT_EQ(values.at("domain-search"), "lab.example example");
    EXPECT_EQ(values.at("classless-static-routes"),
              "192.168.5.0/24 10.77.0.1 10.128.0.0/9 10.77.0.2 0.0.0.0/0 10.77.0.254");
    EXPECT_EQ(values.at("renewal-time"), "1800") << "T1 as the client used it, though the server sent no option 58";
    EXPECT_FALSE(j["devices"][1].contains("values"));
    ASSERT_TRUE(j.at("corrupt").is_array());
    ASSERT_EQ(j["corrupt"].size(), 1u);
    EXPECT_EQ(j["corrupt"][0], "/run/earlynet/state/eth9.json: field 'version': 2 is not 1");
}

TEST(StatusRenderTest, JsonSurvivesAFileNameThatIsNotUtf8) {
    // A file "\xff.json" in the state directory is reported as corrupt with its
    // name; that must not make --json throw.
    LoadedState s;
    s.corrupt = {Error{ErrorCode::Malformed, "/run/earlynet/state/\xff.json: not a JSON object"}};
    std::string text;
    ASSERT_NO_THROW(text = render_status_json(s));
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    ASSERT_FALSE(j.is_discarded());
    EXPECT_EQ(j["corrupt"].size(), 1u);
}

// --- systemd-networkd --------------------------------------------------------

namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::string line;
    for (char c : text) {
        if (c == '\n') {
            out.push_back(line);
            line.clear();
        } else {
            line += c;
        }
    }
    return out;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

bool has_line(const std::string& text, const std::string& line) {
    for (const auto& l : lines_of(text))
        if (l == line) return true;
    return false;
}

}  // namespace

TEST(NetworkdExport, ADhcpDeviceIsMatchedByMacKeptAndKeepsItsClientIdentifier) {
    DeviceRecord d = full_dhcp_device();
    d.lease->client_id = {0x01, 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef};
    std::string text = networkd_network_text(d);
    EXPECT_EQ(networkd_network_name(d), "10-earlynet-eth0.network");
    EXPECT_TRUE(has_line(text, "MACAddress=52:54:00:ab:cd:ef")) << text;
    EXPECT_TRUE(has_line(text, "Type=ether")) << text;
    EXPECT_TRUE(has_line(text, "KeepConfiguration=yes")) << text;
    EXPECT_TRUE(has_line(text, "DHCP=ipv4")) << text;
    EXPECT_TRUE(has_line(text, "IPv6AcceptRA=yes")) << text;
    EXPECT_FALSE(contains(text, "RequestAddress=")) << "Debian 12's networkd does not know it: " << text;
    EXPECT_TRUE(has_line(text, "ClientIdentifier=mac")) << text;
    EXPECT_TRUE(has_line(text, "SendRelease=no")) << text;
    // What the lease gave comes from networkd's own DHCP, not from us.
    EXPECT_FALSE(contains(text, "10.77.0.53")) << text;
    EXPECT_FALSE(contains(text, "Address=10.77.0.23/24")) << text;
}

// networkd's DHCPv6 client is given the initrd's DUID (type and raw data)
// and IAID, so the server sees the client it knows; ipv6.method=dhcp
// solicits without waiting for a router advertisement, as in the initrd.
TEST(NetworkdExport, ADhcp6LeaseGivesNetworkdItsDuidAndIaid) {
    DeviceRecord d = full_dhcp_device();  // a DUID-UUID, IAID 0xabcdef01
    std::string text = networkd_network_text(d);
    EXPECT_TRUE(has_line(text, "[DHCPv6]")) << text;
    EXPECT_TRUE(has_line(text, "DUIDType=uuid")) << text;
    EXPECT_TRUE(has_line(text, "DUIDRawData=a5:0a:d1:12:bf:60:45:77:a2:fb:74:1a:b1:95:5b:03")) << text;
    EXPECT_TRUE(has_line(text, "IAID=2882400001")) << text;
    EXPECT_FALSE(contains(text, "WithoutRA=")) << "ipv6.method=auto follows the router: " << text;
    d.ipv4_method = "disabled";
    d.ipv6_method = "dhcp";
    d.lease6->client_duid = {0, 1, 0, 1, 0x2e, 0x1f, 0x00, 0x01, 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef};
    text = networkd_network_text(d);
    EXPECT_TRUE(has_line(text, "DHCP=ipv6")) << text;
    EXPECT_TRUE(has_line(text, "WithoutRA=solicit")) << text;
    EXPECT_TRUE(has_line(text, "DUIDType=link-layer-time")) << text;
    EXPECT_TRUE(has_line(text, "DUIDRawData=00:01:2e:1f:00:01:52:54:00:ab:cd:ef")) << text;
    d.lease6.reset();
    text = networkd_network_text(d);
    EXPECT_FALSE(contains(text, "DUIDType=")) << text;
    EXPECT_TRUE(has_line(text, "WithoutRA=solicit")) << text;
}

TEST(NetworkdExport, ADhcpDeviceThatGotNoLeaseStillAsksNetworkdForOne) {
    DeviceRecord d = full_dhcp_device();
    d.lease.reset();
    std::string text = networkd_network_text(d);
    EXPECT_TRUE(has_line(text, "DHCP=ipv4")) << text;
    EXPECT_TRUE(has_line(text, "ClientIdentifier=mac")) << text;
    EXPECT_TRUE(has_line(text, "SendRelease=no")) << text;
}

TEST(NetworkdExport, AClientIdentifierNetworkdCannotSendIsSaidSo) {
    DeviceRecord d = full_dhcp_device();
    d.lease->client_id = {0xff, 0, 0, 0, 1, 0, 3, 0, 1};
    std::string text = networkd_network_text(d);
    EXPECT_FALSE(has_line(text, "ClientIdentifier=mac")) << text;
    EXPECT_TRUE(contains(text, "# The lease's client identifier (ff:00:00:00:01:00:03:00:01)")) << text;
}

TEST(NetworkdExport, AStaticDeviceKeepsItsAddressGatewayAndServers) {
    std::string text = networkd_network_text(static_device());
    EXPECT_TRUE(has_line(text, "Address=10.0.0.5/24")) << text;
    EXPECT_TRUE(has_line(text, "Gateway=10.0.0.1")) << text;
    EXPECT_TRUE(has_line(text, "DNS=10.0.0.53")) << text;
    EXPECT_TRUE(has_line(text, "DNS=10.0.0.54")) << text;
    EXPECT_TRUE(has_line(text, "KeepConfiguration=yes")) << text;
    EXPECT_TRUE(has_line(text, "LinkLocalAddressing=ipv4")) << "ipv6.method=disabled: " << text;
    EXPECT_FALSE(contains(text, "DHCP=")) << text;
    EXPECT_FALSE(contains(text, "[DHCPv4]")) << text;
}

TEST(NetworkdExport, AVirtualLinkIsMatchedByName) {
    DeviceRecord d = static_device();
    d.interface = "bond0";
    d.kind = "bond";
    std::string text = networkd_network_text(d);
    EXPECT_TRUE(has_line(text, "Name=bond0")) << text;
    EXPECT_FALSE(contains(text, "MACAddress=")) << "a bond shares its MAC with its ports: " << text;
}

TEST(NetworkdExport, OnlyAnActivatedDeviceWithAValidNameIsWritten) {
    char tmpl[] = "/tmp/earlynet-networkd-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    std::string dir = tmpl;
    ASSERT_TRUE(export_for_networkd(dir, failed_device()));
    EXPECT_NE(::access((dir + "/10-earlynet-eth2.network").c_str(), F_OK), 0);
    ASSERT_TRUE(export_for_networkd(dir, static_device()));
    EXPECT_EQ(::access((dir + "/10-earlynet-eth1.network").c_str(), F_OK), 0);
    DeviceRecord bad = static_device();
    bad.interface = "../etc";
    EXPECT_FALSE(export_for_networkd(dir, bad));
    EXPECT_EQ(std::system(("rm -rf '" + dir + "'").c_str()), 0);
}
