#include "dhcp/dhcp6_engine.h"

#include <algorithm>

namespace earlynet::dhcp {
namespace {

namespace o = dhcp6_option;
using std::chrono::seconds;

constexpr std::uint32_t kInfinity = 0xffffffff;
// RFC 8415 21.23: without option 32, refresh stateless configuration daily;
// never more often than every 10 minutes.
constexpr Seconds kInformationRefreshDefault{86400};
constexpr Seconds kInformationRefreshMinimum{600};

Dhcp6Option u16_option(std::uint16_t code, std::uint16_t v) {
    return {code, {static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)}};
}

std::optional<Dhcp6StatusCode> top_status(const Dhcp6Message& m) {
    const Dhcp6Option* o = m.find(o::kStatusCode);
    if (o == nullptr) return std::nullopt;
    auto status = decode_dhcp6_status_code(o->data);
    if (!status) return std::nullopt;
    return *status;
}

std::string status_text(const Dhcp6StatusCode& s) {
    return "status " + std::to_string(s.code) + (s.message.empty() ? "" : " (" + s.message + ")");
}

// The status of our IA_NA in a message, when it has one.
std::optional<Dhcp6StatusCode> ia_na_status(const Dhcp6Message& m, std::uint32_t iaid) {
    for (const auto& option : m.options) {
        if (option.code != o::kIaNa) continue;
        auto ia = decode_dhcp6_ia_na(option.data);
        if (ia && ia->iaid == iaid) return ia->status;
    }
    return std::nullopt;
}

bool is(const std::optional<Dhcp6StatusCode>& s, Dhcp6Status code) {
    return s && s->code == static_cast<std::uint16_t>(code);
}

// A server's refusal: a failure status that decoded, the message's own or
// that of our IA_NA (NoAddrsAvail, NotOnLink ...). A status that does not
// decode, or an IA_NA that does not, refuses nothing.
bool refused(const Dhcp6Message& m, std::uint32_t iaid) {
    auto failed = [](const std::optional<Dhcp6StatusCode>& s) { return s && s->code != 0; };
    return failed(top_status(m)) || failed(ia_na_status(m, iaid));
}

}  // namespace

std::optional<Dhcp6IaAddress> dhcp6_remaining(Dhcp6IaAddress a, BootTime since, BootTime now) {
    const std::int64_t elapsed = std::max<std::int64_t>(0, std::chrono::ceil<seconds>(now - since).count());
    auto left = [&](std::uint32_t lifetime) -> std::uint32_t {
        if (lifetime == kInfinity) return kInfinity;
        return lifetime > elapsed ? static_cast<std::uint32_t>(lifetime - elapsed) : 0;
    };
    a.preferred_s = left(a.preferred_s);
    a.valid_s = left(a.valid_s);
    if (a.valid_s == 0) return std::nullopt;
    return a;
}

const char* to_string(Dhcp6State state) {
    switch (state) {
        case Dhcp6State::Stopped: return "stopped";
        case Dhcp6State::Soliciting: return "soliciting";
        case Dhcp6State::Requesting: return "requesting";
        case Dhcp6State::Bound: return "bound";
        case Dhcp6State::Renewing: return "renewing";
        case Dhcp6State::Rebinding: return "rebinding";
        case Dhcp6State::Confirming: return "confirming";
        case Dhcp6State::Declining: return "declining";
        case Dhcp6State::InformationRequesting: return "information-requesting";
        case Dhcp6State::Informed: return "informed";
    }
    return "unknown";
}

const std::vector<std::uint16_t>& dhcp6_requested_options() {
    // NetworkManager 1.42 asks for 23, 24, 31, 56 and 82; the boot file
    // (59, 60) is for root=dhcp6, 32 for stateless refreshes.
    static const std::vector<std::uint16_t> codes{
        o::kDnsServers, o::kDomainList,  o::kSntpServers,   o::kInformationRefreshTime,
        o::kNtpServer,  o::kBootfileUrl, o::kBootfileParam, o::kSolMaxRt};
    return codes;
}

