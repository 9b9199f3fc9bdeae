// Shared by the state/ unit tests: records with every field set, a temporary
// directory removed on every path, and small file helpers.
#pragma once

#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "dhcp/option_table.h"
#include "state/device_record.h"

namespace earlynet::state::testing {

inline Ipv4Address v4(const char* text) {
    return *Ipv4Address::parse(text);
}
inline IpAddress ip(const char* text) {
    return *IpAddress::parse(text);
}
inline IpPrefix prefix(const char* address, int length) {
    return IpPrefix{ip(address), length};
}

inline std::vector<std::uint8_t> bytes_of(std::string_view text) {
    return {text.begin(), text.end()};
}

// A DHCPv4 lease with every field set to something other than its default,
// so a field the writer or the reader forgets cannot compare equal by luck;
// its options as a server sends them (as dhcp::lease_to_message encodes).
inline LeaseRecord full_lease() {
    LeaseRecord l;
    l.address = v4("10.77.0.23");
    l.prefix_length = 24;
    l.server_id = v4("10.77.0.1");
    l.next_server = v4("10.77.0.9");
    l.boot_file = "boot/grub.efi";
    l.client_id = {0x01, 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef};
    l.lease_time_s = 3600;
    l.t1_s = 1800;
    l.t2_s = 3150;
    l.acquired_boottime = std::chrono::seconds(100);
    l.acquired_realtime_s = 1'790'000'000;
    l.options = {
        {1, {255, 255, 255, 0}},
        {3, {10, 77, 0, 1, 10, 77, 0, 2}},  // routers
        {6, {10, 77, 0, 53, 9, 9, 9, 9}},   // DNS
        {12, bytes_of("client23")},
        {15, bytes_of("lab.example")},
        {17, bytes_of("nfs:10.77.0.1:/srv/root,vers=4")},
        {26, {0x05, 0x78}},  // MTU 1400
        {28, {10, 77, 0, 255}},
        {42, {10, 77, 0, 123}},
        {51, {0, 0, 0x0e, 0x10}},  // 3600 s
        {53, {5}},
        {54, {10, 77, 0, 1}},
        {66, bytes_of("tftp.lab.example")},
        {67, bytes_of("pxelinux.0")},
        {119, {3, 'l', 'a', 'b', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, 0xc0, 4}},  // lab.example example
        // 192.168.5.0/24 via 10.77.0.1, 10.128.0.0/9 via 10.77.0.2, default via 10.77.0.254
        {121, {24, 192, 168, 5, 10, 77, 0, 1, 9, 10, 128, 10, 77, 0, 2, 0, 10, 77, 0, 254}},
    };
    return l;
}

// A DHCPv6 lease with every field set: two addresses, DNS (23), search list
// (24) and boot-file URL (59) among the REPLY's options.
inline Lease6Record full_lease6() {
    Lease6Record l;
    l.client_duid = {0,    4,    0xa5, 0x0a, 0xd1, 0x12, 0xbf, 0x60, 0x45,
                     0x77, 0xa2, 0xfb, 0x74, 0x1a, 0xb1, 0x95, 0x5b, 0x03};
    l.iaid = 0xabcdef01;
    l.server_duid = {0, 3, 0, 1, 0x52, 0x54, 0x00, 0x11, 0x22, 0x33};
    l.addresses = {{*Ipv6Address::parse("2001:db8::1:23"), 1800, 3600},
                   {*Ipv6Address::parse("2001:db8::1:24"), 0xffffffffu, 0xffffffffu}};
    l.t1_s = 900;
    l.t2_s = 1440;
    l.acquired_boottime = std::chrono::seconds(101);
    l.acquired_realtime_s = 1'790'000'001;
    l.options = {
        {23, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53}},
        {24, {3, 'l', 'a', 'b', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0}},
        {59, bytes_of("nfs://[2001:db8::1]/srv/root")},
        {23, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x54}},  // a code may repeat
    };
    return l;
}

// A text option (12 host name, 15 domain, 17 root path, 67 boot file ...) as a server sends it.
inline void set_text_option(LeaseRecord& l, std::uint8_t code, std::string_view text) {
    l.options[code] = bytes_of(text);
}

// Option 121 with these routes (gateway 0.0.0.0: on-link), RFC 3442 encoded.
inline void set_classless_routes(LeaseRecord& l, const std::vector<dhcp::ClasslessRoute>& routes) {
    l.options[dhcp::option::kClasslessStaticRoute] =
        dhcp::encode_option(*dhcp::find_option(dhcp::option::kClasslessStaticRoute), routes);
}
inline dhcp::ClasslessRoute route(const char* destination, int length, const char* gateway) {
    return {v4(destination), length, v4(gateway)};
}

