#include "netlink/link.h"

#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "netlink/detail/message.h"
#include "netlink/detail/parse.h"

namespace earlynet::netlink {

std::string_view to_string(OperState s) {
    switch (s) {
        case OperState::Unknown: return "unknown";
        case OperState::NotPresent: return "not-present";
        case OperState::Down: return "down";
        case OperState::LowerLayerDown: return "lower-layer-down";
        case OperState::Testing: return "testing";
        case OperState::Dormant: return "dormant";
        case OperState::Up: return "up";
    }
    return "unknown";
}

namespace detail {

namespace {
std::optional<HardwareAddress> hardware_address(const nlattr* a) {
    if (!a) return std::nullopt;
    std::size_t len = mnl_attr_get_payload_len(a);
    if (len == 0 || len > HardwareAddress::kInfinibandLength) return std::nullopt;
    const auto* p = static_cast<const std::uint8_t*>(mnl_attr_get_payload(a));
    std::string text;
    for (std::size_t i = 0; i < len; ++i) {
        char b[4];
        std::snprintf(b, sizeof b, i ? ":%02x" : "%02x", p[i]);
        text += b;
    }
    return HardwareAddress::parse(text);
}
}  // namespace

std::optional<Link> parse_link(const nlmsghdr& nlh) {
    if (nlh.nlmsg_type != RTM_NEWLINK && nlh.nlmsg_type != RTM_DELLINK) return std::nullopt;
    if (nlh.nlmsg_len < NLMSG_HDRLEN + sizeof(ifinfomsg)) return std::nullopt;
    const auto* ifi = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(&nlh));
    auto attrs = Attributes<IFLA_MAX>::of_message(nlh, sizeof(ifinfomsg));
    auto name = attrs.str(IFLA_IFNAME);
    if (!name) return std::nullopt;

    Link l;
    l.index = IfIndex{ifi->ifi_index};
    l.name = std::move(*name);
    l.flags = LinkFlags{ifi->ifi_flags};
    l.mac = hardware_address(attrs[IFLA_ADDRESS]);
    l.permanent_mac = hardware_address(attrs[IFLA_PERM_ADDRESS]);
    l.mtu = attrs.u32(IFLA_MTU).value_or(0);
    l.operstate = static_cast<OperState>(attrs.u8(IFLA_OPERSTATE).value_or(0));
    // IFLA_CARRIER exists since 3.x; fall back to IFF_LOWER_UP, which the
    // kernel derives from the same netif_carrier_ok().
    l.carrier = attrs.u8(IFLA_CARRIER).has_value() ? *attrs.u8(IFLA_CARRIER) != 0 : l.flags.lower_up();
    if (auto m = attrs.u32(IFLA_MASTER); m && *m) l.controller = IfIndex{static_cast<int>(*m)};
    if (auto p = attrs.u32(IFLA_LINK); p && *p && static_cast<int>(*p) != ifi->ifi_index)
        l.parent = IfIndex{static_cast<int>(*p)};
    auto info = Attributes<IFLA_INFO_MAX>::of_nest(attrs[IFLA_LINKINFO]);
    l.kind = info.str(IFLA_INFO_KIND).value_or(std::string());
    return l;
}

bool is_ipv6_link_info(const nlmsghdr& nlh) {
    if (nlh.nlmsg_len < NLMSG_HDRLEN + sizeof(ifinfomsg)) return false;
    return static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(&nlh))->ifi_family == AF_INET6;
}

std::optional<Ipv6RouterFlags> parse_ipv6_router_flags(const nlmsghdr& nlh) {
    if (nlh.nlmsg_type != RTM_NEWLINK) return std::nullopt;
    if (nlh.nlmsg_len < NLMSG_HDRLEN + sizeof(ifinfomsg)) return std::nullopt;
    const auto* ifi = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(&nlh));
    if (ifi->ifi_family != AF_INET6) return std::nullopt;
    auto attrs = Attributes<IFLA_MAX>::of_message(nlh, sizeof(ifinfomsg));
    auto inet6 = Attributes<IFLA_INET6_MAX>::of_nest(attrs[IFLA_PROTINFO]);
    auto flags = inet6.u32(IFLA_INET6_FLAGS);
    if (!flags) return std::nullopt;
    // include/net/if_inet6.h: IF_RA_OTHERCONF 0x80, IF_RA_MANAGED 0x40, IF_RA_RCVD 0x20.
    return Ipv6RouterFlags{IfIndex{ifi->ifi_index}, (*flags & 0x20) != 0, (*flags & 0x40) != 0, (*flags & 0x80) != 0};
}

}  // namespace detail

namespace {

ErrorContext context(std::string operation, IfIndex index, std::string object = {}) {
    return ErrorContext{std::move(operation), {}, std::move(object), index};
}

// RTM_NEWLINK without NLM_F_CREATE changes an existing link and fails with
// ENODEV for an unknown index, which is what every setter wants.
struct ChangeRequest {
    detail::Message msg{RTM_NEWLINK, 0};
    ifinfomsg* ifi;
    explicit ChangeRequest(IfIndex index) : ifi(msg.put_header<ifinfomsg>()) {
        ifi->ifi_family = AF_UNSPEC;
        ifi->ifi_index = index.value;
    }
};

Result<Link> get_one(Socket& sock, detail::Message& msg, const ErrorContext& ctx) {
    std::optional<Link> found;
    EARLYNET_TRY(sock.get(
        msg.header(),
        [&](const nlmsghdr& nlh) -> Result<void> {
            found = detail::parse_link(nlh);
            return {};
        },
        ctx));
    if (!found) return unexpected(make_error(ctx, ENODEV));
    return std::move(*found);
}

}  // namespace