Seconds Dhcp6Lease::valid() const {
    std::uint32_t longest = 0;
    for (const auto& a : ia.addresses) longest = std::max(longest, a.valid_s);
    return Seconds(longest);
}

Dhcp6Engine::Dhcp6Engine(Dhcp6Config config, std::uint64_t seed) : config_(std::move(config)), random_(seed) {}

void Dhcp6Engine::set_state(Dhcp6State to) {
    if (to == state_) return;
    emit(Dhcp6StateChanged{state_, to});
    state_ = to;
}

void Dhcp6Engine::start(BootTime now) {
    lease_.reset();
    give_up_at_.reset();
    if (config_.timeout.count() != 0) give_up_at_ = now + config_.timeout;
    solicit(now);
}

void Dhcp6Engine::start_information_request(BootTime now) {
    lease_.reset();
    give_up_at_.reset();
    begin_exchange(Dhcp6State::InformationRequesting, dhcp6_timing::kInformationRequest, now);
}

void Dhcp6Engine::start_bound(const Dhcp6Lease& lease, BootTime now) {
    lease_ = lease;
    give_up_at_.reset();
    exchange_.reset();
    set_state(Dhcp6State::Bound);
    arm_lease_timers();
    if (timer_ && *timer_ <= now) on_timer(now);
}

void Dhcp6Engine::stop() {
    exchange_.reset();
    timer_.reset();
    give_up_at_.reset();
    set_state(Dhcp6State::Stopped);
}

std::optional<BootTime> Dhcp6Engine::next_deadline() const {
    if (!timer_) return give_up_at_;
    if (!give_up_at_) return timer_;
    return std::min(*timer_, *give_up_at_);
}

std::optional<Dhcp6Action> Dhcp6Engine::next_action() {
    if (actions_.empty()) return std::nullopt;
    Dhcp6Action a = std::move(actions_.front());
    actions_.pop_front();
    return a;
}

void Dhcp6Engine::solicit(BootTime now) {
    best_advertise_.reset();
    best_preference_ = -1;
    begin_exchange(Dhcp6State::Soliciting, dhcp6_timing::kSolicit, now);
}

void Dhcp6Engine::begin_exchange(Dhcp6State state, const Dhcp6RetransmissionParameters& parameters, BootTime now) {
    transaction_id_ = random_.next_u32() & 0xffffff;
    set_state(state);
    exchange_.emplace(parameters);
    exchange_->start(now, random_);
    send_current(now);
}

void Dhcp6Engine::send_current(BootTime now) {
    Dhcp6MessageType type = Dhcp6MessageType::Solicit;
    switch (state_) {
        case Dhcp6State::Soliciting: type = Dhcp6MessageType::Solicit; break;
        case Dhcp6State::Requesting: type = Dhcp6MessageType::Request; break;
        case Dhcp6State::Renewing: type = Dhcp6MessageType::Renew; break;
        case Dhcp6State::Rebinding: type = Dhcp6MessageType::Rebind; break;
        case Dhcp6State::Confirming: type = Dhcp6MessageType::Confirm; break;
        case Dhcp6State::Declining: type = Dhcp6MessageType::Decline; break;
        case Dhcp6State::InformationRequesting: type = Dhcp6MessageType::InformationRequest; break;
        case Dhcp6State::Stopped:
        case Dhcp6State::Bound:
        case Dhcp6State::Informed: return;
    }
    emit(Dhcp6Send{build(type, now)});
    timer_ = exchange_->deadline();
    // While the addresses are in use, their end comes before any wait.
    if (holds_lease())
        if (auto end = lease_end(); end && *end < *timer_) timer_ = end;
}

bool Dhcp6Engine::holds_lease() const {
    switch (state_) {
        case Dhcp6State::Bound:
        case Dhcp6State::Renewing:
        case Dhcp6State::Rebinding:
        case Dhcp6State::Confirming:
        case Dhcp6State::Requesting:  // the addresses asked for again after NoBinding
            return lease_.has_value();
        default: return false;
    }
}

