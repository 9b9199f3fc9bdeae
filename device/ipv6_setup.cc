#include "device/ipv6_setup.h"

#include <systemd/sd-id128.h>

#include "base/log.h"
#include "device/ipv4_routes.h"
#include "device/lease_record.h"
#include "netlink/address.h"
#include "netlink/ipv6_sysctl.h"
#include "netlink/route.h"

namespace earlynet::device {

namespace {

bool is_link_local(const IpAddress& a) {
    return !a.is_v4() && a.v6().bytes()[0] == 0xfe && (a.v6().bytes()[1] & 0xc0) == 0x80;
}

bool usable(const netlink::Address& a) {
    using netlink::AddressFlag;
    return !a.flags.has(AddressFlag::Tentative) && !a.flags.has(AddressFlag::DadFailed);
}

// An option of the lease decoded by the DHCPv6 option table as T (a list of
// addresses, of names); empty when absent or malformed.
template <typename T>
T option_value(const std::vector<dhcp::Dhcp6Option>& options, std::uint16_t code) {
    for (const auto& o : options)
        if (o.code == code)
            if (auto v = dhcp::decode_dhcp6_option(*dhcp::find_dhcp6_option(code), o.data))
                if (auto* typed = std::get_if<T>(&*v)) return *typed;
    return {};
}

}  // namespace

std::vector<std::uint8_t> dhcp6_duid(const HardwareAddress& mac) {
    // systemd's application id for DUID-UUID (src/libsystemd-network/dhcp-identifier.c).
    constexpr sd_id128_t kApplication = SD_ID128_MAKE(a5, 0a, d1, 12, bf, 60, 45, 77, a2, fb, 74, 1a, b1, 95, 5b, 03);
    sd_id128_t id;
    if (sd_id128_get_machine_app_specific(kApplication, &id) == 0) {
        std::vector<std::uint8_t> duid{0, 4};
        duid.insert(duid.end(), std::begin(id.bytes), std::end(id.bytes));
        return duid;
    }
    // DUID-LL: hardware type (Ethernet, or InfiniBand for a 20-byte
    // address) and the address. Not DUID-LLT: RFC 8415 11.2 wants that kept
    // in stable storage, which an initramfs does not have; made anew at
    // every boot it would make a diskless machine a new client every time.
    std::uint16_t type = mac.size() == HardwareAddress::kInfinibandLength ? 32 : 1;
    std::vector<std::uint8_t> duid{0, 3, static_cast<std::uint8_t>(type >> 8), static_cast<std::uint8_t>(type)};
    for (auto b : mac.bytes()) duid.push_back(b);
    return duid;
}

std::uint32_t dhcp6_iaid(const HardwareAddress& mac) {
    std::uint32_t iaid = 0;
    for (auto b : mac.bytes()) iaid = iaid << 8 | b;
    return iaid;
}

Ipv6Setup::Ipv6Setup(LinkContext link, profile::IpSettings settings, Duration timeout, Listener listener,
                     std::optional<SavedDhcp6> saved)
    : IpFamily(std::move(listener)),
      link_(std::move(link)),
      settings_(std::move(settings)),
      timeout_(timeout),
      timer_(link_.loop),
      saved_(std::move(saved)) {
    if (saved_ && !saved_->lease.client_duid.empty()) {
        duid_ = saved_->lease.client_duid;
        iaid_ = saved_->lease.iaid;
    } else {
        duid_ = dhcp6_duid(link_.mac);
        iaid_ = dhcp6_iaid(link_.mac);
    }
}

std::optional<dhcp::Dhcp6Lease> Ipv6Setup::lease_to_continue() const {
    if (!saved_ || !saved_->adopted) return std::nullopt;
    if (settings_.method != profile::IpMethod::Dhcp && settings_.method != profile::IpMethod::Auto) return std::nullopt;
    auto lease = from_lease6_record(saved_->lease, boot_time_now());
    if (!lease) {
        spdlog::warn("{}: {}, soliciting", link_.name, lease.error().message);
        return std::nullopt;
    }
    return *lease;
}

void Ipv6Setup::prepare() {
    namespace sysctl = netlink::ipv6_sysctl;
    auto warn = [&](const Result<void>& r) {
        if (!r) spdlog::warn("{}: {}", link_.name, r.error().message);
    };
    switch (settings_.method) {
        case profile::IpMethod::Disabled: warn(sysctl::set_disable_ipv6(link_.name, true)); return;
        case profile::IpMethod::Ignore:
        case profile::IpMethod::Shared: return;
        case profile::IpMethod::Auto:
        case profile::IpMethod::Dhcp:
            warn(sysctl::set_disable_ipv6(link_.name, false));
            warn(sysctl::set_accept_ra(link_.name, netlink::AcceptRa::On));
            warn(sysctl::set_autoconf(link_.name, true));
            return;
        case profile::IpMethod::Manual:
        case profile::IpMethod::LinkLocal:
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
        case profile::IpMethod::Disabled:
        case profile::IpMethod::Ignore: set_state(State::Skipped); return;
        case profile::IpMethod::Shared:
            set_state(State::Failed, "ipv6.method=shared is not supported in early boot");
            return;
        case profile::IpMethod::Dhcp: break;
        case profile::IpMethod::Manual:
            configure_manual();
            if (state() != State::Pending) return;
            break;
        case profile::IpMethod::Auto:
            spdlog::info("{}: waiting for an IPv6 router advertisement", link_.name);
            // One may have come already (the link was up before us).
            if (auto flags = netlink::link::ipv6_router_flags(*link_.sock, link_.ifindex); flags && flags->received)
                on_router_flags(*flags);
            break;
        case profile::IpMethod::LinkLocal: break;
    }
    auto armed = timer_.arm_in(timeout_, [this] { deliver([this] { on_timeout(); }); });
    if (!armed) spdlog::warn("{}: {}", link_.name, armed.error().message);
    // A lease the initrd left is continued as soon as a link-local address
    // is usable, router advertisement or not (auto): the server knows this
    // client. Without one, DHCPv6 starts as it would have.
    continued_ = lease_to_continue();
    saved_.reset();
    if (continued_) want_dhcp6(Dhcp6Mode::Stateful);
    // Addresses that were already there (the link was up before us).
    auto existing = netlink::address::list(*link_.sock, {AddressFamily::V6, link_.ifindex});
    if (existing)
        for (const auto& a : *existing) {
            if (wanted(a) && usable(a)) usable_.push_back(a);
            if (is_link_local(a.local.address) && usable(a)) on_link_local_usable();
        }
    if (settings_.method == profile::IpMethod::Dhcp) want_dhcp6(Dhcp6Mode::Stateful);
    check_done();
}

void Ipv6Setup::stop() {
    timer_.cancel();
    if (dhcp6_) dhcp6_->stop();
}

void Ipv6Setup::on_router_flags(const netlink::Ipv6RouterFlags& flags) {
    if (settings_.method != profile::IpMethod::Auto || flags.index != link_.ifindex) return;
    if (flags.managed)
        want_dhcp6(Dhcp6Mode::Stateful);
    else if (flags.other)
        want_dhcp6(Dhcp6Mode::Stateless);
}

// A router advertisement can come before our link-local address has passed
// DAD; a SOLICIT sent then fails and would wait for its retransmission (1 s,
// then 2 s). It waits for the address instead.
void Ipv6Setup::want_dhcp6(Dhcp6Mode mode) {
    if (!wanted_dhcp6_ || mode == Dhcp6Mode::Stateful) wanted_dhcp6_ = mode;
    if (link_local_usable_) start_dhcp6(*wanted_dhcp6_);
}

void Ipv6Setup::on_link_local_usable() {
    if (link_local_usable_) return;
    link_local_usable_ = true;
    if (wanted_dhcp6_) start_dhcp6(*wanted_dhcp6_);
}

// DHCPv6 speaks from a link-local address: started once one is usable (for
// auto, once a router advertisement asked for it: it came to that address).
// A stateless client becomes a stateful one when the router starts saying M.
void Ipv6Setup::start_dhcp6(Dhcp6Mode mode) {
    bool upgrade = dhcp6_ && dhcp6_mode_ == Dhcp6Mode::Stateless && mode == Dhcp6Mode::Stateful;
    if (dhcp6_ && !upgrade) return;
    if (!upgrade && state() != State::Pending) return;
    if (dhcp6_) dhcp6_->stop();
    dhcp6_mode_ = mode;
    dhcp::Dhcp6Config config;
    config.duid = duid_;
    config.iaid = iaid_;
    config.timeout = timeout_;
    auto adapter = dhcp::Dhcp6Adapter::create(link_.loop, link_.ifindex, config, link_.seed ^ 0x6,
                                              [this] { deliver([this] { drain_dhcp6(); }); });
    if (!adapter) {
        set_state(State::Failed, "DHCPv6: " + adapter.error().message);
        return;
    }
    dhcp6_ = std::move(*adapter);
    if (auto saved = std::exchange(continued_, std::nullopt); saved && mode == Dhcp6Mode::Stateful) {
        spdlog::info("{}: continuing DHCPv6 lease {}, renewing at T1", link_.name,
                     saved->ia.addresses.front().address.to_string());
        apply_dhcp6_lease(*saved);
        dhcp6_->start_bound(*saved);
    } else if (mode == Dhcp6Mode::Stateful) {
        spdlog::info("{}: DHCPv6 solicit", link_.name);
        dhcp6_->start();
    } else {
        spdlog::info("{}: DHCPv6 information request (the router's O flag)", link_.name);
        dhcp6_->start_information_request();
    }
    drain_dhcp6();
}

void Ipv6Setup::drain_dhcp6() {
    while (dhcp6_) {
        auto action = dhcp6_->next_action();
        if (!action) return;
        std::visit(
            [&](auto& a) {
                using T = std::decay_t<decltype(a)>;
                if constexpr (std::is_same_v<T, dhcp::Dhcp6Bound> || std::is_same_v<T, dhcp::Dhcp6Extended>) {
                    for (const auto& ia : a.lease.ia.addresses)
                        spdlog::info("{}: DHCPv6 lease {}/128, valid {} s{}", link_.name, ia.address.to_string(),
                                     ia.valid_s, std::is_same_v<T, dhcp::Dhcp6Extended> ? " (renewed)" : "");
                    apply_dhcp6_lease(a.lease);
                } else if constexpr (std::is_same_v<T, dhcp::Dhcp6Lost>) {
                    spdlog::warn("{}: DHCPv6 lease lost", link_.name);
                    remove_dhcp6_addresses(a.lease);
                } else if constexpr (std::is_same_v<T, dhcp::Dhcp6InformationReceived>) {
                    spdlog::info("{}: DHCPv6 information received", link_.name);
                    information_ = a.options;
                    changed();
                } else if constexpr (std::is_same_v<T, dhcp::Dhcp6Failed>) {
                    // With auto, SLAAC may still give an address: only the
                    // family's own timeout fails it.
                    if (state() == State::Pending && settings_.method == profile::IpMethod::Dhcp)
                        set_state(State::Failed, a.error.message);
                    else
                        spdlog::warn("{}: DHCPv6: {}", link_.name, a.error.message);
                } else if constexpr (std::is_same_v<T, dhcp::Dhcp6Ignored>) {
                    spdlog::debug("{}: DHCPv6: {}", link_.name, a.reason);
                } else if constexpr (std::is_same_v<T, dhcp::Dhcp6StateChanged>) {
                    spdlog::debug("{}: DHCPv6 {} -> {}", link_.name, to_string(a.from), to_string(a.to));
                }
            },
            *action);
    }
}

Result<void> Ipv6Setup::renew() {
    if (!dhcp6_) return unexpected(ErrorCode::NotSupported, "no DHCPv6 client is running");
    Result<void> renewed;
    deliver([&] {
        renewed = dhcp6_->renew();
        drain_dhcp6();
    });
    return renewed;
}

void Ipv6Setup::on_carrier_regained() {
    deliver([this] {
        if (dhcp6_) dhcp6_->link_up();
        drain_dhcp6();
    });
}

netlink::Address Ipv6Setup::leased_address(const dhcp::Dhcp6IaAddress& ia) const {
    netlink::Address a;
    a.ifindex = link_.ifindex;
    a.local = IpPrefix{IpAddress(ia.address), 128};
    return a;
}

bool Ipv6Setup::leased(const netlink::Address& a) const {
    if (!lease6_ || a.ifindex != link_.ifindex) return false;
    for (const auto& ia : lease6_->ia.addresses)
        if (a.local == leased_address(ia).local) return true;
    return false;
}

// A leased address that passed DAD, in any state (a lease acquired again
// after a loss comes when the family is long ready).
void Ipv6Setup::track_usable(const netlink::Address& a) {
    if (!leased(a) || !usable(a)) return;
    for (const auto& u : usable_)
        if (u.local == a.local) return;
    usable_.push_back(a);
    if (state() == State::Pending)
        check_done();
    else
        changed();
}

void Ipv6Setup::apply_dhcp6_lease(const dhcp::Dhcp6Lease& lease) {
    // Addresses the server no longer gives go now, not at their lifetime's end.
    if (lease6_) {
        dhcp::Dhcp6Lease gone = *lease6_;
        std::erase_if(gone.ia.addresses, [&](const dhcp::Dhcp6IaAddress& old) {
            return std::any_of(lease.ia.addresses.begin(), lease.ia.addresses.end(),
                               [&](const auto& now) { return now.address == old.address && now.valid_s != 0; });
        });
        if (!gone.ia.addresses.empty()) remove_dhcp6_addresses(gone);
    }
    lease6_ = lease;
    std::erase_if(lease6_->ia.addresses, [](const dhcp::Dhcp6IaAddress& a) { return a.valid_s == 0; });
    // Lifetimes run from the REPLY (long ago for a lease continued after
    // switch_root): the kernel gets what is left of them.
    const BootTime now = boot_time_now();
    for (const auto& ia : lease6_->ia.addresses) {
        auto left = dhcp::dhcp6_remaining(ia, lease.acquired_at, now);
        if (!left) continue;  // over (from_lease6_record drops those)
        netlink::Address a = leased_address(ia);
        if (left->valid_s != 0xffffffff) a.valid_lifetime = std::chrono::seconds(left->valid_s);
        if (left->preferred_s != 0xffffffff) a.preferred_lifetime = std::chrono::seconds(left->preferred_s);
        if (auto added = netlink::address::replace(*link_.sock, a); !added)
            spdlog::warn("{}: {} not added: {}", link_.name, a.local.to_string(), added.error().message);
    }
    changed();
}

void Ipv6Setup::remove_dhcp6_addresses(const dhcp::Dhcp6Lease& lease) {
    for (const auto& ia : lease.ia.addresses) {
        netlink::Address a = leased_address(ia);
        (void)netlink::address::remove(*link_.sock, a);
        std::erase_if(usable_, [&](const netlink::Address& u) { return u.local == a.local; });
    }
    if (lease6_ && lease6_->ia.addresses == lease.ia.addresses) lease6_.reset();
    changed();
}

void Ipv6Setup::on_timeout() {
    if (state() != State::Pending) return;
    auto secs = std::chrono::duration_cast<Seconds>(timeout_).count();
    set_state(State::Failed,
              settings_.method == profile::IpMethod::Auto
                  ? "no usable IPv6 address from router advertisements after " + std::to_string(secs) + " s"
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
        case profile::IpMethod::Auto:
            return !is_link_local(a.local.address) && a.scope == netlink::AddressScope::Universe;
        case profile::IpMethod::LinkLocal: return is_link_local(a.local.address);
        case profile::IpMethod::Manual:
            for (const auto& p : settings_.addresses)
                if (p == a.local) return true;
            return false;
        case profile::IpMethod::Dhcp: return leased(a);
        case profile::IpMethod::Disabled:
        case profile::IpMethod::Ignore:
        case profile::IpMethod::Shared: return false;
    }
    return false;
}

void Ipv6Setup::on_monitor_event(const netlink::MonitorEvent& event) {
    deliver([&] { on_address_event(event); });
}

void Ipv6Setup::on_address_event(const netlink::MonitorEvent& event) {
    // DHCPv6 starts once the link-local address is usable (dhcp) or the
    // router asks for it (auto); a leased address that fails DAD is declined
    // even after the family is ready.
    if (settings_.method == profile::IpMethod::Dhcp || settings_.method == profile::IpMethod::Auto) {
        std::visit(
            [&](const auto& e) {
                using T = std::decay_t<decltype(e)>;
                if constexpr (std::is_same_v<T, netlink::RouterFlagsChanged>) {
                    on_router_flags(e.flags);
                } else if constexpr (std::is_same_v<T, netlink::AddressAdded> ||
                                     std::is_same_v<T, netlink::AddressUsable> ||
                                     std::is_same_v<T, netlink::AddressChanged>) {
                    if (e.address.ifindex == link_.ifindex && is_link_local(e.address.local.address) &&
                        usable(e.address))
                        on_link_local_usable();
                    track_usable(e.address);
                } else if constexpr (std::is_same_v<T, netlink::AddressDadFailed>) {
                    if (dhcp6_ && leased(e.address)) {
                        spdlog::error("{}: DHCPv6 address {} is in use on the link, declining it", link_.name,
                                      e.address.local.to_string());
                        remove_dhcp6_addresses(*lease6_);
                        dhcp6_->decline();
                    }
                }
            },
            event);
    }
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
                if (settings_.method == profile::IpMethod::Manual)
                    set_state(State::Failed, "IPv6 address " + e.address.local.to_string() + " is in use on the link");
            }
        },
        event);
}

void Ipv6Setup::check_done() {
    if (state() != State::Pending) return;
    std::size_t need = 1;
    if (settings_.method == profile::IpMethod::Manual) {
        need = 0;
        for (const auto& p : settings_.addresses) need += p.address.is_v4() ? 0 : 1;
    }
    if (usable_.size() < need) return;
    timer_.cancel();
    if (settings_.method == profile::IpMethod::Manual) {
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
    if (settings_.method == profile::IpMethod::Manual) {
        for (const auto& r : profile_routes(settings_, link_.ifindex, nullptr))
            record.routes.push_back({r.destination, r.gateway});
    }
    const std::vector<dhcp::Dhcp6Option>& options = lease6_ ? lease6_->options : information_;
    for (const auto& a : option_value<std::vector<Ipv6Address>>(options, dhcp::dhcp6_option::kDnsServers))
        record.dns.push_back(IpAddress(a));
    for (const auto& name : option_value<std::vector<std::string>>(options, dhcp::dhcp6_option::kDomainList))
        record.dns_search.push_back(name);
    if (lease6_) record.lease6 = to_lease6_record(*lease6_, duid_, iaid_);
}

}  // namespace earlynet::device
