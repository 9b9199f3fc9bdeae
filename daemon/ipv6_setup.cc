#include "daemon/ipv6_setup.h"

#include "daemon/ipv4_routes.h"
#include "netlink/address.h"
#include "netlink/ipv6_sysctl.h"
#include "netlink/route.h"
#include "spdlog/spdlog.h"

namespace earlynet::daemon {

namespace {

bool is_link_local(const IpAddress& a) {
    return !a.is_v4() && a.v6().bytes()[0] == 0xfe && (a.v6().bytes()[1] & 0xc0) == 0x80;
}

bool usable(const netlink::Address& a) {
    using netlink::AddressFlag;
    return !a.flags.has(AddressFlag::Tentative) && !a.flags.has(AddressFlag::DadFailed);
}

}  // namespace

Ipv6Setup::Ipv6Setup(LinkContext link, IpSettings settings, Duration timeout, Listener listener)
    : IpFamily(std::move(listener)), link_(std::move(link)), settings_(std::move(settings)), timeout_(timeout),
      timer_(link_.loop) {}

void Ipv6Setup::prepare() {
    namespace sysctl = netlink::ipv6_sysctl;
    auto warn = [&](const Result<void>& r) {
        if (!r) spdlog::warn("{}: {}", link_.name, r.error().message);
    };
    switch (settings_.method) {
    case IpMethod::Disabled:
        warn(sysctl::set_disable_ipv6(link_.name, true));
        return;
    case IpMethod::Ignore:
    case IpMethod::Shared:
        return;
    case IpMethod::Auto:
    case IpMethod::Dhcp:
        warn(sysctl::set_disable_ipv6(link_.name, false));
        warn(sysctl::set_accept_ra(link_.name, netlink::AcceptRa::On));
        warn(sysctl::set_autoconf(link_.name, true));
        return;
    case IpMethod::Manual:
    case IpMethod::LinkLocal:
        warn(sysctl::set_disable_ipv6(link_.name, false));
        warn(sysctl::set_accept_ra(link_.name, netlink::AcceptRa::Off));
        warn(sysctl::set_autoconf(link_.name, false));
        return;
    }
}

void Ipv6Setup::start() {
    deliver([this] { begin(); });
}

void Ipv6Setup::begin() {
    switch (settings_.method) {
    case IpMethod::Disabled:
    case IpMethod::Ignore:
        set_state(State::Skipped);
        return;
    case IpMethod::Shared:
        set_state(State::Failed, "ipv6.method=shared is not supported in early boot");
        return;
    case IpMethod::Dhcp:
        set_state(State::Failed, "ipv6.method=dhcp: DHCPv6 is not supported yet");
        return;
    case IpMethod::Manual:
        configure_manual();
        if (state() != State::Pending) return;
        break;
    case IpMethod::Auto:
        spdlog::info("{}: waiting for an IPv6 router advertisement", link_.name);
        break;
    case IpMethod::LinkLocal:
        break;
    }
    auto armed = timer_.arm_in(timeout_, [this] { deliver([this] { on_timeout(); }); });
    if (!armed) spdlog::warn("{}: {}", link_.name, armed.error().message);
    // Addresses that were already there (the link was up before us).
    auto existing = netlink::address::list(*link_.sock, {AddressFamily::V6, link_.ifindex});
    if (existing)
        for (const auto& a : *existing)
            if (wanted(a) && usable(a)) usable_.push_back(a);
    check_done();
}

void Ipv6Setup::on_timeout() {
    if (state() != State::Pending) return;
    auto secs = std::chrono::duration_cast<Seconds>(timeout_).count();
    set_state(State::Failed, settings_.method == IpMethod::Auto
                                 ? "no usable IPv6 address from router advertisements after " +
                                       std::to_string(secs) + " s"
                                 : "IPv6 addresses not usable after " + std::to_string(secs) + " s");
}

void Ipv6Setup::configure_manual() {
    for (const auto& prefix : settings_.addresses) {
        if (prefix.address.is_v4()) continue;
        netlink::Address a;
        a.ifindex = link_.ifindex;
        a.local = prefix;
        auto added = netlink::address::replace(*link_.sock, a);
        if (!added) {
            set_state(State::Failed, "cannot add " + prefix.to_string() + ": " + added.error().message);
            return;
        }
    }
}

bool Ipv6Setup::wanted(const netlink::Address& a) const {
    if (a.ifindex != link_.ifindex || a.local.address.is_v4()) return false;
    switch (settings_.method) {
    case IpMethod::Auto:
        return !is_link_local(a.local.address) && a.scope == netlink::AddressScope::Universe;
    case IpMethod::LinkLocal:
        return is_link_local(a.local.address);
    case IpMethod::Manual:
        for (const auto& p : settings_.addresses)
            if (p == a.local) return true;
        return false;
    case IpMethod::Disabled:
    case IpMethod::Ignore:
    case IpMethod::Dhcp:
    case IpMethod::Shared:
        return false;
    }
    return false;
}

void Ipv6Setup::on_monitor_event(const netlink::MonitorEvent& event) {
    deliver([&] { on_address_event(event); });
}

void Ipv6Setup::on_address_event(const netlink::MonitorEvent& event) {
    if (state() != State::Pending) return;
    std::visit(
        [&](const auto& e) {
            using T = std::decay_t<decltype(e)>;
            if constexpr (std::is_same_v<T, netlink::AddressAdded> || std::is_same_v<T, netlink::AddressUsable> ||
                          std::is_same_v<T, netlink::AddressChanged>) {
                if (!wanted(e.address) || !usable(e.address)) return;
                for (const auto& u : usable_)
                    if (u.local == e.address.local) return;
                usable_.push_back(e.address);
                check_done();
            } else if constexpr (std::is_same_v<T, netlink::AddressDadFailed>) {
                if (!wanted(e.address)) return;
                spdlog::error("{}: IPv6 duplicate address detection failed for {}", link_.name,
                              e.address.local.to_string());
                if (settings_.method == IpMethod::Manual)
                    set_state(State::Failed, "IPv6 address " + e.address.local.to_string() + " is in use on the link");
            }
        },
        event);
}

void Ipv6Setup::check_done() {
    if (state() != State::Pending) return;
    std::size_t need = 1;
    if (settings_.method == IpMethod::Manual) {
        need = 0;
        for (const auto& p : settings_.addresses) need += p.address.is_v4() ? 0 : 1;
    }
    if (usable_.size() < need) return;
    timer_.cancel();
    if (settings_.method == IpMethod::Manual) {
        for (const auto& r : profile_routes(settings_, link_.ifindex, nullptr)) {
            auto added = netlink::route::replace(*link_.sock, r);
            if (!added) spdlog::warn("{}: route {} not added: {}", link_.name, r.to_string(), added.error().message);
        }
    }
    for (const auto& a : usable_) spdlog::info("{}: address {}", link_.name, a.local.to_string());
    set_state(State::Ready);
}

bool Ipv6Setup::has_address() const {
    return state() == State::Ready &&
           std::any_of(usable_.begin(), usable_.end(), [](const auto& a) { return !is_link_local(a.local.address); });
}

void Ipv6Setup::fill(state::DeviceRecord& record) const {
    if (state() != State::Ready) return;
    for (const auto& a : usable_)
        if (!is_link_local(a.local.address)) record.addresses.push_back(a.local);
    if (settings_.method == IpMethod::Manual) {
        for (const auto& r : profile_routes(settings_, link_.ifindex, nullptr))
            record.routes.push_back({r.destination, r.gateway});
    }
}

}  // namespace earlynet::daemon