std::optional<BootTime> Dhcp6Engine::lease_end() const {
    if (!lease_ || lease_->valid().count() >= kInfinity) return std::nullopt;
    return lease_->acquired_at + lease_->valid();
}

// RFC 8415 Appendix A/B: which options go into which client message.
Dhcp6Message Dhcp6Engine::build(Dhcp6MessageType type, BootTime now) const {
    Dhcp6Message m;
    m.type = type;
    m.transaction_id = transaction_id_;
    m.options.push_back({o::kClientId, config_.duid});
    m.options.push_back(u16_option(o::kElapsedTime, exchange_ ? exchange_->elapsed_centiseconds(now) : 0));
    const std::vector<std::uint8_t>* server = nullptr;
    Dhcp6IaNa ia{config_.iaid, 0, 0, {}, std::nullopt};
    switch (type) {
        case Dhcp6MessageType::Solicit:
            if (config_.rapid_commit) m.options.push_back({o::kRapidCommit, {}});
            break;
        case Dhcp6MessageType::Request:
            if (best_advertise_) {
                server = &best_advertise_->find(o::kServerId)->data;
                for (const auto& offered : best_advertise_->options) {
                    if (offered.code != o::kIaNa) continue;
                    auto offer = decode_dhcp6_ia_na(offered.data);
                    if (!offer || offer->iaid != config_.iaid) continue;
                    for (const auto& a : offer->addresses) ia.addresses.push_back({a.address, 0, 0, std::nullopt});
                }
            }
            // After NoBinding (the server forgot us): ask for the addresses we hold.
            if (ia.addresses.empty() && lease_)
                for (const auto& a : lease_->ia.addresses) ia.addresses.push_back({a.address, 0, 0, std::nullopt});
            break;
        case Dhcp6MessageType::Renew:
        case Dhcp6MessageType::Decline:
            if (lease_) server = &lease_->server_duid;
            [[fallthrough]];
        case Dhcp6MessageType::Rebind:
        case Dhcp6MessageType::Confirm:
            // T1, T2 and lifetimes 0: the client states which addresses, the server decides.
            if (lease_)
                for (const auto& a : lease_->ia.addresses) ia.addresses.push_back({a.address, 0, 0, std::nullopt});
            break;
        default: break;
    }
    if (server) m.options.push_back({o::kServerId, *server});
    if (type != Dhcp6MessageType::InformationRequest) m.options.push_back({o::kIaNa, encode_dhcp6_ia_na(ia)});
    if (type != Dhcp6MessageType::Confirm && type != Dhcp6MessageType::Decline) {
        std::vector<std::uint8_t> oro;
        for (auto code : dhcp6_requested_options()) {
            oro.push_back(static_cast<std::uint8_t>(code >> 8));
            oro.push_back(static_cast<std::uint8_t>(code));
        }
        m.options.push_back({o::kOptionRequest, std::move(oro)});
    }
    return m;
}

void Dhcp6Engine::link_up(BootTime now) {
    switch (state_) {
        case Dhcp6State::Bound:
        case Dhcp6State::Renewing:
        case Dhcp6State::Rebinding:
        case Dhcp6State::Confirming: begin_exchange(Dhcp6State::Confirming, dhcp6_timing::kConfirm, now); break;
        case Dhcp6State::Soliciting: solicit(now); break;
        case Dhcp6State::Requesting:
            // A REQUEST after NoBinding: the addresses it asked for may not fit the new link.
            if (lease_)
                lose(Dhcp6LossReason::NoBinding, now);
            else
                solicit(now);
            break;
        case Dhcp6State::InformationRequesting:
        case Dhcp6State::Informed: start_information_request(now); break;
        case Dhcp6State::Declining:
        case Dhcp6State::Stopped: break;
    }
}

void Dhcp6Engine::decline(BootTime now) {
    if (!lease_) return;
    emit(Dhcp6Lost{*lease_, Dhcp6LossReason::Declined});
    begin_exchange(Dhcp6State::Declining, dhcp6_timing::kDecline, now);
}

