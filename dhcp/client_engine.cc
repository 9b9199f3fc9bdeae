#include "dhcp/client_engine.h"

#include <algorithm>
#include <span>
#include <utility>

namespace earlynet::dhcp {

namespace {

using std::chrono::seconds;

// RFC 2131 4.1: retransmit after 4 s, doubling up to 64 s, each delay
// randomised by +-1 s so that clients that started together drift apart.
constexpr Duration kFirstRetransmission = seconds(4);
constexpr Duration kLastRetransmission = seconds(64);
constexpr Duration kRetransmissionJitter = seconds(1);
// RFC 2131 4.4.5: in RENEWING and REBINDING, retransmit after half the time
// left until T2 (resp. the end of the lease), but no sooner than 60 s.
constexpr Duration kMinimumRenewalRetransmission = seconds(60);
// A REQUEST for an offer that gets no answer after this many tries means the
// server went away: start over with DISCOVER (sd-dhcp-client does the same).
constexpr int kRequestsPerOffer = 4;
// INIT-REBOOT asks twice (4 s and 8 s) before falling back to DISCOVER: the
// address may simply be unknown to a server that does not answer for it.
constexpr int kRebootRequests = 2;
// Carrier back while bound: the confirming REQUEST goes again 4 and 8 s
// later (RFC 2131 4.1's backoff) before the lease's own schedule (at least
// 60 s apart) takes over: one lost packet must not leave a moved machine on
// a lease that is not valid there for a minute.
constexpr int kConfirmRetransmissions = 2;
// After a NAK, start over at once the first time (a stale INIT-REBOOT address
// is the usual cause), then back off 1, 2, 4 ... 64 s so that a confused
// server and client do not loop at wire speed.
constexpr Duration kFirstNakBackoff = seconds(1);
constexpr Duration kLastNakBackoff = seconds(64);
// RFC 5227 2.1.1: a host that has seen MAX_CONFLICTS conflicts must try a
// new address at most once per RATE_LIMIT_INTERVAL. A DECLINE is our
// conflict count: each one follows a conflict ACD found.
constexpr int kMaxConflicts = 10;
constexpr Duration kRateLimitInterval = seconds(60);

void put_u8(Message& m, std::uint8_t code, std::uint8_t v) {
    m.options[code] = {v};
}
void put_u16(Message& m, std::uint8_t code, std::uint16_t v) {
    m.options[code] = {static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
}
void put_ipv4(Message& m, std::uint8_t code, Ipv4Address a) {
    std::uint32_t h = a.host_order();
    m.options[code] = {static_cast<std::uint8_t>(h >> 24), static_cast<std::uint8_t>(h >> 16),
                       static_cast<std::uint8_t>(h >> 8), static_cast<std::uint8_t>(h)};
}
void put_text(Message& m, std::uint8_t code, const std::string& s) {
    if (!s.empty()) m.options[code] = std::vector<std::uint8_t>(s.begin(), s.end());
}

bool is_acquiring(ClientState s) {
    switch (s) {
        case ClientState::Init:
        case ClientState::Selecting:
        case ClientState::Requesting:
        case ClientState::InitReboot:
        case ClientState::Rebooting: return true;
        case ClientState::Granted:
        case ClientState::Bound:
        case ClientState::Renewing:
        case ClientState::Rebinding:
        case ClientState::Stopped: return false;
    }
    return false;
}

}  // namespace

const char* to_string(ClientState state) {
    switch (state) {
        case ClientState::Init: return "INIT";
        case ClientState::Selecting: return "SELECTING";
        case ClientState::Requesting: return "REQUESTING";
        case ClientState::Granted: return "GRANTED";
        case ClientState::Bound: return "BOUND";
        case ClientState::Renewing: return "RENEWING";
        case ClientState::Rebinding: return "REBINDING";
        case ClientState::InitReboot: return "INIT-REBOOT";
        case ClientState::Rebooting: return "REBOOTING";
        case ClientState::Stopped: return "STOPPED";
    }
    return "?";
}

bool is_infiniband(const HardwareAddress& mac) {
    return mac.size() == HardwareAddress::kInfinibandLength;
}

std::span<const std::uint8_t> chaddr_of(const HardwareAddress& mac) {
    if (is_infiniband(mac)) return {};
    return std::span(mac.bytes()).first(std::min<std::size_t>(mac.size(), 16));
}

namespace {

// RFC 4390 2.1 / ARP hardware type 32 (InfiniBand).
constexpr std::uint8_t kInfinibandHtype = 32;

}  // namespace

std::vector<std::uint8_t> default_client_id(const HardwareAddress& mac) {
    if (is_infiniband(mac)) {
        auto guid = std::span<const std::uint8_t>(mac.bytes()).subspan(mac.size() - 8);
        std::vector<std::uint8_t> id{255};
        id.insert(id.end(), guid.end() - 4, guid.end());   // IAID
        id.insert(id.end(), {0, 3, 0, kInfinibandHtype});  // DUID-LL, hardware type 32
        id.insert(id.end(), guid.begin(), guid.end());
        return id;
    }
    std::vector<std::uint8_t> id;
    id.reserve(1 + mac.size());
    id.push_back(1);  // hardware type 1, Ethernet
    for (std::uint8_t b : mac.bytes()) id.push_back(b);
    return id;
}

const std::vector<std::uint8_t>& parameter_request_list() {
    // Sorted, as we send every list. 17 (root-path) is what a network root
    // needs; 121 comes with 3 because RFC 3442 servers send 121 only when
    // asked, and a client that asks for 121 must ignore 3 when both come.
    static const std::vector<std::uint8_t> list = {
        option::kSubnetMask,   option::kRouter,       option::kDomainNameServer,     option::kHostName,
        option::kDomainName,   option::kRootPath,     option::kInterfaceMtu,         option::kBroadcastAddress,
        option::kNtpServers,   option::kRenewalTime,  option::kRebindingTime,        option::kTftpServerName,
        option::kBootfileName, option::kDomainSearch, option::kClasslessStaticRoute,
    };
    return list;
}

ClientEngine::ClientEngine(ClientConfig config, std::uint64_t seed) : config_(std::move(config)), random_(seed) {}

void ClientEngine::set_state(ClientState to) {
    if (to == state_) return;
    emit(StateChanged{state_, to});
    state_ = to;
}

std::optional<ClientAction> ClientEngine::next_action() {
    if (actions_.empty()) return std::nullopt;
    ClientAction a = std::move(actions_.front());
    actions_.pop_front();
    return a;
}

std::optional<BootTime> ClientEngine::next_deadline() const {
    // The acquisition deadline counts only while acquiring: in GRANTED the
    // caller is probing or configuring, and on_timer() would ignore it.
    auto give_up = is_acquiring(state_) ? give_up_at_ : std::nullopt;
    if (timer_ && give_up) return std::min(*timer_, *give_up);
    return timer_ ? timer_ : give_up;
}

// --- starting ---------------------------------------------------------------

void ClientEngine::start(BootTime now) {
    attempts_left_ = std::max(config_.attempts, 1);
    reboot_address_.reset();
    begin_acquisition(now);
}

void ClientEngine::start_init_reboot(Ipv4Address address, BootTime now) {
    attempts_left_ = std::max(config_.attempts, 1);
    reboot_address_ = address;
    begin_acquisition(now);
}

void ClientEngine::begin_acquisition(BootTime now) {
    give_up_at_.reset();
    if (config_.timeout > Duration::zero()) give_up_at_ = now + config_.timeout;
    acquisition_started_ = now;
    selected_.reset();
    new_transaction(now);
    if (reboot_address_) {
        set_state(ClientState::InitReboot);
        send_request(now);
        arm_retransmission(now);
        set_state(ClientState::Rebooting);
    } else {
        set_state(ClientState::Init);
        send_discover(now);
        set_state(ClientState::Selecting);
    }
}

// Every exchange (DISCOVER, a RENEW, a restart) is a transaction of its own:
// a fresh xid, so that late answers to the old one are dropped, and the
// retransmission schedule from its start (RFC 2131 4.1).
void ClientEngine::new_transaction(BootTime now) {
    xid_ = Xid{random_.next_u32()};
    transaction_started_ = now;
    requests_sent_ = 0;
    retransmit_delay_ = Duration::zero();
    confirm_retransmissions_ = 0;
}

// INIT again within the same acquisition (its deadline stays): DISCOVER
// after `delay`, or at once.
void ClientEngine::restart(BootTime now, Duration delay) {
    selected_.reset();
    reboot_address_.reset();
    set_state(ClientState::Init);
    timer_.reset();
    if (delay > Duration::zero()) {
        timer_ = now + delay;
        return;
    }
    new_transaction(now);
    send_discover(now);
    set_state(ClientState::Selecting);
}

// The address we held is gone (NAK, expiry, conflict). The device has been
// online, perhaps with its root on the network: acquisition goes on until
// it succeeds, with no deadline, instead of failing the device.
void ClientEngine::lose_lease(BootTime now) {
    lease_.reset();
    give_up_at_.reset();
    acquisition_started_ = now;
}

void ClientEngine::start_bound(const Lease& lease, BootTime now) {
    attempts_left_ = std::max(config_.attempts, 1);
    lease_ = lease;
    give_up_at_.reset();
    new_transaction(now);
    set_state(ClientState::Bound);
    arm_lease_timer(now);
    if (timer_ && *timer_ <= now) on_lease_timer(now);
}

// --- messages ---------------------------------------------------------------

Message ClientEngine::base_message(MessageType type, BootTime now) const {
    Message m;
    m.op = BootpOp::Request;
    m.xid = xid_;
    auto secs = std::chrono::duration_cast<seconds>(now - acquisition_started_).count();
    m.secs = static_cast<std::uint16_t>(std::clamp<decltype(secs)>(secs, 0, 0xffff));
    if (is_infiniband(config_.mac)) {
        // RFC 4390 2.1: the 20-byte address does not fit chaddr; the client
        // identifier names us, and replies must be broadcast (IPoIB has no
        // address a server could unicast to before ARP works).
        m.htype = kInfinibandHtype;
        m.hlen = 0;
        m.flags = Message::kBroadcastFlag;
    } else {
        auto chaddr = chaddr_of(config_.mac);
        m.htype = 1;
        m.hlen = static_cast<std::uint8_t>(chaddr.size());
        std::copy(chaddr.begin(), chaddr.end(), m.chaddr.begin());
    }
    put_u8(m, option::kMessageType, static_cast<std::uint8_t>(type));
    if (!config_.client_id.empty()) m.options[option::kClientIdentifier] = config_.client_id;
    if (type == MessageType::Discover || type == MessageType::Request) {
        m.options[option::kParameterRequestList] = parameter_request_list();
        put_u16(m, option::kMaxMessageSize, std::max<std::uint16_t>(config_.max_message_size, 576));
        put_text(m, option::kHostName, config_.hostname);
        put_text(m, option::kVendorClass, config_.vendor_class);
    }
    return m;
}

void ClientEngine::send_discover(BootTime now) {
    Message m = base_message(MessageType::Discover, now);
    if (config_.request_broadcast) m.flags = Message::kBroadcastFlag;
    emit(SendAction{std::move(m), Destination::Broadcast, {}});
    arm_retransmission(now);
}

// REQUEST as RFC 2131 4.3.2 tells each state to fill it.
void ClientEngine::send_request(BootTime now) {
    Message m = base_message(MessageType::Request, now);
    Destination to = Destination::Broadcast;
    Ipv4Address server;
    switch (state_) {
        case ClientState::Requesting:
        case ClientState::Selecting:
            put_ipv4(m, option::kRequestedAddress, selected_->address);
            put_ipv4(m, option::kServerIdentifier, selected_->server_id);
            if (config_.request_broadcast) m.flags = Message::kBroadcastFlag;
            break;
        case ClientState::InitReboot:
        case ClientState::Rebooting:
            put_ipv4(m, option::kRequestedAddress, *reboot_address_);
            if (config_.request_broadcast) m.flags = Message::kBroadcastFlag;
            break;
        case ClientState::Bound:
        case ClientState::Renewing:
            m.ciaddr = lease_->address;
            to = Destination::Server;
            server = lease_->server_id;
            break;
        case ClientState::Rebinding: m.ciaddr = lease_->address; break;
        case ClientState::Init:
        case ClientState::Granted:
        case ClientState::Stopped: return;
    }
    ++requests_sent_;
    emit(SendAction{std::move(m), to, server});
}

void ClientEngine::arm_retransmission(BootTime now) {
    retransmit_delay_ = retransmit_delay_ == Duration::zero() ? kFirstRetransmission
                                                              : std::min(retransmit_delay_ * 2, kLastRetransmission);
    timer_ = now + retransmit_delay_ + random_.between(-kRetransmissionJitter, kRetransmissionJitter);
}

// BOUND: T1. RENEWING: the next retransmission or T2. REBINDING: the next
// retransmission or the end of the lease.
void ClientEngine::arm_lease_timer(BootTime now) {
    timer_.reset();
    if (!lease_ || lease_->is_infinite()) return;
    BootTime t1 = lease_->acquired_at + lease_->t1;
    BootTime t2 = lease_->acquired_at + lease_->t2;
    BootTime end = lease_->acquired_at + lease_->lease_time;
    switch (state_) {
        case ClientState::Bound: timer_ = t1; break;
        case ClientState::Renewing:
            timer_ = std::min(t2, now + std::max((t2 - now) / 2, kMinimumRenewalRetransmission));
            break;
        case ClientState::Rebinding:
            timer_ = std::min(end, now + std::max((end - now) / 2, kMinimumRenewalRetransmission));
            break;
        case ClientState::Init:
        case ClientState::Selecting:
        case ClientState::Requesting:
        case ClientState::Granted:
        case ClientState::InitReboot:
        case ClientState::Rebooting:
        case ClientState::Stopped: break;
    }
}

// --- timers -----------------------------------------------------------------

void ClientEngine::on_timer(BootTime now) {
    if (give_up_at_ && now >= *give_up_at_ && is_acquiring(state_)) return on_acquisition_timeout(now);
    if (!timer_ || now < *timer_) return;
    timer_.reset();
    switch (state_) {
        case ClientState::Init:
            new_transaction(now);
            send_discover(now);
            set_state(ClientState::Selecting);
            break;
        case ClientState::Selecting: send_discover(now); break;
        case ClientState::Requesting:
            if (requests_sent_ >= kRequestsPerOffer) {
                emit(Ignored{"no answer to REQUEST for " + selected_->address.to_string() + ", starting over"});
                return restart(now, Duration::zero());
            }
            send_request(now);
            arm_retransmission(now);
            break;
        case ClientState::InitReboot:
        case ClientState::Rebooting:
            if (requests_sent_ >= kRebootRequests) {
                emit(Ignored{"no answer to INIT-REBOOT for " + reboot_address_->to_string() +
                             ", starting over with DISCOVER"});
                return restart(now, Duration::zero());
            }
            send_request(now);
            arm_retransmission(now);
            break;
        case ClientState::Bound:
        case ClientState::Renewing:
        case ClientState::Rebinding: on_lease_timer(now); break;
        case ClientState::Granted:
        case ClientState::Stopped: break;
    }
}

void ClientEngine::on_lease_timer(BootTime now) {
    BootTime t2 = lease_->acquired_at + lease_->t2;
    BootTime end = lease_->acquired_at + lease_->lease_time;
    if (now >= end) {
        emit(Lost{*lease_, LossReason::Expired});
        lose_lease(now);
        return restart(now, Duration::zero());
    }
    ClientState next = now >= t2 ? ClientState::Rebinding : ClientState::Renewing;
    if (next != state_) {
        // A new transaction; the lease will start when it is sent.
        new_transaction(now);
        acquisition_started_ = now;
        set_state(next);
    }
    send_request(now);
    if (confirm_retransmissions_ > 0 && --confirm_retransmissions_ > 0) return arm_confirmation(now);
    arm_lease_timer(now);
}

// The next confirming REQUEST after the carrier came back: the usual
// backoff, never past T2 (RENEWING) or the end of the lease (REBINDING).
void ClientEngine::arm_confirmation(BootTime now) {
    arm_retransmission(now);
    BootTime limit = lease_->acquired_at + (state_ == ClientState::Renewing ? lease_->t2 : lease_->lease_time);
    timer_ = std::min(*timer_, limit);
}

void ClientEngine::on_acquisition_timeout(BootTime now) {
    if (--attempts_left_ > 0) {
        emit(Ignored{"no lease within " + std::to_string(std::chrono::duration_cast<seconds>(config_.timeout).count()) +
                     "s, starting attempt again"});
        return begin_acquisition(now);
    }
    timer_.reset();
    give_up_at_.reset();
    set_state(ClientState::Stopped);
    emit(Failed{Error{ErrorCode::Timeout,
                      "no DHCP lease after " +
                          std::to_string(std::chrono::duration_cast<seconds>(config_.timeout).count()) + "s" +
                          (config_.attempts > 1 ? " (" + std::to_string(config_.attempts) + " attempts)" : ""),
                      0}});
}

void ClientEngine::link_up(BootTime now) {
    switch (state_) {
        case ClientState::Bound:
        case ClientState::Renewing:
        case ClientState::Rebinding:
            if (!lease_ || lease_->is_infinite()) return;
            return confirm_lease(now);
        case ClientState::Selecting:
        case ClientState::Requesting: return restart(now, Duration::zero());
        case ClientState::Rebooting:
            retransmit_delay_ = Duration::zero();
            send_request(now);
            return arm_retransmission(now);
        case ClientState::Init:  // a restart delay (after DECLINE) is kept: RFC 2131 3.1.5
        case ClientState::InitReboot:
        case ClientState::Granted:
        case ClientState::Stopped: return;
    }
}

Result<void> ClientEngine::renew(BootTime now) {
    switch (state_) {
        case ClientState::Bound:
        case ClientState::Renewing:
        case ClientState::Rebinding:
            if (!lease_ || lease_->is_infinite())
                return unexpected(Error{ErrorCode::Invalid, "the lease is infinite: there is nothing to renew"});
            confirm_lease(now);
            return {};
        case ClientState::Selecting:
        case ClientState::Requesting:
        case ClientState::Rebooting: link_up(now); return {};
        case ClientState::Init:
            return unexpected(Error{ErrorCode::Invalid, "starting over after a DECLINE, which RFC 2131 makes wait"});
        case ClientState::InitReboot:  // only inside begin_acquisition(), which goes on to Rebooting
            return unexpected(Error{ErrorCode::Invalid, "the remembered address is being asked for"});
        case ClientState::Granted:
            return unexpected(Error{ErrorCode::Invalid, "the granted address is still being checked"});
        case ClientState::Stopped: return unexpected(Error{ErrorCode::Invalid, "the DHCP client is stopped"});
    }
    return {};
}

// A REQUEST for the lease in use now, again 4 and 8 s later, then the
// lease's own schedule; past T2 the granting server is not to be relied on:
// broadcast.
void ClientEngine::confirm_lease(BootTime now) {
    new_transaction(now);
    acquisition_started_ = now;
    if (now < lease_->acquired_at + lease_->t2)
        set_state(ClientState::Renewing);
    else
        set_state(ClientState::Rebinding);
    send_request(now);
    confirm_retransmissions_ = kConfirmRetransmissions;
    arm_confirmation(now);
}

// --- receiving ----------------------------------------------------------------

// The BOOTP layer of validation: a reply, to our xid and our chaddr, echoing
// our client identifier if it echoes one at all (RFC 6842).
std::optional<std::string> ClientEngine::not_for_us(const Message& m) const {
    if (m.op != BootpOp::Reply) return "not a BOOTREPLY";
    if (m.xid != xid_) return "xid does not match";
    auto chaddr = chaddr_of(config_.mac);
    if (m.hlen != chaddr.size() || !std::equal(chaddr.begin(), chaddr.end(), m.chaddr.begin()))
        return is_infiniband(config_.mac) ? "chaddr is not empty (RFC 4390)" : "chaddr is not ours";
    auto id = m.options.find(option::kClientIdentifier);
    if (id != m.options.end() && !config_.client_id.empty() && id->second != config_.client_id)
        return "client identifier is not ours";
    return std::nullopt;
}

void ClientEngine::receive(const Message& message, BootTime now) {
    if (auto why = not_for_us(message)) return emit(Ignored{*why});
    auto type = message.type();
    if (!type) return emit(Ignored{"no message type"});
    switch (*type) {
        case MessageType::Offer: return on_offer(message, now);
        case MessageType::Ack: return on_ack(message, now);
        case MessageType::Nak: return on_nak(message, now);
        case MessageType::Discover:
        case MessageType::Request:
        case MessageType::Decline:
        case MessageType::Release:
        case MessageType::Inform: return emit(Ignored{std::string("unexpected ") + to_string(*type)});
    }
}

void ClientEngine::on_offer(const Message& message, BootTime now) {
    if (state_ != ClientState::Selecting) return emit(Ignored{std::string("OFFER in ") + to_string(state_)});
    auto offer = lease_from_message(message, now);
    if (!offer) return emit(Ignored{"OFFER: " + offer.error().message});
    emit(Offered{std::move(*offer)});
}

void ClientEngine::select(const Lease& offer, BootTime now) {
    if (state_ != ClientState::Selecting) return;
    selected_ = offer;
    transaction_started_ = now;
    requests_sent_ = 0;
    retransmit_delay_ = Duration::zero();
    set_state(ClientState::Requesting);
    send_request(now);
    arm_retransmission(now);
}

void ClientEngine::on_ack(const Message& message, BootTime now) {
    (void)now;
    switch (state_) {
        case ClientState::Requesting:
        case ClientState::Rebooting:
        case ClientState::Renewing:
        case ClientState::Rebinding: break;
        case ClientState::Init:
        case ClientState::Selecting:
        case ClientState::Granted:
        case ClientState::Bound:
        case ClientState::InitReboot:
        case ClientState::Stopped: return emit(Ignored{std::string("ACK in ") + to_string(state_)});
    }
    auto granted = lease_from_message(message, transaction_started_);
    if (!granted) return emit(Ignored{"ACK: " + granted.error().message});
    if (state_ == ClientState::Requesting && granted->server_id != selected_->server_id)
        return emit(Ignored{"ACK from " + granted->server_id.to_string() + ", not the selected server"});
    timer_.reset();
    confirm_retransmissions_ = 0;
    if ((state_ == ClientState::Renewing || state_ == ClientState::Rebinding) && granted->address == lease_->address) {
        lease_ = std::move(*granted);
        set_state(ClientState::Bound);
        emit(Extended{*lease_});
        return arm_lease_timer(now);
    }
    if (lease_ && (state_ == ClientState::Renewing || state_ == ClientState::Rebinding))
        emit(Lost{*lease_, LossReason::Replaced});
    lease_ = std::move(*granted);
    selected_.reset();
    set_state(ClientState::Granted);
    emit(Granted{*lease_});
}

void ClientEngine::on_nak(const Message& message, BootTime now) {
    switch (state_) {
        case ClientState::Requesting:
            // Only the server we asked may refuse us (RFC 2131 4.4.1).
            if (message.ipv4_option(option::kServerIdentifier) != selected_->server_id)
                return emit(Ignored{"NAK from a server we did not ask"});
            break;
        case ClientState::Rebooting:
        case ClientState::Renewing:
        case ClientState::Rebinding: break;
        case ClientState::Init:
        case ClientState::Selecting:
        case ClientState::Granted:
        case ClientState::Bound:
        case ClientState::InitReboot:
        case ClientState::Stopped: return emit(Ignored{std::string("NAK in ") + to_string(state_)});
    }
    if (lease_ && (state_ == ClientState::Renewing || state_ == ClientState::Rebinding)) {
        emit(Lost{*lease_, LossReason::Nak});
        lose_lease(now);
    }
    Duration delay = nak_delay_;
    nak_delay_ = nak_delay_ == Duration::zero() ? kFirstNakBackoff : std::min(nak_delay_ * 2, kLastNakBackoff);
    restart(now, delay);
}

// --- the caller's answers -------------------------------------------------------

void ClientEngine::accept(BootTime now) {
    if (state_ != ClientState::Granted) return;
    nak_delay_ = Duration::zero();
    give_up_at_.reset();
    reboot_address_.reset();
    set_state(ClientState::Bound);
    arm_lease_timer(now);
}

void ClientEngine::decline(BootTime now) {
    bool bound = false;
    switch (state_) {
        case ClientState::Granted: break;
        case ClientState::Bound:
        case ClientState::Renewing:
        case ClientState::Rebinding: bound = true; break;
        case ClientState::Init:
        case ClientState::Selecting:
        case ClientState::Requesting:
        case ClientState::InitReboot:
        case ClientState::Rebooting:
        case ClientState::Stopped: return;
    }
    // RFC 2131 4.4.4: DECLINE is broadcast from 0.0.0.0 with the address in
    // option 50; it is a message of its own transaction.
    new_transaction(now);
    Message m = base_message(MessageType::Decline, now);
    put_ipv4(m, option::kRequestedAddress, lease_->address);
    put_ipv4(m, option::kServerIdentifier, lease_->server_id);
    emit(SendAction{std::move(m), Destination::Broadcast, {}});
    if (bound)
        lose_lease(now);
    else
        lease_.reset();
    ++conflicts_;
    Duration delay = config_.decline_restart_delay;
    if (conflicts_ >= kMaxConflicts) delay = std::max(delay, kRateLimitInterval);
    restart(now, delay);
}

void ClientEngine::release(BootTime now) {
    switch (state_) {
        case ClientState::Bound:
        case ClientState::Renewing:
        case ClientState::Rebinding: {
            xid_ = Xid{random_.next_u32()};
            Message m = base_message(MessageType::Release, now);
            m.ciaddr = lease_->address;
            put_ipv4(m, option::kServerIdentifier, lease_->server_id);
            emit(SendAction{std::move(m), Destination::Server, lease_->server_id});
            break;
        }
        case ClientState::Init:
        case ClientState::Selecting:
        case ClientState::Requesting:
        case ClientState::Granted:
        case ClientState::InitReboot:
        case ClientState::Rebooting:
        case ClientState::Stopped: break;
    }
    stop();
}

void ClientEngine::stop() {
    timer_.reset();
    give_up_at_.reset();
    lease_.reset();
    selected_.reset();
    set_state(ClientState::Stopped);
}

}  // namespace earlynet::dhcp
