#include "device/activation_engine.h"

#include "base/log.h"
#include "device/timeline.h"

namespace earlynet::device {

namespace {

std::string duration_text(Duration d) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

}  // namespace

const char* to_string(FamilyState s) {
    switch (s) {
        case FamilyState::Pending: return "pending";
        case FamilyState::Ready: return "ready";
        case FamilyState::Failed: return "failed";
        case FamilyState::Skipped: return "skipped";
    }
    return "?";
}

ActivationEngine::ActivationEngine(Config config)
    : config_(std::move(config)), v4_{config_.v4, {}, {}, false, "IPv4"}, v6_{config_.v6, {}, {}, false, "IPv6"} {}

std::chrono::milliseconds ActivationEngine::since_start(BootTime now) const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(now - config_.run_started);
}

std::optional<ActivationAction> ActivationEngine::next_action() {
    if (pending_.empty()) return std::nullopt;
    ActivationAction a = pending_.front();
    pending_.pop_front();
    return a;
}

std::optional<BootTime> ActivationEngine::next_deadline() const {
    std::optional<BootTime> first;
    for (const auto& d : {carrier_until_, v4_.required_until, v6_.required_until})
        if (d && (!first || *d < *first)) first = d;
    return first;
}

void ActivationEngine::start(BootTime now) {
    timings_.to_link = since_start(now);
}

void ActivationEngine::on_link_failed(std::string reason, BootTime now) {
    if (outcome_ == state::DeviceOutcome::Activating) finish(state::DeviceOutcome::Failed, std::move(reason), now);
}

void ActivationEngine::on_link_up(bool carrier, BootTime now) {
    if (outcome_ != state::DeviceOutcome::Activating) return;
    link_up_ = true;
    if (config_.port) return finish(state::DeviceOutcome::Activated, {}, now);
    carrier_ = carrier;
    if (carrier_) return start_ip(now);
    spdlog::info("{}: waiting up to {} for carrier", config_.name, duration_text(config_.carrier_timeout));
    carrier_until_ = now + config_.carrier_timeout;
}

void ActivationEngine::on_carrier(bool carrier, BootTime now) {
    if (outcome_ == state::DeviceOutcome::Down) return;  // we set it down
    bool had = std::exchange(carrier_, carrier);
    if (carrier && !had) {
        spdlog::info("{}: carrier", config_.name);
        timeline_mark("carrier", config_.name);
        if (outcome_ == state::DeviceOutcome::Activating && link_up_ && !ip_started_ && !config_.port)
            start_ip(now);
        else if (ip_started_ && outcome_ != state::DeviceOutcome::Failed)
            push(ConfirmLease{});
    } else if (!carrier && had) {
        spdlog::warn("{}: carrier lost", config_.name);
    }
}

void ActivationEngine::start_ip(BootTime now) {
    carrier_until_.reset();
    if (!timings_.to_carrier) timings_.to_carrier = since_start(now);
    ip_started_ = true;
    for (Family* f : {&v4_, &v6_})
        if (f->policy.may_fail && f->policy.required_timeout > Duration::zero())
            f->required_until = now + f->policy.required_timeout;
    push(StartIp{});
}

void ActivationEngine::on_link_removed(BootTime now) {
    spdlog::warn("{}: the device disappeared", config_.name);
    push(DropFamilies{});
    v4_.report = {};
    v6_.report = {};
    if (outcome_ == state::DeviceOutcome::Activating)
        finish(state::DeviceOutcome::Failed, "the device disappeared", now);
}

void ActivationEngine::on_families(FamilyReport v4, FamilyReport v6, bool has_address, BootTime now) {
    v4_.report = std::move(v4);
    v6_.report = std::move(v6);
    has_address_ = has_address;
    evaluate(now);
}

void ActivationEngine::on_timer(BootTime now) {
    if (carrier_until_ && now >= *carrier_until_) {
        carrier_until_.reset();
        if (outcome_ == state::DeviceOutcome::Activating && !carrier_)
            return finish(state::DeviceOutcome::Failed, "no carrier after " + duration_text(config_.carrier_timeout),
                          now);
    }
    for (Family* f : {&v4_, &v6_})
        if (f->required_until && now >= *f->required_until) {
            f->required_until.reset();
            f->required_over = true;
            spdlog::info("{}: {} required-timeout over", config_.name, f->name);
            evaluate(now);
        }
}

void ActivationEngine::evaluate(BootTime now) {
    if (!ip_started_) return;
    if (outcome_ != state::DeviceOutcome::Activating) {
        if (!timings_.to_address && has_address_) timings_.to_address = since_start(now);
        push(DeviceChanged{});  // a renewal, a late IPv6 address
        return;
    }
    bool any_pending = false, any_ready = false, all_skipped = true, hold = false;
    std::string reasons;
    for (const Family* f : {&v4_, &v6_}) {
        FamilyState st = f->report.state;
        if (st == FamilyState::Failed) {
            if (!f->policy.may_fail) return finish(state::DeviceOutcome::Failed, f->report.reason, now);
            if (!reasons.empty()) reasons += "; ";
            reasons += f->report.reason;
        }
        if (st != FamilyState::Skipped) all_skipped = false;
        if (st == FamilyState::Ready) any_ready = true;
        if (st == FamilyState::Pending) {
            any_pending = true;
            if (!f->policy.may_fail || (f->policy.required_timeout > Duration::zero() && !f->required_over))
                hold = true;
        }
    }
    if (any_ready && !timings_.to_address) timings_.to_address = since_start(now);
    if (!any_pending) {
        if (any_ready || all_skipped) return finish(state::DeviceOutcome::Activated, {}, now);
        return finish(state::DeviceOutcome::Failed, reasons, now);
    }
    if (any_ready && !hold) return finish(state::DeviceOutcome::Activated, {}, now);
}

void ActivationEngine::finish(state::DeviceOutcome outcome, std::string reason, BootTime now) {
    outcome_ = outcome;
    failure_ = std::move(reason);
    carrier_until_.reset();
    if (outcome == state::DeviceOutcome::Activated) {
        timings_.to_online = since_start(now);
        spdlog::info("{}: activated in {} ms", config_.name, timings_.to_online->count());
        timeline_mark("activated", config_.name);
    } else {
        spdlog::error("{}: failed: {}", config_.name, failure_);
        // A failed device keeps nothing running (autoconnect-retries=1).
        stop();
    }
    push(DeviceChanged{});
}

void ActivationEngine::fail_internal(std::string reason, BootTime now) {
    if (outcome_ == state::DeviceOutcome::Activating)
        return finish(state::DeviceOutcome::Failed, std::move(reason), now);
    spdlog::error("{}: {}, stopping its DHCP client and probes", config_.name, reason);
    stop();
}

void ActivationEngine::take_down(BootTime) {
    if (outcome_ == state::DeviceOutcome::Down) return;
    spdlog::info("{}: taking it down, as asked", config_.name);
    outcome_ = state::DeviceOutcome::Down;
    failure_.clear();
    link_up_ = false;
    ip_started_ = false;
    carrier_until_.reset();
    for (Family* f : {&v4_, &v6_}) {
        f->required_until.reset();
        f->report = {};
    }
    push(TakeDown{});
    push(DeviceChanged{});
}

void ActivationEngine::stop() {
    carrier_until_.reset();
    v4_.required_until.reset();
    v6_.required_until.reset();
    push(StopFamilies{});
}

}  // namespace earlynet::device