void Dhcp6Engine::lose(Dhcp6LossReason reason, BootTime now) {
    if (lease_) emit(Dhcp6Lost{*lease_, reason});
    lease_.reset();
    solicit(now);
}

void Dhcp6Engine::arm_lease_timers() {
    timer_.reset();
    if (!lease_) return;
    const Dhcp6Lease& l = *lease_;
    auto at = [&](Seconds s) -> std::optional<BootTime> {
        if (s.count() >= kInfinity) return std::nullopt;
        return l.acquired_at + s;
    };
    switch (state_) {
        case Dhcp6State::Bound: timer_ = at(l.t1); break;
        case Dhcp6State::Renewing: timer_ = at(l.t2); break;
        default: break;
    }
    // A server may give T1/T2 beyond the addresses' end: the end comes first.
    if (auto end = lease_end(); end && (!timer_ || *end < *timer_)) timer_ = end;
}

void Dhcp6Engine::on_timer(BootTime now) {
    if (give_up_at_ && now >= *give_up_at_ && (state_ == Dhcp6State::Soliciting || state_ == Dhcp6State::Requesting)) {
        exchange_.reset();
        timer_.reset();
        give_up_at_.reset();
        emit(Dhcp6Failed{
            Error{ErrorCode::Timeout, "no DHCPv6 lease within " +
                                          std::to_string(std::chrono::duration_cast<seconds>(config_.timeout).count()) +
                                          " s"}});
        set_state(Dhcp6State::Stopped);
        return;
    }
    if (!timer_ || now < *timer_) return;
    if (holds_lease())
        if (auto end = lease_end(); end && now >= *end) {
            exchange_.reset();
            lose(Dhcp6LossReason::Expired, now);
            return;
        }
    if (exchange_) {
        // SOLICIT: the ADVERTISEs collected during the first RT are answered now.
        if (state_ == Dhcp6State::Soliciting && best_advertise_) {
            request_from_advertise(now);
            return;
        }
        if (exchange_->on_timeout(now, random_) == Dhcp6Retransmission::Step::Retransmit)
            send_current(now);
        else
            on_exchange_failed(now);
        return;
    }
    if (state_ == Dhcp6State::Informed) {
        start_information_request(now);
        return;
    }
    if (!lease_) return;
    const Dhcp6Lease& l = *lease_;
    const std::optional<BootTime> end = lease_end();
    if (end && now >= *end) {
        lose(Dhcp6LossReason::Expired, now);
    } else if (l.t2.count() < kInfinity && now >= l.acquired_at + l.t2) {
        Dhcp6RetransmissionParameters rebind = dhcp6_timing::kRebind;
        rebind.mrd = end ? *end - now : Duration(0);  // until the last address ends (never, if never)
        begin_exchange(Dhcp6State::Rebinding, rebind, now);
    } else if (l.t1.count() < kInfinity && now >= l.acquired_at + l.t1) {
        renew_now(now);
    } else {
        arm_lease_timers();
    }
}

// RENEW to the server that granted the lease, retransmitted until T2 (or the
// end, when that comes first); then on_timer's REBIND.
void Dhcp6Engine::renew_now(BootTime now) {
    const Dhcp6Lease& l = *lease_;
    const std::optional<BootTime> end = lease_end();
    Dhcp6RetransmissionParameters renew = dhcp6_timing::kRenew;
    BootTime until = l.t2.count() < kInfinity ? l.acquired_at + l.t2 : BootTime{Duration::max() / 2};
    if (end && *end < until) until = *end;
    renew.mrd = until > now ? until - now : Duration(0);
    begin_exchange(Dhcp6State::Renewing, renew, now);
}

