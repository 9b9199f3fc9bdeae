#include "daemon/ipv4_dhcp.h"

#include "base/guard.h"
#include "daemon/ipv4_routes.h"
#include "daemon/lease_record.h"
#include "netlink/address.h"
#include "netlink/link.h"
#include "netlink/route.h"
#include "spdlog/spdlog.h"

namespace earlynet::daemon {

namespace {

using std::chrono::milliseconds;

// A new address the kernel refuses is tried this often (0.25, 0.5, 1 s
// apart) before the family fails: a transient refusal (an interface being
// renamed, a full netlink buffer) passes in that time, a real one does not.
constexpr int kConfigureAttempts = 4;
constexpr milliseconds kFirstConfigureRetry{250};
// A renewal the kernel refuses is retried until it takes, at most this far
// apart: the kernel removes the address at its old lifetime otherwise.
constexpr milliseconds kLastConfigureRetry{30000};

std::string seconds_text(Seconds s) {
    return s == dhcp::Lease::kInfinite ? std::string("infinite") : std::to_string(s.count()) + "s";
}

const char* loss_text(dhcp::LossReason r) {
    switch (r) {
        case dhcp::LossReason::Nak: return "NAK";
        case dhcp::LossReason::Expired: return "expired";
        case dhcp::LossReason::Replaced: return "replaced";
    }
    return "?";
}

}  // namespace

Ipv4Dhcp::Ipv4Dhcp(LinkContext link, DhcpOptions options, Listener listener)
    : IpFamily(std::move(listener)), link_(std::move(link)), options_(std::move(options)),
      configure_retry_(link_.loop) {}

Ipv4Dhcp::~Ipv4Dhcp() = default;

void Ipv4Dhcp::start() {
    auto client = dhcp::ClientAdapter::create(link_.loop, link_.ifindex, options_.client, link_.seed, [this] { pump(); });
    if (!client) {
        set_state(State::Failed, "DHCPv4 client: " + client.error().message);
        return;
    }
    client_ = std::move(*client);
    if (spdlog::should_log(spdlog::level::debug)) {
        client_->set_packet_observer([name = link_.name](dhcp::ClientAdapter::Direction d, std::span<const std::uint8_t> b) {
            spdlog::debug("{}: DHCP {} {} bytes", name, d == dhcp::ClientAdapter::Direction::Sent ? "sent" : "received",
                          b.size());
        });
    }
    if (options_.saved_lease) {
        const dhcp::Lease& saved = *options_.saved_lease;
        auto age = std::chrono::duration_cast<Seconds>(boot_time_now() - saved.acquired_at);
        spdlog::info("{}: continuing lease {}/{} from {}, {}s old, renewing at T1 = {}s", link_.name,
                     saved.address.to_string(), saved.prefix_length, saved.server_id.to_string(), age.count(),
                     saved.t1.count());
        // In use already: the address, its routes and lifetime are the
        // kernel's since the initrd; only renewals touch them (in place).
        log_warnings(saved);
        lease_ = saved;
        client_->start_bound(saved);
        pump();
        if (lease_) set_state(State::Ready);
        return;
    }
    spdlog::info("{}: DHCPv4 started", link_.name);
    client_->start();
    pump();
}

void Ipv4Dhcp::log_warnings(const dhcp::Lease& lease) const {
    for (const auto& w : lease.warnings)
        spdlog::warn("{}: lease {} from {}: {}", link_.name, lease.address.to_string(), lease.server_id.to_string(), w);
}

void Ipv4Dhcp::on_carrier_regained() {
    if (!client_) return;
    if (lease_) spdlog::info("{}: confirming lease {} after the carrier came back", link_.name, lease_->address.to_string());
    client_->link_up();
    pump();
}

void Ipv4Dhcp::stop() {
    configure_retry_.cancel();
    acd_.reset();
    if (client_) client_->stop();
}

void Ipv4Dhcp::fail(std::string reason) {
    configure_retry_.cancel();
    acd_.reset();
    if (client_) client_->stop();
    spdlog::error("{}: DHCPv4 stopped: {}", link_.name, reason);
    set_state(State::Failed, std::move(reason));
}

void Ipv4Dhcp::pump() {
    if (pumping_) return;  // the running drain takes what a nested call queued
    pumping_ = true;
    auto done = call_guarded([this] {
        for (bool more = true; more;) {
            more = false;
            while (client_) {
                auto a = client_->next_action();
                if (!a) break;
                more = true;
                on_client_action(*a);
            }
            while (acd_) {
                auto a = acd_->next_action();
                if (!a) break;
                more = true;
                on_acd_action(*a);
            }
        }
    });
    pumping_ = false;
    if (!done) fail(done.error().message);
}

void Ipv4Dhcp::on_client_action(const dhcp::ClientAction& action) {
    std::visit(
        [&](const auto& a) {
            using T = std::decay_t<decltype(a)>;
            if constexpr (std::is_same_v<T, dhcp::Offered>) {
                // Debug only: the ACK repeats them, at warning level.
                for (const auto& w : a.offer.warnings)
                    spdlog::debug("{}: offer from {}: {}", link_.name, a.offer.server_id.to_string(), w);
                spdlog::info("{}: offer {}/{} from {}", link_.name, a.offer.address.to_string(), a.offer.prefix_length,
                             a.offer.server_id.to_string());
                client_->select(a.offer);
            } else if constexpr (std::is_same_v<T, dhcp::Granted>) {
                log_warnings(a.lease);
                probe(a.lease);
            } else if constexpr (std::is_same_v<T, dhcp::Extended>) {
                spdlog::info("{}: lease {} renewed for {}", link_.name, a.lease.address.to_string(),
                             seconds_text(a.lease.lease_time));
                if (!lease_ || a.lease.warnings != lease_->warnings) log_warnings(a.lease);
                lease_ = a.lease;
                apply_renewal(a.lease);
                changed();
            } else if constexpr (std::is_same_v<T, dhcp::Lost>) {
                spdlog::warn("{}: lease {} lost ({}), removing it and acquiring again", link_.name,
                             a.lease.address.to_string(), loss_text(a.reason));
                // The address is not ours any more: neither is its defence.
                acd_.reset();
                granted_.reset();
                configure_retry_.cancel();
                configure_failures_ = 0;
                forget(a.lease);
                changed();
            } else if constexpr (std::is_same_v<T, dhcp::Failed>) {
                fail(a.error.message);
            } else if constexpr (std::is_same_v<T, dhcp::StateChanged>) {
                spdlog::debug("{}: DHCP state {} -> {}", link_.name, dhcp::to_string(a.from), dhcp::to_string(a.to));
            } else if constexpr (std::is_same_v<T, dhcp::Ignored>) {
                // A lease a server offered but that cannot be used (a mask of
                // 0.0.0.0, a broadcast yiaddr) is worth a warning: otherwise
                // a hostile or broken server shows only as a timeout.
                bool refused = a.reason.rfind("OFFER: ", 0) == 0 || a.reason.rfind("ACK: ", 0) == 0;
                if (refused) spdlog::warn("{}: DHCP {}, ignoring it", link_.name, a.reason);
                else spdlog::debug("{}: DHCP {}", link_.name, a.reason);
            } else if constexpr (std::is_same_v<T, dhcp::SendAction>) {
                // performed by the adapter
            }
        },
        action);
}

void Ipv4Dhcp::probe(const dhcp::Lease& lease) {
    acd_.reset();
    // A grant still queued when the family was stopped is not acted on.
    if (!client_ || client_->engine().state() == dhcp::ClientState::Stopped) return;
    configure_failures_ = 0;
    if (options_.dad_timeout == Duration::zero()) {
        use(lease);
        return;
    }
    granted_ = lease;
    dhcp::AcdEngine::Config config{lease.address, link_.mac, dhcp::AcdTiming::scaled(options_.dad_timeout),
                                   options_.network_root ? dhcp::AcdDefence::Indefinitely : dhcp::AcdDefence::Once};
    auto acd = dhcp::AcdAdapter::create(link_.loop, link_.ifindex, config, link_.seed ^ 0xacd, [this] { pump(); });
    if (!acd) {
        // Without ACD the lease is still usable; NetworkManager too goes on
        // when it cannot probe (no ARP on the link).
        spdlog::warn("{}: cannot probe {}: {}, using it unprobed", link_.name, lease.address.to_string(),
                     acd.error().message);
        use(*std::exchange(granted_, std::nullopt));
        return;
    }
    acd_ = std::move(*acd);
    spdlog::debug("{}: probing {} for conflicts", link_.name, lease.address.to_string());
    acd_->start();
}

void Ipv4Dhcp::on_acd_action(const dhcp::AcdAction& action) {
    const std::string address = granted_ ? granted_->address.to_string()
                                : lease_ ? lease_->address.to_string()
                                         : std::string("?");
    std::visit(
        [&](const auto& a) {
            using T = std::decay_t<decltype(a)>;
            if constexpr (std::is_same_v<T, dhcp::AcdReady>) {
                if (granted_) use(*std::exchange(granted_, std::nullopt));
            } else if constexpr (std::is_same_v<T, dhcp::AcdConflict>) {
                spdlog::warn("{}: conflict: {} is in use by {}, declining", link_.name, address, a.mac.to_string());
                granted_.reset();
                acd_.reset();
                client_->decline();
            } else if constexpr (std::is_same_v<T, dhcp::AcdDefended>) {
                if (options_.network_root)
                    spdlog::warn("{}: conflict: {} also claimed by {}, defending it: the network root depends on it",
                                 link_.name, address, a.mac.to_string());
                else
                    spdlog::warn("{}: conflict: {} also claimed by {}, defended", link_.name, address,
                                 a.mac.to_string());
            } else if constexpr (std::is_same_v<T, dhcp::AcdLost>) {
                give_up_address("taken over by " + a.mac.to_string());
            } else if constexpr (std::is_same_v<T, dhcp::AcdFailed>) {
                acd_.reset();
                if (granted_) {
                    spdlog::warn("{}: cannot probe {}: {}, using it unprobed", link_.name, address, a.reason);
                    use(*std::exchange(granted_, std::nullopt));
                } else {
                    spdlog::warn("{}: conflict watch on {} stopped: {}", link_.name, address, a.reason);
                }
            } else if constexpr (std::is_same_v<T, dhcp::AcdStateChanged>) {
                spdlog::debug("{}: ACD {} {} -> {}", link_.name, address, dhcp::to_string(a.from), dhcp::to_string(a.to));
            }
        },
        action);
}

// RFC 5227 2.4(b) then RFC 2131 3.1.5: stop using the address at once,
// tell the server, and acquire another after the wait.
void Ipv4Dhcp::give_up_address(const std::string& why) {
    std::string address = lease_ ? lease_->address.to_string() : std::string("?");
    spdlog::error("{}: conflict: {} {}, giving it up and acquiring again", link_.name, address, why);
    acd_.reset();
    configure_retry_.cancel();
    if (lease_) forget(*lease_);
    client_->decline();
    changed();
}

void Ipv4Dhcp::use(const dhcp::Lease& lease) {
    auto done = configure(lease);
    if (!done) {
        // Our kernel refused it: nothing says the address is in use, so no
        // DECLINE (RFC 2131 3.1.5 reserves it for that). Try again a few
        // times; the engine waits in GRANTED meanwhile.
        if (++configure_failures_ >= kConfigureAttempts) {
            acd_.reset();
            return fail("cannot configure " + lease.address.to_string() + ": " + done.error().message);
        }
        auto delay = kFirstConfigureRetry * (1 << (configure_failures_ - 1));
        spdlog::warn("{}: cannot configure {}: {}, retrying in {} ms", link_.name, lease.address.to_string(),
                     done.error().message, delay.count());
        auto armed = configure_retry_.arm_in(delay, [this, lease] {
            if (auto r = call_guarded([&] { use(lease); }); !r) fail(r.error().message);
            pump();
        });
        if (!armed) fail(armed.error().message);
        return;
    }
    configure_failures_ = 0;
    lease_ = lease;
    client_->accept();
    spdlog::info("{}: lease {}/{} from {} for {}", link_.name, lease.address.to_string(), lease.prefix_length,
                 lease.server_id.to_string(), seconds_text(lease.lease_time));
    if (state() != State::Ready) set_state(State::Ready);
    else changed();
}

void Ipv4Dhcp::apply_renewal(const dhcp::Lease& lease) {
    auto done = configure(lease);
    if (done) {
        if (configure_failures_ > 0)
            spdlog::info("{}: renewal of {} applied after {} failures", link_.name, lease.address.to_string(),
                         configure_failures_);
        configure_failures_ = 0;
        return;
    }
    ++configure_failures_;
    auto delay = std::min(kLastConfigureRetry, kFirstConfigureRetry * (1 << std::min(configure_failures_ - 1, 8)));
    spdlog::error("{}: renewal of {} not applied: {}; the kernel keeps the old lifetime, retrying in {} ms",
                  link_.name, lease.address.to_string(), done.error().message, delay.count());
    auto armed = configure_retry_.arm_in(delay, [this] {
        if (!lease_) return;
        if (auto r = call_guarded([&] { apply_renewal(*lease_); }); !r) fail(r.error().message);
    });
    if (!armed) spdlog::error("{}: renewal retry not armed: {}", link_.name, armed.error().message);
}

Result<void> Ipv4Dhcp::configure(const dhcp::Lease& lease) {
    netlink::Socket& sock = *link_.sock;
    netlink::Address a;
    a.ifindex = link_.ifindex;
    a.local = IpPrefix{IpAddress(lease.address), lease.prefix_length};
    a.broadcast = lease.broadcast;
    if (!lease.broadcast && lease.prefix_length < 31) a.broadcast = lease.address.broadcast(lease.prefix_length);
    if (!lease.is_infinite()) {
        // Lifetime = what is left of the lease: the kernel removes the address
        // when nobody renewed it, and a renewal moves it forward in place.
        auto left = lease.lease_time - std::chrono::duration_cast<Seconds>(boot_time_now() - lease.acquired_at);
        if (left < Seconds(1)) left = Seconds(1);
        a.valid_lifetime = left;
        a.preferred_lifetime = left;
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
    IpSettings extra;
    extra.routes = options_.profile_routes;
    IpPrefix subnet{IpAddress(lease.address), lease.prefix_length};
    auto routes = lease_routes(lease, link_.ifindex);
    for (auto& r : profile_routes(extra, link_.ifindex, &subnet)) routes.push_back(std::move(r));
    return routes;
}

void Ipv4Dhcp::forget(const dhcp::Lease& lease) {
    netlink::Address a;
    a.ifindex = link_.ifindex;
    a.local = IpPrefix{IpAddress(lease.address), lease.prefix_length};
    auto removed = netlink::address::remove(*link_.sock, a);
    if (!removed) spdlog::debug("{}: {}", link_.name, removed.error().message);
    lease_.reset();
}

void Ipv4Dhcp::fill(state::DeviceRecord& record) const {
    if (!lease_) return;
    const auto& l = *lease_;
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

}  // namespace earlynet::daemon
