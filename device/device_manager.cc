#include "device/device_manager.h"

#include <sys/random.h>

#include <algorithm>
#include <cerrno>

#include "base/guard.h"
#include "base/log.h"
#include "device/profile_match.h"
#include "device/virtual_link_config.h"
#include "netlink/virtual_link.h"
#include "state/adoption_check.h"
#include "state/state_store.h"

namespace earlynet::device {

namespace {

Result<void> not_managed(const std::string& interface) {
    return unexpected(ErrorCode::NotFound, interface + ": no device of that name is managed");
}

}  // namespace

DeviceManager::DeviceManager(sd_event* loop, netlink::Socket& sock, profile::ProfileSet profiles,
                             ActivationSettings settings, Callbacks callbacks)
    : loop_(loop),
      sock_(sock),
      profiles_(std::move(profiles)),
      settings_(settings),
      callbacks_(std::move(callbacks)),
      complete_check_(loop) {}

DeviceManager::~DeviceManager() = default;

std::uint64_t DeviceManager::next_seed() {
    std::uint64_t seed = 0;
    if (::getrandom(&seed, sizeof seed, GRND_NONBLOCK) != sizeof seed)
        seed = static_cast<std::uint64_t>(boot_time_now().since_boot.count());
    return seed;
}

Result<void> DeviceManager::start() {
    auto monitor =
        netlink::Monitor::start(loop_, [this](std::vector<netlink::MonitorEvent> e) { on_events(std::move(e)); });
    if (!monitor) return unexpected(std::move(monitor.error()));
    monitor_ = std::move(*monitor);

    for (const auto& lp : profiles_.profiles) {
        const profile::Profile& p = lp.profile;
        if (p.wait_device_timeout <= 0 || p.is_port()) continue;
        waiting_profiles_.insert(p.uuid);
        auto timer = std::make_unique<EventTimer>(loop_);
        auto armed = timer->arm_in(std::chrono::milliseconds(p.wait_device_timeout),
                                   [this, uuid = p.uuid, id = p.id, ms = p.wait_device_timeout] {
                                       if (waiting_profiles_.erase(uuid))
                                           spdlog::warn("profile '{}': no device appeared within {} ms", id, ms);
                                       check_complete();
                                   });
        if (!armed) waiting_profiles_.erase(p.uuid);
        wait_timers_.push_back(std::move(timer));
    }
    create_virtual_links();
    // Links existing now, in ifindex order (NICs before what we just created).
    std::vector<netlink::Link> links;
    for (const auto& [index, link] : monitor_->state().links()) links.push_back(link);
    // Virtual links as the kernel has them now: made a moment ago (by us, or
    // by a module our request loaded) they may be missing from the monitor's
    // dump, or listed under the ifindex of the one we replaced. They must be
    // tried before startup can be complete.
    for (const auto& lp : profiles_.profiles) {
        const std::string& name = lp.profile.interface_name;
        if (lp.profile.type == profile::ConnectionType::Ethernet ||
            lp.profile.type == profile::ConnectionType::Infiniband || name.empty())
            continue;
        std::erase_if(links, [&](const netlink::Link& l) { return l.name == name; });
        if (auto l = netlink::link::get(sock_, name)) links.push_back(*l);
    }
    for (const auto& link : links) consider(link);
    started_ = true;
    check_complete();
    return {};
}

const profile::LoadedProfile* DeviceManager::profile_by_uuid_or_name(const std::string& ref) const {
    for (const auto& lp : profiles_.profiles)
        if (lp.profile.uuid == ref) return &lp;
    for (const auto& lp : profiles_.profiles)
        if (!lp.profile.interface_name.empty() && lp.profile.interface_name == ref && !lp.profile.is_port()) return &lp;
    return nullptr;
}

bool DeviceManager::has_ports(IfIndex controller) const {
    for (const auto& [i, l] : monitor_->state().links())
        if (l.controller == controller) return true;
    return false;
}

void DeviceManager::create_virtual_links() {
    auto find_link = [&](const std::string& name) -> std::optional<netlink::Link> {
        auto l = netlink::link::get(sock_, name);  // the kernel, not the cache: we may have just made it
        if (!l) return std::nullopt;
        return *l;
    };
    // Bonds and bridges first, then VLANs (whose parent may be a bond).
    for (int pass = 0; pass < 2; ++pass) {
        for (const auto& lp : profiles_.profiles) {
            const profile::Profile& p = lp.profile;
            bool vlan = p.type == profile::ConnectionType::Vlan;
            if ((pass == 0) == vlan) continue;
            if (p.type == profile::ConnectionType::Ethernet || p.type == profile::ConnectionType::Infiniband) continue;
            if (p.interface_name.empty() || find_link(p.interface_name)) continue;
            Result<IfIndex> made = unexpected(ErrorCode::NotSupported, "");
            switch (p.type) {
                case profile::ConnectionType::Bond: {
                    auto plan = bond_config(p);
                    if (!plan) {
                        made = unexpected(std::move(plan.error()));
                        break;
                    }
                    for (const auto& u : plan->unsupported)
                        spdlog::warn("{}: bond option {} is not supported, ignoring it", p.interface_name, u);
                    made = netlink::virtual_link::create_bond(sock_, plan->config);
                    // Loading the bonding module (which our request does) makes an
                    // empty, down "bond0" of the wrong mode (max_bonds=1): replace
                    // it, once, with ours. A bond that is up or has ports is
                    // someone's, and stays.
                    if (!made && made.error().sys_errno == EEXIST)
                        if (auto existing = find_link(p.interface_name); existing && existing->kind == "bond" &&
                                                                         !existing->flags.up() &&
                                                                         !has_ports(existing->index)) {
                            spdlog::info("{}: replacing the empty bond the bonding module made", p.interface_name);
                            if (netlink::link::remove(sock_, existing->index))
                                made = netlink::virtual_link::create_bond(sock_, plan->config);
                        }
                    break;
                }
                case profile::ConnectionType::Bridge:
                    made = netlink::virtual_link::create_bridge(sock_, bridge_config(p));
                    break;
                case profile::ConnectionType::Team:
                    made = netlink::virtual_link::create_team(sock_, p.interface_name);
                    break;
                case profile::ConnectionType::Vlan: {
                    std::string parent = p.vlan ? p.vlan->parent : std::string();
                    if (const auto* pp = profile_by_uuid_or_name(parent); pp && !pp->profile.interface_name.empty())
                        parent = pp->profile.interface_name;
                    auto parent_link = find_link(parent);
                    if (!parent_link) {
                        made = unexpected(ErrorCode::Invalid, "its parent '" + parent + "' does not exist");
                        break;
                    }
                    made = netlink::virtual_link::create_vlan(
                        sock_, {p.interface_name, parent_link->index, static_cast<std::uint16_t>(p.vlan->id)});
                    break;
                }
                case profile::ConnectionType::Ethernet:
                case profile::ConnectionType::Infiniband: break;
            }
            if (!made) {
                std::string line =
                    p.interface_name + ": cannot create " + to_string(p.type) + ": " + made.error().message;
                spdlog::error("{}", line);
                profile_errors_.push_back(line);
                continue;
            }
            spdlog::info("{}: created {}", p.interface_name, to_string(p.type));
        }
    }
}

std::optional<IfIndex> DeviceManager::controller_of(const profile::Profile& port) const {
    const profile::LoadedProfile* c = profile_by_uuid_or_name(port.controller);
    if (!c) return std::nullopt;
    for (const auto& [i, l] : monitor_->state().links())
        if (l.name == c->profile.interface_name) return l.index;
    if (auto l = netlink::link::get(sock_, c->profile.interface_name)) return l->index;
    return std::nullopt;
}

void DeviceManager::consider(const netlink::Link& link) {
    if (activations_.count(link.index.value)) return;
    auto available = [&](const profile::LoadedProfile& lp) {
        const profile::Profile& p = lp.profile;
        if (p.multi_connect == profile::MultiConnect::Multiple ||
            p.multi_connect == profile::MultiConnect::ManualMultiple)
            return true;
        for (const auto& [i, a] : activations_)
            if (a->profile().uuid == p.uuid && a->outcome() != state::DeviceOutcome::Failed) return false;
        return true;
    };
    const profile::LoadedProfile* lp = choose_profile(profiles_.profiles, link, available);
    if (!lp) return;
    std::optional<IfIndex> controller;
    if (lp->profile.is_port()) controller = controller_of(lp->profile);
    LinkContext ctx;
    ctx.loop = loop_;
    ctx.sock = &sock_;
    ctx.ifindex = link.index;
    ctx.name = link.name;
    ctx.mac = link.mac.value_or(HardwareAddress());
    ctx.seed = next_seed();
    waiting_profiles_.erase(lp->profile.uuid);
    SavedDevice saved;
    if (auto it = adoptable_.find(link.name); it != adoptable_.end()) {
        const state::DeviceRecord& r = it->second;
        // Same boot, same device (ifindex and MAC), same profile, it did come
        // up, and its lease still runs: anything else is activated anew,
        // asking first for the lease's address if the profile is the same.
        state::DeviceNow now{link.name, link.index.value, link.mac ? link.mac->to_string() : std::string(),
                             lp->profile.uuid};
        auto trusted = state::check_adoptable(r, state::StateStore(adoptable_dir_).path_of(link.name), now,
                                              boot_time_now().since_boot);
        if (trusted) {
            saved.adopted = r;
        } else {
            spdlog::error("{}: not trusted, {} is activated anew", trusted.error().message, link.name);
            if (r.profile_uuid == lp->profile.uuid) {
                saved.remembered_lease = r.lease;
                saved.remembered_lease6 = r.lease6;
            }
        }
        adoptable_.erase(it);
    } else if (auto down = taken_down_.find(link.name); down != taken_down_.end()) {
        // The same device (not another one given its name since) with the
        // same profile: its lease and client identifier are its own. Kept
        // until the next down, which may come before a new lease.
        if (down->second.ifindex == link.index.value && down->second.profile_uuid == lp->profile.uuid) {
            saved.remembered_lease = down->second.lease;
            saved.remembered_lease6 = down->second.lease6;
        }
    }
    auto activation = std::make_unique<DeviceActivation>(
        ctx, *lp, controller, settings_,
        [this](DeviceActivation& a) {
            if (callbacks_.device_changed) callbacks_.device_changed(a);
            check_complete();
        },
        std::move(saved));
    auto* raw = activation.get();
    activations_.emplace(link.index.value, std::move(activation));
    if (std::find(order_.begin(), order_.end(), link.index.value) == order_.end()) order_.push_back(link.index.value);
    raw->start(link);
}

// A link that cannot be considered (a bug of ours) is left alone; the
// batch's other events still reach their devices.
void DeviceManager::consider_guarded(const netlink::Link& link) {
    if (auto done = call_guarded([&] { consider(link); }); !done)
        spdlog::error("{}: {}, leaving it alone", link.name, done.error().message);
}

void DeviceManager::on_events(std::vector<netlink::MonitorEvent> events) {
    for (const auto& event : events) {
        // What one device does with an event is its own: an exception there
        // fails that device, the others and the loop go on.
        auto guarded = [&](DeviceActivation& a, auto&& work) {
            if (auto done = call_guarded(work); !done) a.fail_internal(done.error().message);
        };
        std::visit(
            [&](const auto& e) {
                using T = std::decay_t<decltype(e)>;
                if constexpr (std::is_same_v<T, netlink::LinkAdded>) {
                    if (started_) consider_guarded(e.link);
                } else if constexpr (std::is_same_v<T, netlink::LinkRemoved>) {
                    if (auto it = activations_.find(e.link.index.value); it != activations_.end())
                        guarded(*it->second, [&] { it->second->on_link_removed(); });
                } else if constexpr (std::is_same_v<T, netlink::CarrierChanged> ||
                                     std::is_same_v<T, netlink::OperStateChanged> ||
                                     std::is_same_v<T, netlink::LinkChanged>) {
                    if (auto it = activations_.find(e.link.index.value); it != activations_.end())
                        guarded(*it->second, [&] { it->second->on_link_changed(e.link); });
                    else if (started_)
                        consider_guarded(e.link);  // renamed into a profile's name, say
                } else if constexpr (std::is_same_v<T, netlink::AddressAdded> ||
                                     std::is_same_v<T, netlink::AddressRemoved> ||
                                     std::is_same_v<T, netlink::AddressUsable> ||
                                     std::is_same_v<T, netlink::AddressDadFailed> ||
                                     std::is_same_v<T, netlink::AddressChanged>) {
                    if (auto it = activations_.find(e.address.ifindex.value); it != activations_.end())
                        guarded(*it->second, [&] { it->second->on_monitor_event(event); });
                } else if constexpr (std::is_same_v<T, netlink::RouterFlagsChanged>) {
                    if (auto it = activations_.find(e.flags.index.value); it != activations_.end())
                        guarded(*it->second, [&] { it->second->on_monitor_event(event); });
                } else if constexpr (std::is_same_v<T, netlink::MonitorFailed>) {
                    spdlog::warn("netlink monitor: {}", e.error.message);
                } else if constexpr (std::is_same_v<T, netlink::Resynced>) {
                    spdlog::warn("netlink monitor: events were lost, re-read the kernel's state");
                }
            },
            event);
    }
}

void DeviceManager::check_complete() {
    if (complete_ || !started_) return;
    for (const auto& [i, a] : activations_)
        if (a->outcome() == state::DeviceOutcome::Activating) return;
    if (!waiting_profiles_.empty()) return;
    complete_ = true;
    // Reported from the loop, not from inside whatever callback got us here.
    auto armed = complete_check_.arm_in(Duration::zero(), [this] {
        spdlog::info("startup complete");
        if (callbacks_.startup_complete) callbacks_.startup_complete();
    });
    if (!armed && callbacks_.startup_complete) callbacks_.startup_complete();
}

void DeviceManager::stop_all() {
    for (auto& [i, a] : activations_) a->stop();
}

DeviceActivation* DeviceManager::find(const std::string& interface) {
    for (int i : order_)
        if (auto it = activations_.find(i); it != activations_.end() && it->second->name() == interface)
            return it->second.get();
    return nullptr;
}

Result<void> DeviceManager::renew(const std::string& interface) {
    DeviceActivation* a = find(interface);
    return a ? a->renew() : not_managed(interface);
}

// As DHCPv4 decides whether a lost lease may take the address away.
bool DeviceManager::may_carry_network_root(const std::string& interface) const {
    return settings_.network_root &&
           (settings_.network_root_device.empty() || settings_.network_root_device == interface);
}

Result<void> DeviceManager::take_down(const std::string& interface, bool force) {
    DeviceActivation* a = find(interface);
    if (!a) return not_managed(interface);
    if (a->outcome() == state::DeviceOutcome::Down) return {};
    if (!force && may_carry_network_root(interface))
        return unexpected(ErrorCode::Conflict, interface + ": the root file system may be reached through it");
    // Kept whether or not every address could be removed (the DHCP clients
    // are stopped either way); a device taken down again before its new lease
    // keeps the lease it had.
    state::DeviceRecord before = a->record();
    auto down = a->take_down();
    if (auto it = taken_down_.find(interface); it != taken_down_.end() && !before.lease && !before.lease6) {
        before.lease = it->second.lease;
        before.lease6 = it->second.lease6;
    }
    taken_down_[interface] = std::move(before);
    return down;
}

Result<void> DeviceManager::bring_up(const std::string& interface) {
    DeviceActivation* a = find(interface);
    if (!a) return not_managed(interface);
    if (a->outcome() == state::DeviceOutcome::Activating || a->outcome() == state::DeviceOutcome::Activated) return {};
    int index = a->ifindex().value;
    const auto& links = monitor_->state().links();
    auto link = links.find(index);
    if (link == links.end()) return unexpected(ErrorCode::Invalid, interface + ": the link is gone");
    spdlog::info("{}: activating it again, as asked", interface);
    activations_.erase(index);  // its place in order_ stays
    consider_guarded(link->second);
    if (activations_.count(index)) return {};
    std::erase(order_, index);
    return unexpected(ErrorCode::Conflict, interface + ": no profile is free for it now, it is no longer managed");
}

std::vector<const DeviceActivation*> DeviceManager::devices() const {
    std::vector<const DeviceActivation*> out;
    for (int i : order_) out.push_back(activations_.at(i).get());
    return out;
}

RunOutcome DeviceManager::outcome(Settled which) const {
    RunOutcome out;
    out.profile_failures = profile_errors_;
    for (const auto& lp : profiles_.profiles) {
        const profile::Profile& p = lp.profile;
        if (p.is_port()) continue;
        bool up = false, tried = false, trying = waiting_profiles_.count(p.uuid) > 0;
        for (const auto* a : devices()) {
            if (a->profile().uuid != p.uuid) continue;
            tried = true;
            up = up || a->outcome() == state::DeviceOutcome::Activated;
            trying = trying || a->outcome() == state::DeviceOutcome::Activating;
        }
        if (up || (which == Settled::Only && trying)) continue;
        out.profile_failures.push_back(
            "profile '" + p.id + "': " +
            (tried ? std::string("no device came up with it")
                   : "no device" + (p.interface_name.empty() ? std::string() : " named " + p.interface_name)));
    }
    return out;
}

}  // namespace earlynet::device