Result<void> Dhcp6Engine::renew(BootTime now) {
    switch (state_) {
        case Dhcp6State::Bound:
            // A timer that is late (CLOCK_BOOTTIME goes on in suspend) may
            // have T2 or the end behind it: on_timer's REBIND or loss, not a
            // RENEW the server that granted the lease is past answering.
            if (const Dhcp6Lease& l = *lease_;
                (l.t2.count() < kInfinity && now >= l.acquired_at + l.t2) || (lease_end() && now >= *lease_end())) {
                timer_ = now;
                on_timer(now);
            } else {
                renew_now(now);
            }
            return {};
        // Already asking: its server (a new exchange would drop the REPLY on
        // its way), every server, whether the addresses still fit, or the
        // chosen server for them.
        case Dhcp6State::Renewing:
        case Dhcp6State::Rebinding:
        case Dhcp6State::Confirming:
        case Dhcp6State::Requesting: return {};
        case Dhcp6State::Soliciting: solicit(now); return {};
        case Dhcp6State::InformationRequesting:
        case Dhcp6State::Informed: start_information_request(now); return {};
        case Dhcp6State::Declining:
            return unexpected(ErrorCode::Invalid, "a conflicting address is being declined; a new SOLICIT follows");
        case Dhcp6State::Stopped: return unexpected(ErrorCode::Invalid, "the DHCPv6 client is stopped");
    }
    return {};
}

void Dhcp6Engine::on_exchange_failed(BootTime now) {
    exchange_.reset();
    switch (state_) {
        case Dhcp6State::Requesting:  // REQ_MAX_RC: the server went away; look for another
            // After NoBinding the addresses we asked for again are gone too.
            if (lease_)
                lose(Dhcp6LossReason::NoBinding, now);
            else
                solicit(now);
            break;
        case Dhcp6State::Declining:  // DEC_MAX_RC: the server was told enough
            lease_.reset();
            solicit(now);
            break;
        case Dhcp6State::Renewing:   // MRD is T2: REBIND now
        case Dhcp6State::Rebinding:  // MRD is the end of the last address: it is gone
            // The lease timers decide; the exchange's end is due by construction.
            timer_ = now;
            on_timer(now);
            break;
        case Dhcp6State::Confirming:
            // RFC 8415 18.2.3: no answer means keep using the addresses.
            set_state(Dhcp6State::Bound);
            arm_lease_timers();
            if (timer_ && *timer_ <= now) on_timer(now);
            break;
        default: timer_.reset(); break;
    }
}

std::optional<std::string> Dhcp6Engine::not_for_us(const Dhcp6Message& m) const {
    if (m.type != Dhcp6MessageType::Advertise && m.type != Dhcp6MessageType::Reply)
        return std::string("a ") + to_string(m.type) + " is not an answer to a client";
    if (m.transaction_id != transaction_id_)
        return "transaction id " + std::to_string(m.transaction_id) + " is not ours (" +
               std::to_string(transaction_id_) + ")";
    const Dhcp6Option* client = m.find(o::kClientId);
    if (client == nullptr || client->data != config_.duid) return "its client identifier is not ours";
    const Dhcp6Option* server = m.find(o::kServerId);
    if (server == nullptr || server->data.empty()) return "it has no server identifier";
    return std::nullopt;
}

void Dhcp6Engine::receive(const Dhcp6Message& m, BootTime now) {
    if (!exchange_) {
        emit(Dhcp6Ignored{std::string(to_string(m.type)) + " while " + to_string(state_)});
        return;
    }
    if (auto why = not_for_us(m)) {
        emit(Dhcp6Ignored{std::string(to_string(m.type)) + ": " + *why});
        return;
    }
    if (m.type == Dhcp6MessageType::Advertise)
        on_advertise(m, now);
    else
        on_reply(m, now);
}

void Dhcp6Engine::on_advertise(const Dhcp6Message& m, BootTime now) {
    if (state_ != Dhcp6State::Soliciting) {
        emit(Dhcp6Ignored{std::string("ADVERTISE while ") + to_string(state_)});
        return;
    }
    // RFC 8415 18.2.9: an ADVERTISE without an address is ignored.
    std::string why;
    if (!lease_from(m, now, why)) {
        emit(Dhcp6Ignored{"ADVERTISE: " + why});
        return;
    }
    int preference = 0;
    if (const Dhcp6Option* p = m.find(o::kPreference); p && p->data.size() == 1) preference = p->data[0];
    if (preference > best_preference_) {
        best_preference_ = preference;
        best_advertise_ = m;
    }
    // 255 ends the collection at once; after the first RT, any ADVERTISE does.
    if (preference == 255 || exchange_->transmissions() > 1) request_from_advertise(now);
}

