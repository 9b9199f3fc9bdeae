#include "profile_table.h"

#include <net/if.h>

#include "profile/cmdline_values.h"
#include "profile/uuid.h"

namespace earlynet::cmdline {

namespace {

constexpr std::string_view kDefaultBasename = "default_connection";

void add_type_setting(profile::Profile& p, profile::ConnectionType type) {
    p.type = type;
    switch (type) {
        case profile::ConnectionType::Ethernet: p.ethernet_settings(); break;
        case profile::ConnectionType::Infiniband:
            if (!p.infiniband) p.infiniband.emplace();
            break;
        case profile::ConnectionType::Bond:
            if (!p.bond) p.bond.emplace();
            break;
        case profile::ConnectionType::Bridge:
            if (!p.bridge) p.bridge.emplace();
            break;
        case profile::ConnectionType::Team: p.team = true; break;
        case profile::ConnectionType::Vlan:
            if (!p.vlan) p.vlan.emplace();
            break;
    }
}

struct Spec {
    std::string ifname;
    std::optional<HardwareAddress> mac;
};

Result<Spec> parse_spec(std::string_view argument, std::string_view field, std::string_view spec) {
    if (spec.empty()) return Spec{};
    if (is_valid_interface_name(spec)) return Spec{std::string(spec), std::nullopt};
    if (auto hw = HardwareAddress::parse(spec)) {
        // Ethernet or InfiniBand only: the reference takes any length up to
        // 20 and writes an [ethernet] mac-address NetworkManager then rejects.
        if (hw->size() != HardwareAddress::kEthernetLength && hw->size() != HardwareAddress::kInfinibandLength)
            return unexpected(profile::argument_error(argument, field, spec,
                                                      "is not an Ethernet (6 bytes) or InfiniBand (20 bytes) address"));
        return Spec{"", hw};
    }
    return unexpected(profile::argument_error(
        argument, field, spec,
        spec.size() >= IFNAMSIZ ? "is not a valid interface name (longer than 15 characters) or MAC address"
                                : "is not a valid interface name or MAC address"));
}

}  // namespace

Result<profile::Profile*> ProfileTable::resolve(std::string_view argument, std::string_view field,
                                                std::string_view spec, std::optional<profile::ConnectionType> type,
                                                IfMissing if_missing) {
    auto parsed = parse_spec(argument, field, spec);
    EARLYNET_TRY(parsed);
    const auto& [ifname, mac] = *parsed;

    profile::Profile* found = nullptr;
    if (ifname.empty() && !mac) {
        // No name: the first profile of the asked type, or the first that is not
        // a port, in creation order.
        for (auto& p : profiles_) {
            if ((!type && !p.is_port()) || (type && p.type == *type)) {
                found = &p;
                break;
            }
        }
    } else {
        found = find(!ifname.empty() ? ifname : mac->to_string());
    }

    if (found) {
        if (type) add_type_setting(*found, *type);
        return found;
    }
    if (if_missing == IfMissing::ReturnNull) return static_cast<profile::Profile*>(nullptr);
    if (ifname.empty() && !mac) return &default_profile();  // nothing to key a new profile by
    profile::ConnectionType t =
        type.value_or((ifname.rfind("ib", 0) == 0 || (mac && mac->size() == HardwareAddress::kInfinibandLength))
                          ? profile::ConnectionType::Infiniband
                          : profile::ConnectionType::Ethernet);
    std::string key = !ifname.empty() ? ifname : mac->to_string();
    found = &create({.basename = key, .id = key, .interface_name = ifname, .mac = mac, .type = t});
    add_type_setting(*found, t);
    return found;
}

profile::Profile& ProfileTable::create(const NewProfile& fresh) {
    profile::Profile p;
    p.basename = fresh.basename;
    p.id = fresh.id;
    p.uuid = profile::random_uuid();
    p.type = fresh.type;
    p.interface_name = fresh.interface_name;
    p.autoconnect_priority = fresh.priority;
    p.autoconnect_retries = 1;
    p.multi_connect = fresh.multi_connect;
    for (profile::IpSettings* ip : {&p.ipv4, &p.ipv6}) {
        ip->method = profile::IpMethod::Auto;
        ip->may_fail = true;
        ip->ignore_auto_dns = defaults_.ignore_auto_dns;
        ip->dhcp_timeout = defaults_.dhcp_timeout_s;
    }
    p.ipv4.dhcp_vendor_class = defaults_.vendor_class;
    p.ipv4.required_timeout = profile::kIpRequiredTimeoutMs;
    if (fresh.type == profile::ConnectionType::Infiniband) {
        p.infiniband.emplace();
        p.infiniband->mac_address = fresh.mac;
    } else if (fresh.mac) {
        p.ethernet_settings().mac_address = fresh.mac;
    }

    if (profile::Profile* existing = find(fresh.basename)) return *existing = std::move(p);
    profiles_.push_back(std::move(p));
    by_basename_.emplace(fresh.basename, profiles_.size() - 1);
    return profiles_.back();
}

profile::Profile& ProfileTable::default_profile() {
    if (profile::Profile* p = find(kDefaultBasename)) return *p;
    profile::Profile& p = create({.basename = std::string(kDefaultBasename),
                                  .id = "Wired Connection",
                                  .multi_connect = profile::MultiConnect::Multiple});
    p.ethernet_settings();
    return p;
}

void ProfileTable::put(profile::Profile fresh) {
    if (profile::Profile* existing = find(fresh.basename)) {
        *existing = std::move(fresh);
        return;
    }
    profiles_.push_back(std::move(fresh));
    by_basename_.emplace(profiles_.back().basename, profiles_.size() - 1);
}

profile::Profile* ProfileTable::find(std::string_view basename) {
    auto it = by_basename_.find(basename);
    return it == by_basename_.end() ? nullptr : &profiles_[it->second];
}

std::vector<profile::Profile> ProfileTable::take() {
    std::vector<profile::Profile> out(std::make_move_iterator(profiles_.begin()),
                                      std::make_move_iterator(profiles_.end()));
    profiles_.clear();
    by_basename_.clear();
    return out;
}

void mark_needed(profile::Profile& p) {
    if (p.type == profile::ConnectionType::Ethernet) p.wait_device_timeout = profile::kWaitDeviceTimeoutMs;
}

}  // namespace earlynet::cmdline