// A device that came up by DHCP, every field set.
inline DeviceRecord full_dhcp_device() {
    DeviceRecord d;
    d.interface = "eth0";
    d.ifindex = 2;
    d.mac = "52:54:00:AB:CD:EF";
    d.kind = "ethernet";
    d.created = true;
    d.profile_id = "eth0";
    d.profile_uuid = "2d1f6e4c-8f52-4b8e-9c43-0b3c1a7d9e10";
    d.profile_file = "/run/NetworkManager/system-connections/eth0.nmconnection";
    d.ipv4_method = "auto";
    d.ipv6_method = "auto";
    d.addresses = {prefix("10.77.0.23", 24), prefix("2001:db8::23", 64)};
    d.routes = {{prefix("192.168.5.0", 24), ip("10.77.0.1")}, {prefix("2001:db8:1::", 48), std::nullopt}};
    d.gateway = ip("10.77.0.1");
    d.dns = {ip("10.77.0.53"), ip("2001:db8::53")};
    d.dns_search = {"lab.example"};
    d.hostname = "client23";
    d.mtu = 1400;
    d.ip_server = ip("10.77.0.9");
    d.static_from_cmdline = true;
    d.netmask = "255.255.255.0";
    d.outcome = DeviceOutcome::Activated;
    d.failure_reason = "not really";
    d.timings = {std::chrono::milliseconds(3), std::chrono::milliseconds(40), std::chrono::milliseconds(1200),
                 std::chrono::milliseconds(1250)};
    d.lease = full_lease();
    d.lease6 = full_lease6();
    return d;
}

// A static ip= device: no lease, dracut's override applies.
inline DeviceRecord static_device() {
    DeviceRecord d;
    d.interface = "eth1";
    d.ifindex = 3;
    d.mac = "52:54:00:12:34:56";
    d.kind = "ethernet";
    d.profile_id = "eth1";
    d.profile_uuid = "5c0b7a3e-1111-4222-8333-944455556666";
    d.ipv4_method = "manual";
    d.ipv6_method = "disabled";
    d.addresses = {prefix("10.0.0.5", 24)};
    d.gateway = ip("10.0.0.1");
    d.dns = {ip("10.0.0.53"), ip("10.0.0.54")};
    d.hostname = "myhost";
    d.mtu = 1400;
    d.ip_server = ip("10.0.0.9");
    d.static_from_cmdline = true;
    d.netmask = "255.255.255.0";
    d.outcome = DeviceOutcome::Activated;
    return d;
}

inline DeviceRecord failed_device() {
    DeviceRecord d;
    d.interface = "eth2";
    d.ifindex = 4;
    d.kind = "ethernet";
    d.profile_id = "default_connection";
    d.ipv4_method = "auto";
    d.ipv6_method = "disabled";
    d.outcome = DeviceOutcome::Failed;
    d.failure_reason = "no DHCP answer after 90 s";
    d.timings.to_link = std::chrono::milliseconds(5);
    return d;
}

// mkdtemp'd directory, removed with everything in it when the test ends.
class TempDir {
public:
    TempDir() {
        std::string tmpl = (std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") + std::string("/state-test.XXXXXX");
        std::vector<char> buf(tmpl.begin(), tmpl.end());
        buf.push_back('\0');
        if (::mkdtemp(buf.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
        path_ = buf.data();
    }
    ~TempDir() { remove_tree(path_); }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return path_; }
    std::string operator/(const std::string& name) const { return path_ + "/" + name; }

private:
    static void remove_tree(const std::string& path) {
        struct stat st {};
        if (::lstat(path.c_str(), &st) != 0) return;
        if (S_ISDIR(st.st_mode)) {
            if (DIR* d = ::opendir(path.c_str())) {
                std::vector<std::string> names;
                while (dirent* e = ::readdir(d))
                    if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") names.push_back(e->d_name);
                ::closedir(d);
                for (const auto& n : names) remove_tree(path + "/" + n);
            }
            ::rmdir(path.c_str());
        } else {
            ::unlink(path.c_str());
        }
    }
    std::string path_;
};

inline bool exists(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline void write_raw(const std::string& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
}

// Names in a directory, "." and ".." left out, sorted.
inline std::vector<std::string> list_dir(const std::string& path) {
    std::vector<std::string> names;
    if (DIR* d = ::opendir(path.c_str())) {
        while (dirent* e = ::readdir(d))
            if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") names.push_back(e->d_name);
        ::closedir(d);
    }
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace earlynet::state::testing
