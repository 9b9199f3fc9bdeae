#include "device/virtual_link_config.h"

#include <charconv>

namespace earlynet::device {

namespace {

std::optional<unsigned long> number(const std::string& s) {
    unsigned long v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
}

template <typename E>
std::optional<E> word(const std::string& value, std::initializer_list<std::pair<const char*, E>> words) {
    for (const auto& [w, e] : words)
        if (value == w) return e;
    if (auto n = number(value))
        for (const auto& [w, e] : words)
            if (static_cast<unsigned long>(e) == *n) return e;
    return std::nullopt;
}

std::vector<std::string> split_list(const std::string& s) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : s) {
        if (c == ',' || c == ' ') {
            if (!cur.empty()) out.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
}

}  // namespace

Result<BondPlan> bond_config(const profile::Profile& p) {
    BondPlan plan;
    plan.config.name = p.interface_name;
    if (!p.bond) return plan;
    using netlink::BondMode;
    for (const auto& [name, value] : p.bond->options) {
        auto bad = [&] {
            return unexpected(ErrorCode::Invalid, p.interface_name + ": bond option " + name + "=" + value +
                                                      " is not a value the bonding driver takes");
        };
        auto ms = [&](std::optional<std::chrono::milliseconds>& out) -> bool {
            auto n = number(value);
            if (!n) return false;
            out = std::chrono::milliseconds(*n);
            return true;
        };
        if (name == "mode") {
            auto m = word<BondMode>(value, {{"balance-rr", BondMode::BalanceRr},
                                            {"active-backup", BondMode::ActiveBackup},
                                            {"balance-xor", BondMode::BalanceXor},
                                            {"broadcast", BondMode::Broadcast},
                                            {"802.3ad", BondMode::Lacp},
                                            {"balance-tlb", BondMode::BalanceTlb},
                                            {"balance-alb", BondMode::BalanceAlb}});
            if (!m) return bad();
            plan.config.mode = *m;
        } else if (name == "miimon") {
            if (!ms(plan.config.miimon)) return bad();
        } else if (name == "updelay") {
            if (!ms(plan.config.updelay)) return bad();
        } else if (name == "downdelay") {
            if (!ms(plan.config.downdelay)) return bad();
        } else if (name == "arp_interval") {
            if (!ms(plan.config.arp_interval)) return bad();
        } else if (name == "arp_ip_target") {
            for (const auto& t : split_list(value)) {
                auto a = Ipv4Address::parse(t);
                if (!a) return bad();
                plan.config.arp_ip_target.push_back(*a);
            }
        } else if (name == "ns_ip6_target") {
            for (const auto& t : split_list(value)) {
                auto a = Ipv6Address::parse(t);
                if (!a) return bad();
                plan.config.ns_ip6_target.push_back(*a);
            }
        } else if (name == "lacp_rate") {
            auto r =
                word<netlink::LacpRate>(value, {{"slow", netlink::LacpRate::Slow}, {"fast", netlink::LacpRate::Fast}});
            if (!r) return bad();
            plan.config.lacp_rate = *r;
        } else if (name == "xmit_hash_policy") {
            using X = netlink::XmitHashPolicy;
            auto x = word<X>(value, {{"layer2", X::Layer2},
                                     {"layer3+4", X::Layer34},
                                     {"layer2+3", X::Layer23},
                                     {"encap2+3", X::Encap23},
                                     {"encap3+4", X::Encap34},
                                     {"vlan+srcmac", X::VlanSrcMac}});
            if (!x) return bad();
            plan.config.xmit_hash_policy = *x;
        } else if (name == "min_links") {
            auto n = number(value);
            if (!n) return bad();
            plan.config.min_links = static_cast<std::uint32_t>(*n);
        } else {
            plan.unsupported.push_back(name + "=" + value);
        }
    }
    return plan;
}

netlink::BridgeConfig bridge_config(const profile::Profile& p) {
    netlink::BridgeConfig c;
    c.name = p.interface_name;
    c.stp = p.bridge ? p.bridge->stp : true;
    return c;
}

}  // namespace earlynet::device
