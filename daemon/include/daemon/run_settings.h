// What `earlynet run` is told: where profiles come from, where state, dracut
// and NetworkManager files go, and which hooks it fires. Every path is an
// option so tests and the demo run in a private directory.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace earlynet::daemon {

struct RunSettings {
    // Profiles (.nmconnection): earlynet generate's, or nm-initrd-generator's
    // (/run/NetworkManager/system-connections).
    std::vector<std::string> profile_dirs{"/run/earlynet/profiles"};
    // 15-carrier-timeout.conf is read from here.
    std::string run_config_dir = "/run/earlynet/conf.d";
    // The initrd hostname file generate writes (from ip=...:hostname:...).
    std::string initrd_data_dir = "/run/earlynet/initrd";
    std::string state_dir = "/run/earlynet/state";
    // The local API's socket (io.earlynet.Network over varlink); "" = none.
    std::string api_socket = "/run/earlynet/io.earlynet.Network";
    // dracut's files: /tmp/dhclient.$netif.dhcpopts, /tmp/net.$netif.* and the done flag.
    std::string tmp_dir = "/tmp";
    // dracut's hook tree; initqueue/online/*.sh run per interface.
    std::string hook_dir = "/lib/dracut/hooks";
    // Run per interface after the online hooks when it exists ("" = never).
    std::string netroot = "/sbin/netroot";
    // NetworkManager's device state and lease files ("" = not written).
    std::string nm_run_dir = "/run/NetworkManager";
    // systemd-networkd's runtime .network directory (/run/systemd/network);
    // "" = not written. Not a default: outside an initrd it would configure
    // the machine's own networkd.
    std::string networkd_dir;
    std::string resolv_conf = "/etc/resolv.conf";             // "" = not written
    std::string hostname_file = "/proc/sys/kernel/hostname";  // "" = not set
    bool configure_and_quit = false;
    // With configure_and_quit and a network root: the started process returns
    // (and the boot goes on) once the root's device is online, while devices
    // still trying (idle NICs waiting for a carrier) go on in the background
    // until startup is complete or the cleanup hook stops them at
    // switch_root. false: wait for every device, as NetworkManager does.
    bool boot_waits_for_root_only = true;
    // In the real root, after switch_root: adopt the devices and leases the
    // initrd's earlynet left in state_dir, keep renewing; no dracut files,
    // hooks or done flag (dracut is gone).
    bool import = false;
    bool debug = false;
    // The root file system is on the network (root=/netroot= in
    // /proc/cmdline, or --network-root=yes): DHCP addresses are defended
    // indefinitely against conflicts instead of given up (RFC 5227 2.4(c)).
    bool network_root = false;
    // The interface the network root is reached through (bootdev=, or
    // --network-root=IFACE); empty: every DHCP device is treated as the root's.
    std::string network_root_device;
};

// The done flag dracut's finished hook tests, as NetworkManager's /tmp/nm.done.
inline std::string done_flag_path(const RunSettings& s) {
    return s.tmp_dir + "/earlynet.done";
}
// The PID of the background earlynet that keeps trying the devices that were
// not up when the boot went on; dracut's cleanup hook stops it (it writes
// their state) before switch_root. Removed when it exits.
inline std::string background_pid_path(const RunSettings& s) {
    return s.tmp_dir + "/earlynet.pid";
}

}  // namespace earlynet::daemon
