#include "device/device_activation.h"

#include <cerrno>

#include "base/guard.h"
#include "base/log.h"
#include "device/ipv4_dhcp.h"
#include "device/ipv4_static.h"
#include "device/ipv6_setup.h"
#include "device/lease_record.h"
#include "device/timeline.h"
#include "dhcp/acd_engine.h"
#include "dhcp/client_engine.h"
#include "netlink/address.h"
#include "netlink/link_settings.h"
#include "netlink/virtual_link.h"

namespace earlynet::device {

namespace {

// NetworkManager's ipv4.dhcp-timeout default, and how long SLAAC is waited
// for when the profile says nothing (ipv6.ra-timeout's effective default).
constexpr Seconds kDefaultDhcpTimeout{45};
// ipv4.dad-timeout unset: probe for dhcp::kDefaultProbeTime (see there why).
constexpr auto kDefaultDadTimeout = dhcp::kDefaultProbeTime;

std::string keyfile_method(profile::IpMethod m) {
    return to_string(m);
}

// ipv4.dad-timeout: -1 the default, 0 no probe, else milliseconds.
Duration dad_timeout(const profile::IpSettings& v4) {
    return v4.dad_timeout < 0 ? Duration(kDefaultDadTimeout) : Duration(std::chrono::milliseconds(v4.dad_timeout));
}

const char* kind_name(profile::ConnectionType t) {
    switch (t) {
        case profile::ConnectionType::Ethernet: return "ethernet";
        case profile::ConnectionType::Infiniband: return "infiniband";
        case profile::ConnectionType::Bond: return "bond";
        case profile::ConnectionType::Bridge: return "bridge";
        case profile::ConnectionType::Team: return "team";
        case profile::ConnectionType::Vlan: return "vlan";
    }
    return "ethernet";
}

Duration seconds_or(int s, Seconds fallback) {
    return s > 0 ? Duration(Seconds(s)) : Duration(fallback);
}

}  // namespace

namespace {

ActivationEngine::FamilyPolicy policy_of(const profile::IpSettings& s) {
    return {s.may_fail,
            s.required_timeout > 0 ? Duration(std::chrono::milliseconds(s.required_timeout)) : Duration::zero()};
}

ActivationEngine::Config engine_config(const std::string& name, const profile::Profile& p,
                                       const ActivationSettings& settings) {
    ActivationEngine::Config c;
    c.name = name;
    c.port = p.is_port();
    c.carrier_timeout = settings.carrier_timeout;
    c.v4 = policy_of(p.ipv4);
    c.v6 = policy_of(p.ipv6);
    c.run_started = settings.run_started;
    return c;
}

FamilyReport report_of(const IpFamily* f) {
    if (!f) return {};
    return {f->state(), f->reason()};
}

}  // namespace

DeviceActivation::DeviceActivation(LinkContext link, const profile::LoadedProfile& profile,
                                   std::optional<IfIndex> controller, ActivationSettings settings, Listener listener,
                                   SavedDevice saved)
    : link_(std::move(link)),
      profile_(profile),
      controller_(controller),
      settings_(settings),
      listener_(std::move(listener)),
      adopted_(std::move(saved.adopted)),
      remembered_lease_(std::move(saved.remembered_lease)),
      remembered_lease6_(std::move(saved.remembered_lease6)),
      kind_(kind_name(profile.profile.type)),
      engine_(engine_config(link_.name, profile.profile, settings)),
      timer_(link_.loop) {}

DeviceActivation::~DeviceActivation() = default;

template <typename F>
void DeviceActivation::handle(F&& event) {
    if (handling_) return event();
    handling_ = true;
    auto done = call_guarded([&] {
        event();
        drain();
    });
    if (!done) {
        engine_.fail_internal(done.error().message, boot_time_now());
        if (auto again = call_guarded([&] { drain(); }); !again)
            spdlog::error("{}: {}", link_.name, again.error().message);
    }
    if (auto armed = arm_timer(); !armed) {
        // Without its timer the device would wait for ever: it fails now.
        engine_.fail_internal("timer not armed: " + armed.error().message, boot_time_now());
        if (auto again = call_guarded([&] { drain(); }); !again)
            spdlog::error("{}: {}", link_.name, again.error().message);
        timer_.cancel();
    }
    handling_ = false;
    if (std::exchange(changed_, false)) listener_(*this);
}

void DeviceActivation::drain() {
    for (bool more = true; more;) {
        more = false;
        if (std::exchange(families_changed_, false)) {
            engine_.on_families(report_of(v4_.get()), report_of(v6_.get()),
                                (v4_ && v4_->has_address()) || (v6_ && v6_->has_address()), boot_time_now());
        }
        while (auto a = engine_.next_action()) {
            more = true;
            perform(*a);
        }
        more = more || families_changed_;
    }
}

void DeviceActivation::perform(const ActivationAction& action) {
    std::visit(
        [&](const auto& a) {
            using T = std::decay_t<decltype(a)>;
            if constexpr (std::is_same_v<T, StartIp>) {
                start_ip();
            } else if constexpr (std::is_same_v<T, ConfirmLease>) {
                if (v4_) v4_->on_carrier_regained();
                if (v6_) v6_->on_carrier_regained();
            } else if constexpr (std::is_same_v<T, StopFamilies>) {
                if (v4_) v4_->stop();
                if (v6_) v6_->stop();
            } else if constexpr (std::is_same_v<T, DropFamilies>) {
                v4_.reset();
                v6_.reset();
            } else if constexpr (std::is_same_v<T, TakeDown>) {
                if (v4_) v4_->stop();
                if (v6_) v6_->stop();
                v4_.reset();
                v6_.reset();
            } else if constexpr (std::is_same_v<T, DeviceChanged>) {
                changed_ = true;
            }
        },
        action);
}

Result<void> DeviceActivation::arm_timer() {
    auto deadline = engine_.next_deadline();
    if (!deadline) {
        timer_.cancel();
        return {};
    }
    return timer_.arm_in(std::max(Duration::zero(), *deadline - boot_time_now()),
                         [this] { handle([this] { engine_.on_timer(boot_time_now()); }); });
}

void DeviceActivation::on_family_changed() {
    families_changed_ = true;
    handle([] {});
}

void DeviceActivation::start(const netlink::Link& link) {
    handle([&] {
        engine_.start(boot_time_now());
        const profile::Profile& p = profile_.profile;
        if (adopted_) {
            spdlog::info("{}: adopting it with profile '{}' as the initrd left it", link_.name, p.id);
            created_ = adopted_->created;
        } else {
            spdlog::info("{}: activating with profile '{}'{}", link_.name, p.id, p.is_port() ? " as a port" : "");
            created_ = !link.kind.empty() && link.kind != "veth" && p.type != profile::ConnectionType::Ethernet;
            if (auto prepared = prepare_link(); !prepared)
                return engine_.on_link_failed(prepared.error().message, boot_time_now());
        }
        if (!p.is_port()) {
            std::optional<SavedDhcp6> saved6;
            if (adopted_ && adopted_->lease6)
                saved6 = SavedDhcp6{*adopted_->lease6, true};
            else if (remembered_lease6_)
                saved6 = SavedDhcp6{*remembered_lease6_, false};
            auto v6 = std::make_unique<Ipv6Setup>(
                link_, p.ipv6, seconds_or(p.ipv6.dhcp_timeout, kDefaultDhcpTimeout), [this] { on_family_changed(); },
                std::move(saved6));
            // An adopted device keeps its sysctls as the initrd set them.
            if (!adopted_) v6->prepare();
            v6_ = std::move(v6);
        }
        // Nor is an adopted link that is up touched.
        if (!adopted_ || !link.flags.up()) {
            auto up = netlink::link::set_up(*link_.sock, link_.ifindex);
            if (!up) return engine_.on_link_failed("cannot set it up: " + up.error().message, boot_time_now());
            timeline_mark("link-up", link_.name);
        }
        // Before IFF_UP the carrier bit means nothing for some drivers (a new
        // bridge reports carrier until it is opened): trust it only on a link
        // that was already up, and otherwise wait for the kernel's next word.
        engine_.on_link_up(link.flags.up() && link.carrier, boot_time_now());
    });
}

// IPv4 is made when carrier came, not when the activation began: a bond
// takes its first port's MAC only as that port is attached, and DHCP's chaddr,
// client identifier and ACD must use the MAC the link has now.
void DeviceActivation::make_ipv4() {
    const profile::Profile& p = profile_.profile;
    if (auto now = netlink::link::get(*link_.sock, link_.ifindex); now && now->mac && *now->mac != link_.mac) {
        spdlog::debug("{}: MAC is now {}", link_.name, now->mac->to_string());
        link_.mac = *now->mac;
    }
    auto v4 = p.ipv4;
    LinkContext ctx = link_;
    auto notify = [this] { on_family_changed(); };
    switch (v4.method) {
        case profile::IpMethod::Auto:
        case profile::IpMethod::Dhcp: {
            DhcpOptions o;
            o.client.mac = link_.mac;
            o.client.client_id = dhcp::default_client_id(link_.mac);
            o.client.hostname = v4.dhcp_hostname;
            o.client.vendor_class = v4.dhcp_vendor_class;
            o.client.timeout = seconds_or(v4.dhcp_timeout, kDefaultDhcpTimeout);
            o.client.attempts = p.autoconnect_retries > 0 ? p.autoconnect_retries : 1;
            o.engine.dad_timeout = dad_timeout(v4);
            o.set_mtu_from_lease = !p.ethernet || p.ethernet->mtu == 0;
            o.ignore_auto_dns = v4.ignore_auto_dns;
            o.profile_routes = v4.routes;
            o.engine.network_root = settings_.network_root && (settings_.network_root_device.empty() ||
                                                               settings_.network_root_device == link_.name);
            if (link_.mac.size() == HardwareAddress::kInfinibandLength && o.engine.dad_timeout > Duration::zero()) {
                // Our ARP code speaks Ethernet ARP only; IPoIB's (hardware type
                // 32, 20-byte addresses) is not written yet.
                spdlog::info("{}: no address conflict detection on InfiniBand", link_.name);
                o.engine.dad_timeout = Duration::zero();
            }
            // A saved lease's client identifier is the one the server bound it
            // to: kept, not recomputed from today's MAC.
            const state::LeaseRecord* saved_lease = adopted_ && adopted_->lease ? &*adopted_->lease
                                                    : remembered_lease_         ? &*remembered_lease_
                                                                                : nullptr;
            if (saved_lease && !saved_lease->client_id.empty()) o.client.client_id = saved_lease->client_id;
            if (adopted_ && adopted_->lease) {
                auto saved = from_lease_record(*adopted_->lease);
                if (saved)
                    o.engine.saved_lease = *saved;
                else
                    spdlog::warn("{}: {}, asking for its address again", link_.name, saved.error().message);
            }
            if (saved_lease && !o.engine.saved_lease) o.engine.init_reboot_address = saved_lease->address;
            v4_ = std::make_unique<Ipv4Dhcp>(ctx, o, notify);
            break;
        }
        case profile::IpMethod::Manual: v4_ = std::make_unique<Ipv4Static>(ctx, v4, dad_timeout(v4), notify); break;
        case profile::IpMethod::LinkLocal:
        case profile::IpMethod::Shared:
        case profile::IpMethod::Disabled:
        case profile::IpMethod::Ignore: break;  // see start_ip(): nothing to do, or not supported
    }
}

// [ethernet] auto-negotiate, speed, duplex (rd.ethtool=), as NetworkManager
// applies them: only when asked (a forced link that is already so is left
// alone, not renegotiated); a driver that cannot costs a warning, not the
// device.
void DeviceActivation::apply_link_settings(const profile::EthernetSettings& e) {
    netlink::WantedLinkSettings wanted{
        .autoneg = e.auto_negotiate.value_or(false),
        .speed_mbps = e.speed,
        .duplex = e.duplex == "full"   ? netlink::Duplex::Full
                  : e.duplex == "half" ? netlink::Duplex::Half
                                       : netlink::Duplex::Unknown,
    };
    if (!wanted.asks_anything()) return;
    if (!wanted.autoneg)
        if (auto now = netlink::link_settings::get(link_.name); now && wanted.matches(*now)) return;
    if (auto set = netlink::link_settings::set(link_.name, wanted); !set)
        spdlog::warn("{}: link settings not set: {}", link_.name, set.error().message);
    else
        spdlog::info("{}: link settings: {}", link_.name, wanted.to_string());
}

Result<void> DeviceActivation::prepare_link() {
    const profile::Profile& p = profile_.profile;
    netlink::Socket& sock = *link_.sock;
    if (p.ethernet && !p.ethernet->cloned_mac_address.empty()) {
        if (auto mac = HardwareAddress::parse_ethernet(p.ethernet->cloned_mac_address)) {
            auto set = netlink::link::set_mac(sock, link_.ifindex, *mac);
            if (!set)
                spdlog::warn("{}: MAC {} not set: {}", link_.name, mac->to_string(), set.error().message);
            else {
                spdlog::info("{}: MAC {}", link_.name, mac->to_string());
                link_.mac = *mac;
            }
        } else {
            spdlog::warn("{}: cloned-mac-address={} is not supported, keeping the MAC", link_.name,
                         p.ethernet->cloned_mac_address);
        }
    }
    if (p.ethernet && p.ethernet->mtu > 0) {
        auto set = netlink::link::set_mtu(sock, link_.ifindex, p.ethernet->mtu);
        if (!set)
            spdlog::warn("{}: MTU {} not set: {}", link_.name, p.ethernet->mtu, set.error().message);
        else
            spdlog::info("{}: MTU {}", link_.name, p.ethernet->mtu);
    }
    if (p.ethernet) apply_link_settings(*p.ethernet);
    if (p.is_port()) {
        if (!controller_) return unexpected(ErrorCode::Invalid, "its controller does not exist");
        auto attached = netlink::virtual_link::attach_port(sock, link_.ifindex, *controller_);
        if (!attached) return unexpected(attached.error().code, "cannot attach it: " + attached.error().message);
        spdlog::info("{}: attached to {}", link_.name, netlink::interface_label(sock, *controller_));
    }
    return {};
}

void DeviceActivation::on_link_changed(const netlink::Link& link) {
    handle([&] { engine_.on_carrier(link.carrier, boot_time_now()); });
}

void DeviceActivation::on_link_removed() {
    handle([&] { engine_.on_link_removed(boot_time_now()); });
}

void DeviceActivation::start_ip() {
    const profile::Profile& p = profile_.profile;
    if (p.ipv4.method == profile::IpMethod::LinkLocal || p.ipv4.method == profile::IpMethod::Shared)
        spdlog::warn("{}: ipv4.method={} is not supported, IPv4 left unconfigured", link_.name,
                     keyfile_method(p.ipv4.method));
    make_ipv4();
    if (v4_) v4_->start();
    // IPv4 may have decided the device already (may-fail=false and no client).
    engine_.on_families(report_of(v4_.get()), report_of(v6_.get()), false, boot_time_now());
    if (v6_ && engine_.outcome() == state::DeviceOutcome::Activating) v6_->start();
    families_changed_ = true;
}

void DeviceActivation::on_monitor_event(const netlink::MonitorEvent& event) {
    handle([&] {
        if (v6_) v6_->on_monitor_event(event);
    });
}

void DeviceActivation::fail_internal(const std::string& reason) {
    handle([&] { engine_.fail_internal(reason, boot_time_now()); });
}

void DeviceActivation::stop() {
    handle([&] { engine_.stop(); });
}

// Each family with a DHCP client renews (DHCPv4 and DHCPv6 alike); an error
// only when none could, saying why each could not.
Result<void> DeviceActivation::renew() {
    std::vector<std::string> renewed;
    std::optional<Error> refused;
    handle([&] {
        for (auto [family, protocol] : {std::pair{v4_.get(), "DHCPv4"}, std::pair{v6_.get(), "DHCPv6"}}) {
            if (!family) continue;
            auto r = family->renew();
            if (r) {
                renewed.push_back(protocol);
            } else if (r.error().code != ErrorCode::NotSupported) {
                spdlog::warn("{}: {} not renewed: {}", name(), protocol, r.error().message);
                if (!refused) refused = Error{r.error().code, std::string(protocol) + ": " + r.error().message, 0};
            }
        }
    });
    if (renewed.empty()) {
        if (refused) return unexpected(refused->code, name() + ": " + refused->message);
        return unexpected(ErrorCode::Invalid, name() + ": no DHCP client is running");
    }
    spdlog::info("{}: renewing the {} lease{}, as asked", name(),
                 renewed.size() == 2 ? "DHCPv4 and DHCPv6" : renewed[0], renewed.size() == 2 ? "s" : "");
    return {};
}

Result<void> DeviceActivation::take_down() {
    if (outcome() == state::DeviceOutcome::Down) return {};
    std::vector<IpPrefix> addresses = record().addresses;
    Result<void> done;
    handle([&] {
        engine_.take_down(boot_time_now());
        drain();  // the families stop before their addresses go
        done = deconfigure(addresses);
    });
    return done;
}

// The addresses removed first: IPv4 ones would outlive the link being down.
Result<void> DeviceActivation::deconfigure(const std::vector<IpPrefix>& addresses) {
    std::string problems;
    for (const auto& prefix : addresses) {
        netlink::Address a;
        a.ifindex = link_.ifindex;
        a.local = prefix;
        auto removed = netlink::address::remove(*link_.sock, a);
        if (removed || removed.error().sys_errno == EADDRNOTAVAIL)
            spdlog::info("{}: address {} removed", link_.name, prefix.to_string());
        else
            problems += (problems.empty() ? "" : "; ") + prefix.to_string() + ": " + removed.error().message;
    }
    if (auto down = netlink::link::set_down(*link_.sock, link_.ifindex); !down)
        problems += (problems.empty() ? "" : "; ") + std::string("cannot set it down: ") + down.error().message;
    if (!problems.empty()) return unexpected(ErrorCode::System, name() + ": " + problems);
    spdlog::info("{}: down", link_.name);
    return {};
}

state::DeviceRecord DeviceActivation::record() const {
    const profile::Profile& p = profile_.profile;
    state::DeviceRecord r;
    r.interface = link_.name;
    r.ifindex = link_.ifindex.value;
    r.mac = link_.mac.to_string();
    r.kind = kind_;
    r.created = created_;
    r.profile_id = p.id;
    r.profile_uuid = p.uuid;
    r.profile_file = profile_.path;
    r.ipv4_method = is_port() ? "disabled" : keyfile_method(p.ipv4.method);
    r.ipv6_method = is_port() ? "disabled" : keyfile_method(p.ipv6.method);
    for (const auto& d : p.ipv4.dns) r.dns.push_back(d);
    for (const auto& d : p.ipv6.dns) r.dns.push_back(d);
    r.hostname = p.ipv4.dhcp_hostname;
    if (p.ethernet && p.ethernet->mtu) r.mtu = p.ethernet->mtu;
    if (v4_) v4_->fill(r);
    if (v6_) v6_->fill(r);
    if (p.ipv4.method == profile::IpMethod::Manual && !p.ipv4.addresses.empty()) {
        r.static_from_cmdline = true;
        for (const auto& a : p.ipv4.addresses)
            if (a.address.is_v4()) {
                r.netmask = Ipv4Address::netmask(a.prefix).to_string();
                break;
            }
    }
    r.outcome = engine_.outcome();
    r.failure_reason = engine_.failure_reason();
    r.timings = engine_.timings();
    return r;
}

}  // namespace earlynet::device
