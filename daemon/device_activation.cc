#include "daemon/device_activation.h"

#include "daemon/lease_record.h"

#include "daemon/ipv4_dhcp.h"
#include "daemon/ipv4_static.h"
#include "daemon/ipv6_setup.h"
#include "daemon/lease_record.h"
#include "dhcp/acd_engine.h"
#include "dhcp/client_engine.h"
#include "netlink/virtual_link.h"
#include "spdlog/spdlog.h"

namespace earlynet::daemon {

namespace {

// NetworkManager's ipv4.dhcp-timeout default, and how long SLAAC is waited
// for when the profile says nothing (ipv6.ra-timeout's effective default).
constexpr Seconds kDefaultDhcpTimeout{45};
// ipv4.dad-timeout unset: probe for dhcp::kDefaultProbeTime (see there why).
constexpr auto kDefaultDadTimeout = dhcp::kDefaultProbeTime;

std::string keyfile_method(IpMethod m) { return to_string(m); }

const char* kind_name(ConnectionType t) {
    switch (t) {
    case ConnectionType::Ethernet:
        return "ethernet";
    case ConnectionType::Infiniband:
        return "infiniband";
    case ConnectionType::Bond:
        return "bond";
    case ConnectionType::Bridge:
        return "bridge";
    case ConnectionType::Team:
        return "team";
    case ConnectionType::Vlan:
        return "vlan";
    }
    return "ethernet";
}

Duration seconds_or(int s, Seconds fallback) { return s > 0 ? Duration(Seconds(s)) : Duration(fallback); }

}  // namespace

const char* to_string(IpFamily::State s) {
    switch (s) {
    case IpFamily::State::Pending:
        return "pending";
    case IpFamily::State::Ready:
        return "ready";
    case IpFamily::State::Failed:
        return "failed";
    case IpFamily::State::Skipped:
        return "skipped";
    }
    return "?";
}

DeviceActivation::DeviceActivation(LinkContext link, const LoadedProfile& profile, std::optional<IfIndex> controller,
                                   ActivationSettings settings, Listener listener,
                                   std::optional<state::DeviceRecord> adopted)
    : link_(std::move(link)), profile_(profile), controller_(controller), settings_(settings),
      listener_(std::move(listener)), adopted_(std::move(adopted)), kind_(kind_name(profile.profile.type)), carrier_timer_(link_.loop),
      v4_required_(link_.loop), v6_required_(link_.loop) {}

DeviceActivation::~DeviceActivation() = default;

std::chrono::milliseconds DeviceActivation::since_start() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(boot_time_now() - settings_.run_started);
}

void DeviceActivation::start(const netlink::Link& link) {
    timings_.to_link = since_start();
    const Profile& p = profile_.profile;
    if (adopted_) {
        spdlog::info("{}: adopting it with profile '{}' as the initrd left it", link_.name, p.id);
        created_ = adopted_->created;
    } else {
        spdlog::info("{}: activating with profile '{}'{}", link_.name, p.id, p.is_port() ? " as a port" : "");
        created_ = !link.kind.empty() && link.kind != "veth" && p.type != ConnectionType::Ethernet;
        prepare_link();
        if (outcome_ != state::DeviceOutcome::Activating) return;
    }

    if (!p.is_port()) {
        LinkContext ctx = link_;
        auto notify = [this] { evaluate(); };
        auto v6 = std::make_unique<Ipv6Setup>(ctx, p.ipv6, seconds_or(p.ipv6.dhcp_timeout, kDefaultDhcpTimeout),
                                              notify);
        v6->prepare();
        v6_ = std::move(v6);
    }

    auto up = netlink::link::set_up(*link_.sock, link_.ifindex);
    if (!up) return finish(state::DeviceOutcome::Failed, "cannot set it up: " + up.error().message);
    spdlog::debug("{}: up", link_.name);
    if (p.is_port()) return finish(state::DeviceOutcome::Activated);

    // Before IFF_UP the carrier bit means nothing for some drivers (a new
    // bridge reports carrier until it is opened): trust it only on a link
    // that was already up, and otherwise wait for the kernel's next word.
    carrier_ = link.flags.up() && link.carrier;
    if (carrier_) return on_carrier();
    spdlog::info("{}: waiting up to {} ms for carrier", link_.name, settings_.carrier_timeout.count());
    auto armed = carrier_timer_.arm_in(settings_.carrier_timeout, [this] {
        if (outcome_ != state::DeviceOutcome::Activating || carrier_) return;
        auto s = std::chrono::duration_cast<std::chrono::milliseconds>(settings_.carrier_timeout).count();
        finish(state::DeviceOutcome::Failed,
               "no carrier after " + (s % 1000 == 0 ? std::to_string(s / 1000) + " s" : std::to_string(s) + " ms"));
    });
    if (!armed) finish(state::DeviceOutcome::Failed, armed.error().message);
}