std::string interface_label(Socket& sock, IfIndex index) {
    detail::Message msg(RTM_GETLINK, 0);
    auto* ifi = msg.put_header<ifinfomsg>();
    ifi->ifi_index = index.value;
    msg.put_u32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
    std::string id = "ifindex " + std::to_string(index.value);
    auto l = get_one(sock, msg, {"get link", id, {}});
    if (!l) return id;
    return l->name + " (" + id + ")";
}

namespace link {

Result<Ipv6RouterFlags> ipv6_router_flags(Socket& sock, IfIndex index) {
    detail::Message msg(RTM_GETLINK, 0);
    msg.put_header<ifinfomsg>()->ifi_family = AF_INET6;
    std::optional<Ipv6RouterFlags> found;
    auto r = sock.dump(msg.header(),
                       [&](const nlmsghdr& nlh) -> Result<void> {
                           if (auto f = detail::parse_ipv6_router_flags(nlh); f && f->index == index) found = *f;
                           return {};
                       },
                       {"get IPv6 router flags", {}, {}, index});
    if (!r) return unexpected(std::move(r.error()));
    if (!found) return Ipv6RouterFlags{index};
    return *found;
}

Result<std::vector<Link>> list(Socket& sock) {
    std::vector<Link> links;
    for (int attempt = 0;; ++attempt) {
        links.clear();
        detail::Message msg(RTM_GETLINK, 0);
        msg.put_header<ifinfomsg>()->ifi_family = AF_UNSPEC;
        // Statistics are most of a link message and nobody here reads them.
        msg.put_u32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
        auto r = sock.dump(msg.header(),
                           [&](const nlmsghdr& nlh) -> Result<void> {
                               if (auto l = detail::parse_link(nlh)) links.push_back(std::move(*l));
                               return {};
                           },
                           {"list links", {}, {}});
        if (r) return links;
        if (r.error().sys_errno != EINTR || attempt == 2) return unexpected(std::move(r.error()));
    }
}

Result<Link> get(Socket& sock, IfIndex index) {
    detail::Message msg(RTM_GETLINK, 0);
    auto* ifi = msg.put_header<ifinfomsg>();
    ifi->ifi_index = index.value;
    msg.put_u32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
    return get_one(sock, msg, {"get link", "ifindex " + std::to_string(index.value), {}});
}

Result<Link> get(Socket& sock, std::string_view name) {
    ErrorContext ctx{"get link", std::string(name), {}};
    if (!is_valid_interface_name(name))
        return unexpected(ErrorCode::Invalid, "get link '" + std::string(name) + "': not a valid interface name");
    detail::Message msg(RTM_GETLINK, 0);
    msg.put_header<ifinfomsg>();
    msg.put_str(IFLA_IFNAME, std::string(name));
    msg.put_u32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
    return get_one(sock, msg, ctx);
}

Result<void> set_up(Socket& sock, IfIndex index) {
    ChangeRequest req(index);
    req.ifi->ifi_change = IFF_UP;
    req.ifi->ifi_flags = IFF_UP;
    return sock.transact(req.msg.header(), context("set up", index));
}

Result<void> set_down(Socket& sock, IfIndex index) {
    ChangeRequest req(index);
    req.ifi->ifi_change = IFF_UP;
    req.ifi->ifi_flags = 0;
    return sock.transact(req.msg.header(), context("set down", index));
}

Result<void> set_mtu(Socket& sock, IfIndex index, std::uint32_t mtu) {
    ChangeRequest req(index);
    req.msg.put_u32(IFLA_MTU, mtu);
    return sock.transact(req.msg.header(), context("set mtu", index, std::to_string(mtu)));
}

Result<void> set_mac(Socket& sock, IfIndex index, const HardwareAddress& mac) {
    ChangeRequest req(index);
    req.msg.put_bytes(IFLA_ADDRESS, mac.bytes().data(), mac.size());
    return sock.transact(req.msg.header(), context("set mac", index, mac.to_string()));
}

Result<void> rename(Socket& sock, IfIndex index, std::string_view new_name) {
    if (!is_valid_interface_name(new_name))
        return unexpected(ErrorCode::Invalid, "rename " + interface_label(sock, index) + " to '" +
                                                  std::string(new_name) + "': not a valid interface name");
    ChangeRequest req(index);
    req.msg.put_str(IFLA_IFNAME, std::string(new_name));
    return sock.transact(req.msg.header(), context("rename", index, "to " + std::string(new_name)));
}

Result<void> remove(Socket& sock, IfIndex index) {
    detail::Message msg(RTM_DELLINK, 0);
    msg.put_header<ifinfomsg>()->ifi_index = index.value;
    return sock.transact(msg.header(), context("delete link", index));
}

}  // namespace link

}  // namespace earlynet::netlink
