#include "device/ipv4_static.h"

#include "base/guard.h"
#include "base/log.h"
#include "device/ipv4_routes.h"
#include "netlink/address.h"
#include "netlink/route.h"

namespace earlynet::device {

Ipv4Static::Ipv4Static(LinkContext link, profile::IpSettings settings, Duration dad_timeout, Listener listener)
    : IpFamily(std::move(listener)),
      link_(std::move(link)),
      settings_(std::move(settings)),
      dad_timeout_(dad_timeout) {}

Ipv4Static::~Ipv4Static() = default;

void Ipv4Static::start() {
    deliver([this] { start_probes(); });
}

void Ipv4Static::start_probes() {
    std::vector<IpPrefix> v4;
    for (const auto& a : settings_.addresses)
        if (a.address.is_v4()) v4.push_back(a);
    settings_.addresses = v4;
    if (v4.empty()) {
        set_state(State::Failed, "ipv4.method=manual without an IPv4 address");
        return;
    }
    ready_.assign(v4.size(), dad_timeout_ == Duration::zero());
    if (dad_timeout_ == Duration::zero()) {
        configure();
        return;
    }
    for (std::size_t i = 0; i < v4.size(); ++i) {
        dhcp::AcdEngine::Config config{v4[i].address.v4(), link_.mac, dhcp::AcdTiming::scaled(dad_timeout_)};
        auto acd = dhcp::AcdAdapter::create(link_.loop, link_.ifindex, config, link_.seed + i, [this] { pump(); });
        if (!acd) {
            spdlog::warn("{}: cannot probe {}: {}, using it unprobed", link_.name, v4[i].to_string(),
                         acd.error().message);
            ready_[i] = true;
            probes_.push_back(nullptr);
            continue;
        }
        probes_.push_back(std::move(*acd));
    }
    for (auto& p : probes_)
        if (p) p->start();
    drain();
    if (state() == State::Pending && std::all_of(ready_.begin(), ready_.end(), [](bool b) { return b; })) configure();
}

void Ipv4Static::pump() {
    deliver([this] { drain(); });
}

void Ipv4Static::drain() {
    auto done = call_guarded([this] {
        for (bool more = true; more;) {
            more = false;
            for (std::size_t i = 0; i < probes_.size(); ++i)
                while (i < probes_.size() && probes_[i]) {  // an action may clear probes_
                    auto a = probes_[i]->next_action();
                    if (!a) break;
                    more = true;
                    on_acd_action(i, *a);
                }
        }
    });
    if (!done) {
        probes_.clear();
        spdlog::error("{}: {}", link_.name, done.error().message);
        if (state() == State::Pending) set_state(State::Failed, done.error().message);
    }
}

void Ipv4Static::on_acd_action(std::size_t i, const dhcp::AcdAction& action) {
    const std::string address = settings_.addresses[i].address.to_string();
    std::visit(
        [&](const auto& a) {
            using T = std::decay_t<decltype(a)>;
            if constexpr (std::is_same_v<T, dhcp::AcdReady>) {
                ready_[i] = true;
                if (state() == State::Pending && std::all_of(ready_.begin(), ready_.end(), [](bool b) { return b; }))
                    configure();
            } else if constexpr (std::is_same_v<T, dhcp::AcdConflict>) {
                spdlog::error("{}: conflict: {} is in use by {}", link_.name, address, a.mac.to_string());
                if (state() == State::Pending) {
                    probes_.clear();  // the other addresses are not configured either: no probing, no announcing
                    set_state(State::Failed, "address conflict: " + address + " is in use by " + a.mac.to_string());
                }
            } else if constexpr (std::is_same_v<T, dhcp::AcdDefended>) {
                spdlog::warn("{}: conflict: {} also claimed by {}, defended", link_.name, address, a.mac.to_string());
            } else if constexpr (std::is_same_v<T, dhcp::AcdFailed>) {
                spdlog::warn("{}: cannot probe {}: {}, using it unprobed", link_.name, address, a.reason);
                if (!ready_[i]) {
                    ready_[i] = true;
                    if (state() == State::Pending &&
                        std::all_of(ready_.begin(), ready_.end(), [](bool b) { return b; }))
                        configure();
                }
            } else if constexpr (std::is_same_v<T, dhcp::AcdStateChanged>) {
                spdlog::debug("{}: ACD {} {} -> {}", link_.name, address, dhcp::to_string(a.from),
                              dhcp::to_string(a.to));
            } else if constexpr (std::is_same_v<T, dhcp::AcdLost>) {
                // A static address has nowhere else to go: keep it, as
                // NetworkManager does, but say loudly that the link is shared.
                spdlog::error("{}: conflict: {} claimed again by {}, not defending any more", link_.name, address,
                              a.mac.to_string());
            }
        },
        action);
}

void Ipv4Static::configure() {
    netlink::Socket& sock = *link_.sock;
    for (const auto& prefix : settings_.addresses) {
        netlink::Address a;
        a.ifindex = link_.ifindex;
        a.local = prefix;
        if (prefix.prefix < 31) a.broadcast = prefix.address.v4().broadcast(prefix.prefix);
        auto added = netlink::address::replace(sock, a);
        if (!added) {
            set_state(State::Failed, "cannot add " + prefix.to_string() + ": " + added.error().message);
            return;
        }
        spdlog::info("{}: address {}", link_.name, prefix.to_string());
    }
    for (const auto& r : profile_routes(settings_, link_.ifindex, &settings_.addresses.front())) {
        auto added = netlink::route::replace(sock, r);
        if (!added) spdlog::warn("{}: route {} not added: {}", link_.name, r.to_string(), added.error().message);
    }
    set_state(State::Ready);
}

bool Ipv4Static::has_address() const {
    return state() == State::Ready && !settings_.addresses.empty();
}

void Ipv4Static::fill(state::DeviceRecord& record) const {
    if (state() != State::Ready) return;
    for (const auto& a : settings_.addresses) record.addresses.push_back(a);
    for (const auto& r : profile_routes(settings_, link_.ifindex, &settings_.addresses.front()))
        record.routes.push_back({r.destination, r.gateway});
    if (settings_.gateway && !record.gateway) record.gateway = settings_.gateway;
}

}  // namespace earlynet::device