// IPv4 is made when carrier came, not when the activation began: a bond
// takes its first port's MAC only as that port is attached, and DHCP's chaddr,
// client identifier and ACD must use the MAC the link has now.
void DeviceActivation::make_ipv4() {
    const Profile& p = profile_.profile;
    if (auto now = netlink::link::get(*link_.sock, link_.ifindex); now && now->mac && *now->mac != link_.mac) {
        spdlog::debug("{}: MAC is now {}", link_.name, now->mac->to_string());
        link_.mac = *now->mac;
    }
    auto v4 = p.ipv4;
    LinkContext ctx = link_;
    auto notify = [this] { evaluate(); };
    switch (v4.method) {
    case IpMethod::Auto:
    case IpMethod::Dhcp: {
        DhcpOptions o;
        o.client.mac = link_.mac;
        o.client.client_id = dhcp::default_client_id(link_.mac);
        o.client.hostname = v4.dhcp_hostname;
        o.client.vendor_class = v4.dhcp_vendor_class;
        o.client.timeout = seconds_or(v4.dhcp_timeout, kDefaultDhcpTimeout);
        o.client.attempts = p.autoconnect_retries > 0 ? p.autoconnect_retries : 1;
        o.dad_timeout = v4.dad_timeout < 0 ? Duration(kDefaultDadTimeout)
                                            : Duration(std::chrono::milliseconds(v4.dad_timeout));
        o.set_mtu_from_lease = !p.ethernet || p.ethernet->mtu == 0;
        o.ignore_auto_dns = v4.ignore_auto_dns;
        o.profile_routes = v4.routes;
        o.network_root = settings_.network_root;
        if (link_.mac.size() == HardwareAddress::kInfinibandLength && o.dad_timeout > Duration::zero()) {
            // Our ARP code speaks Ethernet ARP only; IPoIB's (hardware type
            // 32, 20-byte addresses) is not written yet.
            spdlog::info("{}: no address conflict detection on InfiniBand", link_.name);
            o.dad_timeout = Duration::zero();
        }
        if (adopted_ && adopted_->lease) {
            auto saved = from_lease_record(*adopted_->lease);
            if (saved) o.saved_lease = *saved;
            else spdlog::warn("{}: {}, acquiring a new one", link_.name, saved.error().message);
        }
        v4_ = std::make_unique<Ipv4Dhcp>(ctx, o, notify);
        break;
    }
    case IpMethod::Manual:
        v4_ = std::make_unique<Ipv4Static>(ctx, v4,
                                           v4.dad_timeout < 0 ? Duration(kDefaultDadTimeout)
                                                              : Duration(std::chrono::milliseconds(v4.dad_timeout)),
                                           notify);
        break;
    case IpMethod::LinkLocal:
    case IpMethod::Shared:
    case IpMethod::Disabled:
    case IpMethod::Ignore:
        break;  // see start_ip(): nothing to do, or not supported
    }
}

