// Internal to the command line reader: the profiles being built and the
// per-argument parsers that share them. Mirrors the reference's model: profiles
// keyed by basename in creation order, a lazily made default connection, and
// settings applied to every profile (DHCP timeout, vendor class, peerdns).
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "cmdline/cmdline_reader.h"
#include "profile/cmdline_values.h"
#include "profile/profile.h"

namespace earlynet::cmdline {

// How one ip= argument asked to configure its interface.
enum class IpKind { None, Dhcp, Dhcp6, Link6, Auto, Ibft, Dhcp4Auto6 };
std::optional<IpKind> parse_ip_kind(std::string_view text);
const char* to_string(IpKind kind);

class CmdlineReader {
public:
    explicit CmdlineReader(const CmdlineReaderOptions& options) : options_(options) {}

    Result<GeneratedConfig> read(const std::vector<std::string>& args);

    // --- used by the argument parsers -------------------------------------
    // The profile for an interface name or MAC (created when missing), or, when
    // spec is empty, the first profile of that type (any non-port when no type).
    Result<profile::Profile*> get_profile(std::string_view argument, std::string_view field, std::string_view spec,
                                 std::optional<profile::ConnectionType> type, bool create);
    profile::Profile& default_profile();
    profile::Profile& create_profile(const std::string& basename, const std::string& id, const std::string& ifname,
                            std::optional<HardwareAddress> mac, profile::ConnectionType type, int priority,
                            profile::MultiConnect multi_connect);
    profile::Profile* find(std::string_view basename);

    Result<void> parse_ip(std::string_view argument, std::string_view value);
    Result<void> parse_controller(std::string_view argument, std::string_view value, profile::ConnectionType type);
    Result<void> parse_vlan(std::string_view argument, std::string_view value);
    Result<void> parse_ib_pkey(std::string_view argument, std::string_view value);
    Result<void> parse_ethtool(std::string_view argument, std::string_view value);
    Result<void> parse_znet_ifname(std::string_view argument, std::string_view value);
    Result<void> parse_znet(std::string_view argument, std::string_view value);
    Result<void> parse_ifname(std::string_view argument, std::string_view value);
    Result<void> add_route(std::string_view argument, std::string_view value);
    Result<void> add_nameserver(std::string_view argument, const IpAddress& server);
    Result<void> apply_bootif(std::string_view argument, std::string_view value);
    Result<void> import_firmware(std::string_view argument);
    Result<void> merge_ibft_into(std::string_view argument, profile::Profile& profile);

private:
    Result<void> read_globals(const std::vector<std::string>& args);
    Result<void> read_argument(std::string_view argument);
    Result<void> check_consistency();

    const CmdlineReaderOptions& options_;
    std::deque<profile::Profile> profiles_;  // deque: references stay valid as it grows
    std::map<std::string, std::size_t, std::less<>> by_basename_;
    std::optional<std::size_t> default_index_;
    std::optional<std::size_t> bootdev_index_;

    // Global settings applied to every profile made from the command line.
    bool ignore_auto_dns_ = false;
    int dhcp_timeout_s_ = 90;
    std::string vendor_class_;
    bool net_ifnames_ = true;

    GeneratedConfig out_;
    std::optional<std::string> bootif_arg_;
    std::optional<std::string> bootdev_;
    bool ignore_bootif_ = false;
    bool neednet_ = false;
    std::vector<std::string> route_args_;
    std::vector<std::pair<std::string, IpAddress>> nameservers_;
    std::vector<std::string> znet_args_;
    std::vector<std::pair<std::string, std::string>> vlan_parents_;  // parent, argument
    // profile basename -> the ip= argument that configured it (first one)
    std::map<std::string, std::string, std::less<>> explicit_ip_;
    // profile basename -> kind of the last ip= without a static address
    std::map<std::string, std::pair<IpKind, std::string>, std::less<>> dynamic_kind_;
    std::map<std::string, std::string, std::less<>> znet_ifnames_;  // subchannels -> ifname
    std::map<std::string, std::string, std::less<>> znet_ifname_args_;
    int znet_count_ctc_ = 0;
    int znet_count_eth_ = 0;
};

}  // namespace earlynet::cmdline