void Dhcp6Engine::request_from_advertise(BootTime now) {
    begin_exchange(Dhcp6State::Requesting, dhcp6_timing::kRequest, now);
}

std::optional<Dhcp6Lease> Dhcp6Engine::lease_from(const Dhcp6Message& m, BootTime now, std::string& why,
                                                  const Dhcp6Lease* held) const {
    if (auto status = top_status(m); status && status->code != 0) {
        why = status_text(*status);
        return std::nullopt;
    }
    for (const auto& option : m.options) {
        if (option.code != o::kIaNa) continue;
        auto ia = decode_dhcp6_ia_na(option.data);
        if (!ia) {
            why = ia.error().message;
            continue;
        }
        if (ia->iaid != config_.iaid) {
            why = "IA_NA " + std::to_string(ia->iaid) + " is not ours";
            continue;
        }
        if (ia->status && ia->status->code != 0) {
            why = "IA_NA " + status_text(*ia->status);
            return std::nullopt;
        }
        // RFC 8415 21.4: T1 > T2 (both set) makes the IA_NA unusable.
        if (ia->t1_s > ia->t2_s && ia->t2_s != 0) {
            why = "IA_NA T1 " + std::to_string(ia->t1_s) + " > T2 " + std::to_string(ia->t2_s);
            return std::nullopt;
        }
        bool offered = !ia->addresses.empty();
        // RFC 8415 18.2.10.1: "Leave unchanged any information about leases
        // the client has recorded in the IA but that were not included in the
        // IA from the server". An IA_NA without any address is not taken as
        // an answer, so that the RENEW goes on.
        if (held && offered)
            for (const auto& a : held->ia.addresses) {
                auto listed = [&](const Dhcp6IaAddress& b) { return b.address == a.address; };
                if (std::ranges::any_of(ia->addresses, listed)) continue;
                if (auto kept = dhcp6_remaining(a, held->acquired_at, now)) ia->addresses.push_back(*kept);
            }
        std::erase_if(ia->addresses,
                      [](const Dhcp6IaAddress& a) { return a.valid_s == 0 || (a.status && a.status->code != 0); });
        if (ia->addresses.empty()) {
            why = offered ? "IA_NA revokes every address (valid lifetime 0)" : "IA_NA holds no usable address";
            return std::nullopt;
        }
        Dhcp6Lease lease;
        lease.server_duid = m.find(o::kServerId)->data;
        lease.options = m.options;
        lease.acquired_at = now;
        // The shortest preferred lifetime; of deprecated addresses (preferred
        // 0), the shortest valid one, so that renewal still comes before the end.
        std::uint32_t preferred = kInfinity, valid = kInfinity;
        for (const auto& a : ia->addresses) {
            preferred = std::min(preferred, a.preferred_s);
            valid = std::min(valid, a.valid_s);
        }
        if (preferred == 0) preferred = valid;
        lease.ia = std::move(*ia);
        auto share = [&](std::uint32_t given, int tenths) {
            if (given != 0) return Seconds(given);
            if (preferred == kInfinity) return Seconds(kInfinity);
            return Seconds(static_cast<std::int64_t>(preferred) * tenths / 10);
        };
        lease.t1 = share(lease.ia.t1_s, 5);  // RFC 8415 18.2.4: 0.5 and 0.8 of the
        lease.t2 = share(lease.ia.t2_s, 8);  // shortest preferred lifetime
        // T2 never before T1: raise our T2 to the server's T1, or lower our T1 to its T2.
        if (lease.t2 < lease.t1) {
            if (lease.ia.t1_s != 0)
                lease.t2 = lease.t1;
            else
                lease.t1 = lease.t2;
        }
        return lease;
    }
    if (why.empty()) why = "no IA_NA";
    return std::nullopt;
}