void DeviceActivation::prepare_link() {
    const Profile& p = profile_.profile;
    netlink::Socket& sock = *link_.sock;
    if (p.ethernet && !p.ethernet->cloned_mac_address.empty()) {
        if (auto mac = HardwareAddress::parse_ethernet(p.ethernet->cloned_mac_address)) {
            auto set = netlink::link::set_mac(sock, link_.ifindex, *mac);
            if (!set) spdlog::warn("{}: MAC {} not set: {}", link_.name, mac->to_string(), set.error().message);
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
        if (!set) spdlog::warn("{}: MTU {} not set: {}", link_.name, p.ethernet->mtu, set.error().message);
        else spdlog::info("{}: MTU {}", link_.name, p.ethernet->mtu);
    }
    if (p.is_port()) {
        if (!controller_) return finish(state::DeviceOutcome::Failed, "its controller does not exist");
        auto attached = netlink::virtual_link::attach_port(sock, link_.ifindex, *controller_);
        if (!attached) return finish(state::DeviceOutcome::Failed, "cannot attach it: " + attached.error().message);
        spdlog::info("{}: attached to {}", link_.name, netlink::interface_label(sock, *controller_));
    }
}

void DeviceActivation::on_link_changed(const netlink::Link& link) {
    bool had = carrier_;
    carrier_ = link.carrier;
    if (carrier_ && !had) {
        spdlog::info("{}: carrier", link_.name);
        if (outcome_ == state::DeviceOutcome::Activating && !ip_started_ && !is_port()) on_carrier();
        else if (ip_started_ && v4_) v4_->on_carrier_regained();
    } else if (!carrier_ && had) {
        spdlog::warn("{}: carrier lost", link_.name);
    }
}

void DeviceActivation::on_link_removed() {
    spdlog::warn("{}: the device disappeared", link_.name);
    v4_.reset();
    v6_.reset();
    if (outcome_ == state::DeviceOutcome::Activating) finish(state::DeviceOutcome::Failed, "the device disappeared");
}

void DeviceActivation::on_carrier() {
    carrier_timer_.cancel();
    if (!timings_.to_carrier) timings_.to_carrier = since_start();
    start_ip();
}

void DeviceActivation::start_ip() {
    ip_started_ = true;
    const Profile& p = profile_.profile;
    auto arm_required = [&](EventTimer& timer, bool& over, const IpSettings& s, const char* family) {
        if (s.required_timeout <= 0 || !s.may_fail) return;
        auto armed = timer.arm_in(std::chrono::milliseconds(s.required_timeout), [this, &over, family] {
            spdlog::info("{}: {} required-timeout over", link_.name, family);
            over = true;
            evaluate();
        });
        if (!armed) over = true;
    };
    arm_required(v4_required_, v4_required_over_, p.ipv4, "IPv4");
    arm_required(v6_required_, v6_required_over_, p.ipv6, "IPv6");
    if (p.ipv4.method == IpMethod::LinkLocal || p.ipv4.method == IpMethod::Shared)
        spdlog::warn("{}: ipv4.method={} is not supported, IPv4 left unconfigured", link_.name,
                     keyfile_method(p.ipv4.method));
    if (!is_port()) make_ipv4();
    if (v4_) v4_->start();
    if (v6_ && outcome_ == state::DeviceOutcome::Activating) v6_->start();
    evaluate();
}

void DeviceActivation::on_monitor_event(const netlink::MonitorEvent& event) {
    if (v6_) v6_->on_monitor_event(event);
}

void DeviceActivation::evaluate() {
    if (!ip_started_) return;
    if (outcome_ != state::DeviceOutcome::Activating) {
        if (!timings_.to_address && !record().addresses.empty()) timings_.to_address = since_start();
        listener_(*this);  // a renewal, a late IPv6 address
        return;
    }
    using S = IpFamily::State;
    struct Family {
        const IpFamily* f;
        const IpSettings& s;
        bool required_over;
        const char* name;
    };
    const Profile& p = profile_.profile;
    Family families[] = {{v4_.get(), p.ipv4, v4_required_over_, "IPv4"}, {v6_.get(), p.ipv6, v6_required_over_, "IPv6"}};
    bool any_pending = false, any_ready = false, all_skipped = true, hold = false;
    std::string reasons;
    for (const auto& fam : families) {
        S st = fam.f ? fam.f->state() : S::Skipped;
        if (st == S::Failed) {
            if (!reasons.empty()) reasons += "; ";
            reasons += fam.f->reason();
            if (!fam.s.may_fail) return finish(state::DeviceOutcome::Failed, fam.f->reason());
        }
        if (st != S::Skipped) all_skipped = false;
        if (st == S::Ready) any_ready = true;
        if (st == S::Pending) {
            any_pending = true;
            if (!fam.s.may_fail || (fam.s.required_timeout > 0 && !fam.required_over)) hold = true;
        }
    }
    if (any_ready && !timings_.to_address) timings_.to_address = since_start();
    if (!any_pending) {
        if (any_ready || all_skipped) return finish(state::DeviceOutcome::Activated);
        return finish(state::DeviceOutcome::Failed, reasons);
    }
    if (any_ready && !hold) return finish(state::DeviceOutcome::Activated);
}

void DeviceActivation::finish(state::DeviceOutcome outcome, std::string reason) {
    outcome_ = outcome;
    failure_ = std::move(reason);
    carrier_timer_.cancel();
    if (outcome == state::DeviceOutcome::Activated) {
        timings_.to_online = since_start();
        spdlog::info("{}: activated in {} ms", link_.name, timings_.to_online->count());
    } else {
        spdlog::error("{}: failed: {}", link_.name, failure_);
        // A failed device keeps nothing running (autoconnect-retries=1). The
        // families stay allocated: one of them may be what called us.
        stop();
    }
    listener_(*this);
}

void DeviceActivation::fail_internal(const std::string& reason) {
    if (outcome_ == state::DeviceOutcome::Activating) return finish(state::DeviceOutcome::Failed, reason);
    spdlog::error("{}: {}, stopping its DHCP client and probes", link_.name, reason);
    stop();
}

void DeviceActivation::stop() {
    if (v4_) v4_->stop();
    carrier_timer_.cancel();
    v4_required_.cancel();
    v6_required_.cancel();
}

state::DeviceRecord DeviceActivation::record() const {
    const Profile& p = profile_.profile;
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
    if (p.ipv4.method == IpMethod::Manual && !p.ipv4.addresses.empty()) {
        r.static_from_cmdline = true;
        for (const auto& a : p.ipv4.addresses)
            if (a.address.is_v4()) {
                r.netmask = Ipv4Address::netmask(a.prefix).to_string();
                break;
            }
    }
    r.outcome = outcome_;
    r.failure_reason = failure_;
    r.timings = timings_;
    return r;
}

}  // namespace earlynet::daemon
