#include "device/ipv4_dhcp.h"

#include "base/guard.h"
#include "base/log.h"
#include "device/ipv4_routes.h"
#include "device/lease_record.h"
#include "device/timeline.h"
#include "netlink/address.h"
#include "netlink/link.h"
#include "netlink/route.h"

namespace earlynet::device {

namespace {

Ipv4DhcpEngine::Config engine_config(const LinkContext& link, Ipv4DhcpEngine::Config config) {
    config.name = link.name;
    config.mac = link.mac;
    return config;
}

}  // namespace

Ipv4Dhcp::Ipv4Dhcp(LinkContext link, DhcpOptions options, Listener listener)
    : IpFamily(std::move(listener)),
      link_(std::move(link)),
      options_(std::move(options)),
      engine_(engine_config(link_, options_.engine)),
      timer_(link_.loop) {}

Ipv4Dhcp::~Ipv4Dhcp() = default;

void Ipv4Dhcp::start() {
    deliver([this] { start_client(); });
}

void Ipv4Dhcp::start_client() {
    auto client =
        dhcp::ClientAdapter::create(link_.loop, link_.ifindex, options_.client, link_.seed, [this] { pump(); });
    if (!client) {
        set_state(State::Failed, "DHCPv4 client: " + client.error().message);
        return;
    }
    client_ = std::move(*client);
    if (spdlog::should_log(spdlog::level::debug)) {
        client_->set_packet_observer(
            [name = link_.name](dhcp::ClientAdapter::Direction d, std::span<const std::uint8_t> b) {
                // Its name, not an optional: GCC -Os warns (falsely) that an
                // optional<MessageType> may be read uninitialised here.
                const char* type = "unreadable";
                if (auto message = dhcp::parse_message(b))
                    if (auto t = message->type()) type = dhcp::to_string(*t);
                spdlog::debug("{}: DHCP {} {} ({} bytes)", name,
                              d == dhcp::ClientAdapter::Direction::Sent ? "sent" : "received", type, b.size());
                std::string_view event = type;
                if (event == "DISCOVER" || event == "ACK")
                    timeline_mark(event == "DISCOVER" ? "discover" : "ack", name);
            });
    }
    engine_.start(boot_time_now());
    if (options_.engine.saved_lease && !kernel_has_address(options_.engine.saved_lease->address))
        engine_.on_saved_address_gone(boot_time_now());
    pump();
}

bool Ipv4Dhcp::kernel_has_address(Ipv4Address address) const {
    auto addresses = netlink::address::list(*link_.sock, {AddressFamily::V4, link_.ifindex});
    if (!addresses) {
        spdlog::warn("{}: cannot read its addresses: {}", link_.name, addresses.error().message);
        return true;  // not known to be gone: left as it is
    }
    for (const auto& a : *addresses)
        if (a.local.address == IpAddress(address)) return true;
    return false;
}

void Ipv4Dhcp::on_carrier_regained() {
    engine_.on_carrier_regained();
    pump();
}

Result<void> Ipv4Dhcp::renew() {
    if (!client_) return unexpected(ErrorCode::Invalid, "the DHCP client is not running");
    auto renewed = client_->renew();
    pump();
    return renewed;
}

void Ipv4Dhcp::stop() {
    engine_.stop();
    pump();
}

void Ipv4Dhcp::pump() {
    // A nested call (the listener stopping us) runs inside the running
    // drain's deliver(), whose loop takes what it queued.
    if (pumping_) return;
    pumping_ = true;
    deliver([this] {
        if (auto done = call_guarded([this] { drain(); }); !done) {
            engine_.fail(done.error().message);
            if (auto again = call_guarded([this] { drain(); }); !again) {
                acd_.reset();
                client_.reset();
            }
        }
        arm_timer();
        pumping_ = false;
        if (engine_.state() != state())
            set_state(engine_.state(), engine_.reason());
        else if (std::exchange(lease_changed_, false))
            changed();
        lease_changed_ = false;
    });
}

void Ipv4Dhcp::drain() {
    for (bool more = true; more;) {
        more = false;
        while (client_) {
            auto a = client_->next_action();
            if (!a) break;
            more = true;
            engine_.on_client(*a, boot_time_now());
        }
        while (acd_) {
            auto a = acd_->next_action();
            if (!a) break;
            more = true;
            engine_.on_acd(*a, boot_time_now());
        }
        while (auto a = engine_.next_action()) {
            more = true;
            perform(*a);
        }
    }
}

void Ipv4Dhcp::perform(const Ipv4DhcpAction& action) {
    std::visit(
        [&](const auto& a) {
            using T = std::decay_t<decltype(a)>;
            if constexpr (std::is_same_v<T, LeaseChanged>) {
                lease_changed_ = true;
            } else if constexpr (std::is_same_v<T, ProbeStart>) {
                start_probe(a.config, a.watch_only);
            } else if constexpr (std::is_same_v<T, ProbeStop>) {
                acd_.reset();
            } else if constexpr (std::is_same_v<T, ConfigureLease>) {
                auto configured = configure(a);
                if (configured) timeline_mark("address", link_.name);
                engine_.on_configured(std::move(configured), boot_time_now());
            } else if constexpr (std::is_same_v<T, RemoveAddress>) {
                remove(a.lease);
            } else if (client_) {
                if constexpr (std::is_same_v<T, ClientStart>)
                    client_->start();
                else if constexpr (std::is_same_v<T, ClientStartBound>)
                    client_->start_bound(a.lease);
                else if constexpr (std::is_same_v<T, ClientStartInitReboot>)
                    client_->start_init_reboot(a.address);
                else if constexpr (std::is_same_v<T, ClientSelect>)
                    client_->select(a.offer);
                else if constexpr (std::is_same_v<T, ClientAccept>)
                    client_->accept();
                else if constexpr (std::is_same_v<T, ClientDecline>)
                    client_->decline();
                else if constexpr (std::is_same_v<T, ClientLinkUp>)
                    client_->link_up();
                else if constexpr (std::is_same_v<T, ClientStop>)
                    client_->stop();
            }
        },
        action);
}

void Ipv4Dhcp::start_probe(const dhcp::AcdEngine::Config& config, bool watch_only) {
    acd_.reset();
    auto acd = dhcp::AcdAdapter::create(link_.loop, link_.ifindex, config, link_.seed ^ 0xacd, [this] { pump(); });
    if (!acd) return engine_.on_probe_unavailable(acd.error().message, boot_time_now());
    acd_ = std::move(*acd);
    if (watch_only)
        acd_->watch();
    else
        acd_->start();
}

void Ipv4Dhcp::arm_timer() {
    auto deadline = engine_.next_deadline();
    if (!deadline) return timer_.cancel();
    auto armed = timer_.arm_in(std::max(Duration::zero(), *deadline - boot_time_now()), [this] {
        engine_.on_timer(boot_time_now());
        pump();
    });
    if (!armed) spdlog::error("{}: DHCPv4 retry not armed: {}", link_.name, armed.error().message);
}

Result<void> Ipv4Dhcp::configure(const ConfigureLease& c) {
    const dhcp::Lease& lease = c.lease;
    netlink::Socket& sock = *link_.sock;
    netlink::Address a;
    a.ifindex = link_.ifindex;
    a.local = IpPrefix{IpAddress(lease.address), lease.prefix_length};
    a.broadcast = lease.broadcast;
    if (!lease.broadcast && lease.prefix_length < 31) a.broadcast = lease.address.broadcast(lease.prefix_length);
    // The kernel removes the address when nobody renewed it in time, and a
    // renewal moves the lifetimes forward in place.
    if (c.lifetime) {
        a.valid_lifetime = *c.lifetime;
        a.preferred_lifetime = *c.lifetime;
    }
    EARLYNET_TRY(netlink::address::replace(sock, a));
    if (options_.set_mtu_from_lease && lease.mtu && *lease.mtu >= 576) {
        auto mtu = netlink::link::set_mtu(sock, link_.ifindex, *lease.mtu);
        if (!mtu) spdlog::warn("{}: MTU {} from the lease not set: {}", link_.name, *lease.mtu, mtu.error().message);
    }
    for (const auto& r : routes_for(lease)) {
        auto added = netlink::route::replace(sock, r);
        if (!added) spdlog::warn("{}: route {} not added: {}", link_.name, r.to_string(), added.error().message);
    }
    return {};
}

std::vector<netlink::Route> Ipv4Dhcp::routes_for(const dhcp::Lease& lease) const {
    profile::IpSettings extra;
    extra.routes = options_.profile_routes;
    IpPrefix subnet{IpAddress(lease.address), lease.prefix_length};
    auto routes = lease_routes(lease, link_.ifindex);
    for (auto& r : profile_routes(extra, link_.ifindex, &subnet)) routes.push_back(std::move(r));
    return routes;
}

void Ipv4Dhcp::remove(const dhcp::Lease& lease) {
    netlink::Address a;
    a.ifindex = link_.ifindex;
    a.local = IpPrefix{IpAddress(lease.address), lease.prefix_length};
    auto removed = netlink::address::remove(*link_.sock, a);
    if (!removed) spdlog::debug("{}: {}", link_.name, removed.error().message);
}

bool Ipv4Dhcp::has_address() const {
    return engine_.lease().has_value();
}

void Ipv4Dhcp::fill(state::DeviceRecord& record) const {
    const auto& lease = engine_.lease();
    if (!lease) return;
    const auto& l = *lease;
    record.addresses.push_back(IpPrefix{IpAddress(l.address), l.prefix_length});
    // The gateway is the default route's: with option 121 that is 121's, not
    // option 3's (RFC 3442), and an unusable router never shows here.
    for (const auto& r : routes_for(l)) {
        record.routes.push_back({r.destination, r.gateway});
        if (r.destination.prefix == 0 && r.gateway && !record.gateway) record.gateway = r.gateway;
    }
    if (!options_.ignore_auto_dns) {
        for (const auto& d : l.dns_servers) record.dns.push_back(IpAddress(d));
        for (const auto& s : l.domain_search) record.dns_search.push_back(s);
        if (l.domain_search.empty() && !l.domain_name.empty()) record.dns_search.push_back(l.domain_name);
    }
    if (record.hostname.empty()) record.hostname = l.hostname;
    if (l.mtu && options_.set_mtu_from_lease && record.mtu == 0) record.mtu = *l.mtu;
    record.lease = to_lease_record(l, options_.client.client_id);
}

}  // namespace earlynet::device
