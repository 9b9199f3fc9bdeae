#include "device/ipv4_dhcp_engine.h"

#include <algorithm>

#include "base/log.h"

namespace earlynet::device {

namespace {

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

// What is left of the lease at `now`, at least a second (zero would be
// "forever" to the kernel); nullopt for an infinite lease.
std::optional<Seconds> lifetime_left(const dhcp::Lease& lease, BootTime now) {
    if (lease.is_infinite()) return std::nullopt;
    auto left = lease.lease_time - std::chrono::duration_cast<Seconds>(now - lease.acquired_at);
    return std::max(left, Seconds(1));
}

}  // namespace

Ipv4DhcpEngine::Ipv4DhcpEngine(Config config) : config_(std::move(config)) {}

std::optional<Ipv4DhcpAction> Ipv4DhcpEngine::next_action() {
    if (pending_.empty()) return std::nullopt;
    Ipv4DhcpAction a = std::move(pending_.front());
    pending_.pop_front();
    return a;
}

void Ipv4DhcpEngine::start(BootTime now) {
    if (!config_.saved_lease && config_.init_reboot_address) {
        spdlog::info("{}: DHCPv4 started, asking for {} again (the address of the saved lease)", config_.name,
                     config_.init_reboot_address->to_string());
        push(ClientStartInitReboot{*config_.init_reboot_address});
        return;
    }
    if (!config_.saved_lease) {
        spdlog::info("{}: DHCPv4 started", config_.name);
        push(ClientStart{});
        return;
    }
    // In use already: the address, its routes and lifetime are the kernel's
    // since the initrd; only renewals touch them (in place).
    const dhcp::Lease& saved = *config_.saved_lease;
    spdlog::info("{}: continuing lease {}/{} from {}, {}s old, renewing at T1 = {}s", config_.name,
                 saved.address.to_string(), saved.prefix_length, saved.server_id.to_string(),
                 std::chrono::duration_cast<Seconds>(now - saved.acquired_at).count(), saved.t1.count());
    log_warnings(saved);
    lease_ = saved;
    state_ = State::Ready;
    push(ClientStartBound{saved});
    // Not probed again (it has been ours all along), but watched: a conflict
    // in the real root is defended as in the initrd.
    if (config_.dad_timeout != Duration::zero()) {
        probing_ = true;
        push(ProbeStart{probe_config(saved), true});
    }
    push(LeaseChanged{});
}

void Ipv4DhcpEngine::on_saved_address_gone(BootTime now) {
    if (stopped_ || !lease_ || !config_.saved_lease || lease_->address != config_.saved_lease->address) return;
    auto left = lifetime_left(*lease_, now);
    spdlog::warn("{}: {} of the saved lease is not on the interface, putting it back for {}", config_.name,
                 lease_->address.to_string(), left ? std::to_string(left->count()) + "s" : std::string("ever"));
    // As a renewal: retried until the kernel takes it.
    configure(*lease_, Configuring::Renewal, now);
}

void Ipv4DhcpEngine::log_warnings(const dhcp::Lease& lease) const {
    for (const auto& w : lease.warnings)
        spdlog::warn("{}: lease {} from {}: {}", config_.name, lease.address.to_string(), lease.server_id.to_string(),
                     w);
}

void Ipv4DhcpEngine::on_client(const dhcp::ClientAction& action, BootTime now) {
    if (stopped_) return;  // what the client queued before it was stopped
    std::visit(
        [&](const auto& a) {
            using T = std::decay_t<decltype(a)>;
            if constexpr (std::is_same_v<T, dhcp::Offered>) {
                // Debug only: the ACK repeats them, at warning level.
                for (const auto& w : a.offer.warnings)
                    spdlog::debug("{}: offer from {}: {}", config_.name, a.offer.server_id.to_string(), w);
                spdlog::info("{}: offer {}/{} from {}", config_.name, a.offer.address.to_string(),
                             a.offer.prefix_length, a.offer.server_id.to_string());
                push(ClientSelect{a.offer});
            } else if constexpr (std::is_same_v<T, dhcp::Granted>) {
                log_warnings(a.lease);
                probe(a.lease, now);
            } else if constexpr (std::is_same_v<T, dhcp::Extended>) {
                spdlog::info("{}: lease {} renewed for {}", config_.name, a.lease.address.to_string(),
                             seconds_text(a.lease.lease_time));
                if (!lease_ || a.lease.warnings != lease_->warnings) log_warnings(a.lease);
                lease_ = a.lease;
                configure_failures_ = 0;
                configure(a.lease, Configuring::Renewal, now);
                push(LeaseChanged{});
            } else if constexpr (std::is_same_v<T, dhcp::Lost>) {
                spdlog::warn("{}: lease {} lost ({}), removing it and acquiring again", config_.name,
                             a.lease.address.to_string(), loss_text(a.reason));
                // The address is not ours any more: neither is its defence.
                stop_probe();
                granted_.reset();
                retry_at_.reset();
                configuring_ = Configuring::Nothing;
                configure_failures_ = 0;
                push(RemoveAddress{a.lease});
                lease_.reset();
                push(LeaseChanged{});
            } else if constexpr (std::is_same_v<T, dhcp::Failed>) {
                fail(a.error.message);
            } else if constexpr (std::is_same_v<T, dhcp::StateChanged>) {
                spdlog::debug("{}: DHCP state {} -> {}", config_.name, dhcp::to_string(a.from), dhcp::to_string(a.to));
            } else if constexpr (std::is_same_v<T, dhcp::Ignored>) {
                // A lease a server offered but that cannot be used (a mask of
                // 0.0.0.0, a broadcast yiaddr) is worth a warning: otherwise
                // a hostile or broken server shows only as a timeout.
                bool refused = a.reason.rfind("OFFER: ", 0) == 0 || a.reason.rfind("ACK: ", 0) == 0;
                if (refused)
                    spdlog::warn("{}: DHCP {}, ignoring it", config_.name, a.reason);
                else
                    spdlog::debug("{}: DHCP {}", config_.name, a.reason);
            } else if constexpr (std::is_same_v<T, dhcp::SendAction>) {
                // performed by the client's adapter
            }
        },
        action);
}

void Ipv4DhcpEngine::probe(const dhcp::Lease& lease, BootTime now) {
    stop_probe();
    configure_failures_ = 0;
    if (config_.dad_timeout == Duration::zero()) return use(lease, now);
    granted_ = lease;
    probing_ = true;
    spdlog::debug("{}: probing {} for conflicts", config_.name, lease.address.to_string());
    push(ProbeStart{probe_config(lease)});
}

dhcp::AcdEngine::Config Ipv4DhcpEngine::probe_config(const dhcp::Lease& lease) const {
    return {lease.address, config_.mac, dhcp::AcdTiming::scaled(config_.dad_timeout),
            config_.network_root ? dhcp::AcdDefence::Indefinitely : dhcp::AcdDefence::Once};
}

void Ipv4DhcpEngine::stop_probe() {
    if (!probing_) return;
    probing_ = false;
    push(ProbeStop{});
}

std::string Ipv4DhcpEngine::probed_address() const {
    return granted_ ? granted_->address.to_string() : lease_ ? lease_->address.to_string() : std::string("?");
}

void Ipv4DhcpEngine::on_probe_unavailable(const std::string& reason, BootTime now) {
    probing_ = false;
    if (stopped_) return;
    if (!granted_) {
        if (lease_)
            spdlog::warn("{}: cannot watch {} for conflicts: {}", config_.name, lease_->address.to_string(), reason);
        return;
    }
    // Without ACD the lease is still usable; NetworkManager too goes on when
    // it cannot probe (no ARP on the link).
    spdlog::warn("{}: cannot probe {}: {}, using it unprobed", config_.name, granted_->address.to_string(), reason);
    use(*std::exchange(granted_, std::nullopt), now);
}

void Ipv4DhcpEngine::on_acd(const dhcp::AcdAction& action, BootTime now) {
    if (stopped_ || !probing_) return;  // a probe already stopped
    const std::string address = probed_address();
    std::visit(
        [&](const auto& a) {
            using T = std::decay_t<decltype(a)>;
            if constexpr (std::is_same_v<T, dhcp::AcdReady>) {
                if (granted_) use(*std::exchange(granted_, std::nullopt), now);
            } else if constexpr (std::is_same_v<T, dhcp::AcdConflict>) {
                spdlog::warn("{}: conflict: {} is in use by {}, declining", config_.name, address, a.mac.to_string());
                granted_.reset();
                stop_probe();
                push(ClientDecline{});
            } else if constexpr (std::is_same_v<T, dhcp::AcdDefended>) {
                if (config_.network_root)
                    spdlog::warn("{}: conflict: {} also claimed by {}, defending it: the network root depends on it",
                                 config_.name, address, a.mac.to_string());
                else
                    spdlog::warn("{}: conflict: {} also claimed by {}, defended", config_.name, address,
                                 a.mac.to_string());
            } else if constexpr (std::is_same_v<T, dhcp::AcdLost>) {
                give_up_address("taken over by " + a.mac.to_string());
            } else if constexpr (std::is_same_v<T, dhcp::AcdFailed>) {
                stop_probe();
                if (granted_) {
                    spdlog::warn("{}: cannot probe {}: {}, using it unprobed", config_.name, address, a.reason);
                    use(*std::exchange(granted_, std::nullopt), now);
                } else {
                    spdlog::warn("{}: conflict watch on {} stopped: {}", config_.name, address, a.reason);
                }
            } else if constexpr (std::is_same_v<T, dhcp::AcdStateChanged>) {
                spdlog::debug("{}: ACD {} {} -> {}", config_.name, address, dhcp::to_string(a.from),
                              dhcp::to_string(a.to));
            } else if constexpr (std::is_same_v<T, dhcp::AcdSend>) {
                // performed by the probe's adapter
            }
        },
        action);
}

// RFC 5227 2.4(b) then RFC 2131 3.1.5: stop using the address at once, tell
// the server, and acquire another after the wait.
void Ipv4DhcpEngine::give_up_address(const std::string& why) {
    spdlog::error("{}: conflict: {} {}, giving it up and acquiring again", config_.name, probed_address(), why);
    stop_probe();
    retry_at_.reset();
    configuring_ = Configuring::Nothing;
    if (lease_) push(RemoveAddress{*lease_});
    lease_.reset();
    push(ClientDecline{});
    push(LeaseChanged{});
}

void Ipv4DhcpEngine::use(const dhcp::Lease& lease, BootTime now) {
    configure(lease, Configuring::NewLease, now);
}

void Ipv4DhcpEngine::configure(const dhcp::Lease& lease, Configuring what, BootTime now) {
    configuring_ = what;
    configuring_lease_ = lease;
    retry_at_.reset();
    push(ConfigureLease{lease, lifetime_left(lease, now)});
}

void Ipv4DhcpEngine::on_configured(const Result<void>& result, BootTime now) {
    Configuring what = std::exchange(configuring_, Configuring::Nothing);
    if (stopped_ && !result) return;  // nothing retried after stop
    switch (what) {
        case Configuring::NewLease: return on_new_lease_configured(result, now);
        case Configuring::Renewal: return on_renewal_configured(result, now);
        case Configuring::Nothing: return;
    }
}

void Ipv4DhcpEngine::on_new_lease_configured(const Result<void>& result, BootTime now) {
    const dhcp::Lease& lease = *configuring_lease_;
    if (!result) {
        // Our kernel refused it: nothing says the address is in use, so no
        // DECLINE (RFC 2131 3.1.5 reserves it for that). Try again a few
        // times; the client waits in GRANTED meanwhile.
        if (++configure_failures_ >= kConfigureAttempts)
            return fail("cannot configure " + lease.address.to_string() + ": " + result.error().message);
        auto delay = kFirstConfigureRetry * (1 << (configure_failures_ - 1));
        spdlog::warn("{}: cannot configure {}: {}, retrying in {} ms", config_.name, lease.address.to_string(),
                     result.error().message, delay.count());
        configuring_ = Configuring::NewLease;  // what the retry does
        retry_at_ = now + delay;
        return;
    }
    configure_failures_ = 0;
    lease_ = lease;
    push(ClientAccept{});
    spdlog::info("{}: lease {}/{} from {} for {}", config_.name, lease.address.to_string(), lease.prefix_length,
                 lease.server_id.to_string(), seconds_text(lease.lease_time));
    state_ = State::Ready;
    push(LeaseChanged{});
}

void Ipv4DhcpEngine::on_renewal_configured(const Result<void>& result, BootTime now) {
    const dhcp::Lease& lease = *configuring_lease_;
    if (result) {
        if (configure_failures_ > 0)
            spdlog::info("{}: renewal of {} applied after {} failures", config_.name, lease.address.to_string(),
                         configure_failures_);
        configure_failures_ = 0;
        return;
    }
    ++configure_failures_;
    auto delay = std::min<std::chrono::milliseconds>(
        kLastConfigureRetry, kFirstConfigureRetry * (1 << std::min(configure_failures_ - 1, 8)));
    spdlog::error("{}: renewal of {} not applied: {}; the kernel keeps the old lifetime, retrying in {} ms",
                  config_.name, lease.address.to_string(), result.error().message, delay.count());
    configuring_ = Configuring::Renewal;
    retry_at_ = now + delay;
}

void Ipv4DhcpEngine::on_timer(BootTime now) {
    if (!retry_at_ || now < *retry_at_) return;
    retry_at_.reset();
    Configuring what = configuring_;
    if (what == Configuring::NewLease) return configure(*configuring_lease_, what, now);
    // A renewal retried is the lease in use now, with what is left of it now.
    if (what == Configuring::Renewal && lease_) return configure(*lease_, what, now);
}

void Ipv4DhcpEngine::on_carrier_regained() {
    if (stopped_) return;
    if (lease_)
        spdlog::info("{}: confirming lease {} after the carrier came back", config_.name, lease_->address.to_string());
    push(ClientLinkUp{});
}

void Ipv4DhcpEngine::stop() {
    if (stopped_) return;
    stopped_ = true;
    retry_at_.reset();
    granted_.reset();
    stop_probe();
    push(ClientStop{});
}

void Ipv4DhcpEngine::fail(std::string reason) {
    if (state_ == State::Failed) return;
    spdlog::error("{}: DHCPv4 stopped: {}", config_.name, reason);
    stop();
    state_ = State::Failed;
    reason_ = std::move(reason);
    push(LeaseChanged{});
}

}  // namespace earlynet::device
