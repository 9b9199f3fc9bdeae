#include "netlink/route.h"

#include <linux/rtnetlink.h>

#include "netlink/detail/message.h"
#include "netlink/detail/parse.h"

namespace earlynet::netlink {

namespace {

RouteScope effective_scope(const Route& r) {
    if (r.scope) return *r.scope;
    if (r.type == RouteType::Local) return RouteScope::Host;
    if (r.type == RouteType::Unicast && !r.gateway) return RouteScope::Link;
    return RouteScope::Universe;
}

Result<void> validate(const Route& r, const std::string& operation, bool for_delete = false) {
    auto fail = [&](const std::string& why) {
        return unexpected(ErrorCode::Invalid, operation + " " + r.to_string() + ": " + why);
    };
    auto family = r.destination.address.family();
    if (r.destination.prefix < 0 || r.destination.prefix > r.destination.address.max_prefix())
        return fail("prefix length out of range");
    // An IPv4 route via an IPv6 gateway (RTA_VIA) is not supported here.
    if (r.gateway && r.gateway->family() != family) return fail("gateway is of another address family");
    if (r.preferred_source && r.preferred_source->family() != family)
        return fail("preferred source is of another address family");
    if (r.on_link && !r.oif) return fail("on-link needs an interface");
    if (!for_delete && r.type == RouteType::Unicast && !r.gateway && !r.oif)
        return fail("needs a gateway or an interface");
    return {};
}

void put_key(detail::Message& msg, const Route& r, bool for_delete) {
    auto* rtm = msg.put_header<rtmsg>();
    rtm->rtm_family = static_cast<std::uint8_t>(detail::to_kernel_family(r.destination.address.family()));
    rtm->rtm_dst_len = static_cast<std::uint8_t>(r.destination.prefix);
    // Tables above 255 exist only in RTA_TABLE.
    rtm->rtm_table = static_cast<std::uint8_t>(r.table < 256 ? r.table : RT_TABLE_UNSPEC);
    rtm->rtm_type = static_cast<std::uint8_t>(r.type);
    rtm->rtm_protocol = for_delete ? RTPROT_UNSPEC : r.protocol;
    // Deleting with RT_SCOPE_NOWHERE means "any scope" to the kernel
    // (fib_table_delete), so a delete matches whatever scope the route got.
    rtm->rtm_scope = static_cast<std::uint8_t>(for_delete ? RouteScope::Nowhere : effective_scope(r));
    if (r.on_link) rtm->rtm_flags |= RTNH_F_ONLINK;
    msg.put_u32(RTA_TABLE, r.table);
    if (r.destination.prefix > 0) msg.put_address(RTA_DST, r.destination.address);
    if (r.gateway) msg.put_address(RTA_GATEWAY, *r.gateway);
    if (r.oif) msg.put_u32(RTA_OIF, static_cast<std::uint32_t>(r.oif->value));
    // Metric is part of the key for both families; 0 is a real metric for
    // IPv4, and the IPv6 kernel turns 0 into 1024 (IP6_RT_PRIO_USER).
    msg.put_u32(RTA_PRIORITY, r.metric);
}

Result<void> send_new(Socket& sock, const Route& r, std::uint16_t flags, const std::string& operation) {
    EARLYNET_TRY(validate(r, operation));
    detail::Message msg(RTM_NEWROUTE, flags);
    put_key(msg, r, false);
    if (r.preferred_source) msg.put_address(RTA_PREFSRC, *r.preferred_source);
    if (r.mtu) {
        nlattr* metrics = msg.nest_start(RTA_METRICS);
        msg.put_u32(RTAX_MTU, *r.mtu);
        msg.nest_end(metrics);
    }
    return sock.transact(msg.header(), ErrorContext{operation, {}, r.to_string(), r.oif.value_or(IfIndex{})});
}

}  // namespace

std::string Route::to_string() const {
    std::string s = destination.to_string();
    if (gateway) s += " via " + gateway->to_string();
    if (oif) s += " dev-index " + std::to_string(oif->value);
    if (on_link) s += " onlink";
    s += " metric " + std::to_string(metric) + " table " + std::to_string(table);
    return s;
}

namespace detail {

std::optional<Route> parse_route(const nlmsghdr& nlh) {
    if (nlh.nlmsg_type != RTM_NEWROUTE && nlh.nlmsg_type != RTM_DELROUTE) return std::nullopt;
    if (nlh.nlmsg_len < NLMSG_HDRLEN + sizeof(rtmsg)) return std::nullopt;
    const auto* rtm = static_cast<const rtmsg*>(mnl_nlmsg_get_payload(&nlh));
    int family = rtm->rtm_family;
    if (family != AF_INET && family != AF_INET6) return std::nullopt;
    if (rtm->rtm_flags & RTM_F_CLONED) return std::nullopt;
    auto attrs = Attributes<RTA_MAX>::of_message(nlh, sizeof(rtmsg));

    Route r;
    auto dst = attrs.address(RTA_DST, family);
    IpAddress zero = family == AF_INET ? IpAddress(Ipv4Address()) : IpAddress(Ipv6Address());
    r.destination = IpPrefix{dst.value_or(zero), rtm->rtm_dst_len};
    r.gateway = attrs.address(RTA_GATEWAY, family);
    if (auto oif = attrs.u32(RTA_OIF)) r.oif = IfIndex{static_cast<int>(*oif)};
    r.on_link = rtm->rtm_flags & RTNH_F_ONLINK;
    r.metric = attrs.u32(RTA_PRIORITY).value_or(0);
    r.table = attrs.u32(RTA_TABLE).value_or(rtm->rtm_table);
    r.scope = static_cast<RouteScope>(rtm->rtm_scope);
    r.type = static_cast<RouteType>(rtm->rtm_type);
    r.protocol = rtm->rtm_protocol;
    r.preferred_source = attrs.address(RTA_PREFSRC, family);
    auto metrics = Attributes<RTAX_MAX>::of_nest(attrs[RTA_METRICS]);
    r.mtu = metrics.u32(RTAX_MTU);
    return r;
}

}  // namespace detail

namespace route {

Result<std::vector<Route>> list(Socket& sock, const RouteFilter& filter) {
    std::vector<Route> out;
    for (int attempt = 0;; ++attempt) {
        out.clear();
        detail::Message msg(RTM_GETROUTE, 0);
        auto* rtm = msg.put_header<rtmsg>();
        rtm->rtm_family = filter.family ? detail::to_kernel_family(*filter.family) : AF_UNSPEC;
        // Strict checking lets the kernel skip other tables itself.
        if (filter.table) msg.put_u32(RTA_TABLE, *filter.table);
        auto r = sock.dump(msg.header(),
                           [&](const nlmsghdr& nlh) -> Result<void> {
                               auto route = detail::parse_route(nlh);
                               if (!route) return {};
                               if (filter.table && route->table != *filter.table) return {};
                               out.push_back(std::move(*route));
                               return {};
                           },
                           {"list routes", {}, {}});
        if (r) return out;
        if (r.error().sys_errno != EINTR || attempt == 2) return unexpected(std::move(r.error()));
    }
}

Result<void> add(Socket& sock, const Route& r) {
    return send_new(sock, r, NLM_F_CREATE | NLM_F_EXCL, "add route");
}

Result<void> replace(Socket& sock, const Route& r) {
    return send_new(sock, r, NLM_F_CREATE | NLM_F_REPLACE, "replace route");
}

Result<void> remove(Socket& sock, const Route& r) {
    EARLYNET_TRY(validate(r, "remove route", true));
    detail::Message msg(RTM_DELROUTE, 0);
    put_key(msg, r, true);
    return sock.transact(msg.header(), ErrorContext{"remove route", {}, r.to_string(), r.oif.value_or(IfIndex{})});
}

}  // namespace route

}  // namespace earlynet::netlink