void Dhcp6Engine::on_reply(const Dhcp6Message& m, BootTime now) {
    const auto status = top_status(m);
    switch (state_) {
        case Dhcp6State::Soliciting:
            if (!config_.rapid_commit || m.find(o::kRapidCommit) == nullptr) {
                emit(Dhcp6Ignored{"REPLY to a SOLICIT without rapid commit"});
                return;
            }
            [[fallthrough]];
        case Dhcp6State::Requesting: {
            std::string why;
            auto lease = lease_from(m, now, why);
            if (!lease) {
                emit(Dhcp6Ignored{"REPLY: " + why});
                // RFC 8415 section 16: an invalid message is discarded; the
                // exchange goes on, and a genuine REPLY may still come. Only a
                // server's refusal (NoAddrsAvail, NotOnLink ...) sends us to
                // look again.
                if (state_ == Dhcp6State::Requesting && refused(m, config_.iaid)) {
                    if (lease_)
                        lose(Dhcp6LossReason::NoBinding, now);  // the REQUEST after NoBinding failed
                    else
                        solicit(now);
                }
                return;
            }
            exchange_.reset();
            give_up_at_.reset();
            lease_ = *lease;
            set_state(Dhcp6State::Bound);
            emit(Dhcp6Bound{*lease});
            arm_lease_timers();
            return;
        }
        case Dhcp6State::Renewing:
        case Dhcp6State::Rebinding: {
            std::string why;
            auto lease = lease_from(m, now, why, lease_ ? &*lease_ : nullptr);
            if (!lease) {
                // RFC 8415 18.2.10.1: NoBinding asks for the IA again with a REQUEST.
                if (is(ia_na_status(m, config_.iaid), Dhcp6Status::NoBinding)) {
                    best_advertise_ = m;
                    request_from_advertise(now);
                    return;
                }
                // RFC 8415 18.2.10.1: addresses returned with valid lifetime 0 end now.
                if (why.starts_with("IA_NA revokes")) {
                    exchange_.reset();
                    lose(Dhcp6LossReason::Revoked, now);
                    return;
                }
                emit(Dhcp6Ignored{"REPLY: " + why});
                return;
            }
            exchange_.reset();
            lease_ = *lease;
            set_state(Dhcp6State::Bound);
            emit(Dhcp6Extended{*lease});
            arm_lease_timers();
            return;
        }
        case Dhcp6State::Confirming:
            // RFC 8415 18.2.10.3: a Success, explicit or implicit (no status
            // code), confirms; a status code that does not decode is neither.
            if (m.find(o::kStatusCode) != nullptr && !status) {
                emit(Dhcp6Ignored{"REPLY: its status code does not decode"});
                return;
            }
            if (is(status, Dhcp6Status::NotOnLink)) {
                exchange_.reset();
                lose(Dhcp6LossReason::NotOnLink, now);
                return;
            }
            exchange_.reset();
            set_state(Dhcp6State::Bound);
            arm_lease_timers();
            if (timer_ && *timer_ <= now) on_timer(now);
            return;
        case Dhcp6State::Declining:
            exchange_.reset();
            lease_.reset();
            solicit(now);
            return;
        case Dhcp6State::InformationRequesting: {
            exchange_.reset();
            Seconds refresh = kInformationRefreshDefault;
            if (const Dhcp6Option* r = m.find(o::kInformationRefreshTime); r && r->data.size() == 4) {
                std::uint32_t v = std::uint32_t{r->data[0]} << 24 | std::uint32_t{r->data[1]} << 16 |
                                  std::uint32_t{r->data[2]} << 8 | r->data[3];
                refresh = std::max(Seconds(v), kInformationRefreshMinimum);
            }
            set_state(Dhcp6State::Informed);
            emit(Dhcp6InformationReceived{m.options});
            timer_.reset();
            if (refresh.count() < kInfinity) timer_ = now + refresh;
            return;
        }
        case Dhcp6State::Stopped:
        case Dhcp6State::Bound:
        case Dhcp6State::Informed: emit(Dhcp6Ignored{std::string("REPLY while ") + to_string(state_)}); return;
    }
}

}  // namespace earlynet::dhcp
