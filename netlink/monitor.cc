#include "netlink/monitor.h"

#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <systemd/sd-event.h>

#include <cerrno>

#include "base/guard.h"
#include "netlink/detail/message.h"
#include "netlink/detail/parse.h"

namespace earlynet::netlink {

namespace {

constexpr unsigned kGroups[] = {RTNLGRP_LINK,       RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR,
                                RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE,  RTNLGRP_IPV6_IFINFO};

// Datagrams read per wakeup before yielding to the rest of the loop; the
// source is level-triggered, so the remainder is read on the next iteration.
constexpr int kMaxReadsPerWakeup = 256;

}  // namespace

Monitor::Monitor(Fd fd, Socket dump_socket, Handler handler)
    : fd_(std::move(fd)), dump_socket_(std::move(dump_socket)), handler_(std::move(handler)), buffer_(64 * 1024) {}

Monitor::~Monitor() = default;  // source_ is disabled and unreferenced first (declared after fd_)

Result<std::unique_ptr<Monitor>> Monitor::start(sd_event* loop, Handler handler, Options options) {
    ErrorContext ctx{"start rtnetlink monitor", {}, {}};
    Fd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE));
    if (!fd) return unexpected(make_error(ctx, errno));
    int size = options.receive_buffer_bytes;
    if (::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0)
        (void)::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    sockaddr_nl local{};
    local.nl_family = AF_NETLINK;
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&local), sizeof local) < 0)
        return unexpected(make_error(ctx, errno));
    for (unsigned group : kGroups) {
        if (::setsockopt(fd.get(), SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof group) < 0)
            return unexpected(make_error(ctx, errno));
    }
    auto dump_socket = Socket::open();
    if (!dump_socket) return unexpected(std::move(dump_socket.error()));

    std::unique_ptr<Monitor> m(new Monitor(std::move(fd), std::move(*dump_socket), std::move(handler)));
    // Subscribed before dumping: a change racing the dump is then also queued
    // as a notification, and applying it to the dumped state is harmless.
    std::vector<MonitorEvent> ignored;
    EARLYNET_TRY(m->resync(ignored));
    m->resyncs_ = 0;

    sd_event_source* source = nullptr;
    int r = sd_event_add_io(loop, &source, m->fd_.get(), EPOLLIN, &Monitor::on_readable, m.get());
    if (r < 0) return unexpected(make_error(ctx, -r));
    m->source_.reset(source);
    (void)sd_event_source_set_description(source, "rtnetlink-monitor");
    return m;
}

int Monitor::on_readable(sd_event_source*, int, std::uint32_t, void* userdata) {
    // A trampoline: no exception and no error crosses into sd-event (a
    // negative return would disable the source for good).
    auto* self = static_cast<Monitor*>(userdata);
    std::vector<MonitorEvent> events;
    auto read = call_guarded([&] {
        if (!self->read_pending(events)) self->need_resync_ = true;
        if (self->need_resync_) {
            auto r = self->resync(events);
            if (!r) events.emplace_back(MonitorFailed{std::move(r.error())});
        }
    });
    if (!read) {
        self->need_resync_ = true;  // what was read is not trusted: read it all again next time
        events.emplace_back(MonitorFailed{read.error()});
    }
    if (!events.empty()) {
        Handler handler = self->handler_;
        // Last statement touching self: the handler may delete the monitor.
        // It guards and logs its own consumers (DeviceManager fails the one
        // device whose event threw); this is the last net, for the loop.
        (void)call_guarded([&] { handler(std::move(events)); });
    }
    return 0;
}

bool Monitor::read_pending(std::vector<MonitorEvent>& out) {
    bool overran = false;
    for (int i = 0; i < kMaxReadsPerWakeup; ++i) {
        ssize_t n = ::recv(fd_.get(), buffer_.data(), buffer_.size(), 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == ENOBUFS) {
                // Notifications were dropped; what is still queued is read on,
                // and the re-dump afterwards settles the rest.
                overran = true;
                continue;
            }
            break;  // EAGAIN: drained
        }
        std::size_t offset = 0;
        while (const nlmsghdr* nlh = detail::next_message(buffer_.data(), static_cast<std::size_t>(n), offset)) {
            switch (nlh->nlmsg_type) {
                case RTM_NEWLINK:
                    // RTNLGRP_IPV6_IFINFO sends RTM_NEWLINK of family AF_INET6:
                    // the IPv6 side of a link (its RA flags), not the link.
                    if (detail::is_ipv6_link_info(*nlh)) {
                        if (auto f = detail::parse_ipv6_router_flags(*nlh)) out.emplace_back(RouterFlagsChanged{*f});
                    } else if (auto l = detail::parse_link(*nlh)) {
                        cache_.link_updated(*l, out);
                    }
                    break;
                case RTM_DELLINK:
                    if (auto l = detail::parse_link(*nlh)) cache_.link_removed(*l, out);
                    break;
                case RTM_NEWADDR:
                    if (auto a = detail::parse_address(*nlh)) cache_.address_updated(*a, out);
                    break;
                case RTM_DELADDR:
                    if (auto a = detail::parse_address(*nlh)) cache_.address_removed(*a, out);
                    break;
                case RTM_NEWROUTE:
                    if (auto r = detail::parse_route(*nlh)) cache_.route_updated(*r, out);
                    break;
                case RTM_DELROUTE:
                    if (auto r = detail::parse_route(*nlh)) cache_.route_removed(*r, out);
                    break;
                default: break;
            }
        }
    }
    return !overran;
}

Result<void> Monitor::resync(std::vector<MonitorEvent>& out) {
    auto links = link::list(dump_socket_);
    if (!links) return unexpected(std::move(links.error()));
    auto addresses = address::list(dump_socket_);
    if (!addresses) return unexpected(std::move(addresses.error()));
    auto routes = route::list(dump_socket_);
    if (!routes) return unexpected(std::move(routes.error()));
    out.emplace_back(Resynced{});
    cache_.resync(*links, *addresses, *routes, out);
    need_resync_ = false;
    ++resyncs_;
    return {};
}

}  // namespace earlynet::netlink
