#include "netlink/address.h"

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "netlink/detail/message.h"
#include "netlink/detail/parse.h"

namespace earlynet::netlink {

namespace {

// The kernel's INFINITY_LIFE_TIME.
constexpr std::uint32_t kForever = 0xFFFFFFFFu;

// Flags the kernel accepts from userspace in IFA_FLAGS (inet_rtm_newaddr and
// inet6_rtm_newaddr mask the rest); state flags in a request are a caller bug.
constexpr std::uint32_t kSettableFlags =
    IFA_F_NODAD | IFA_F_OPTIMISTIC | IFA_F_HOMEADDRESS | IFA_F_MANAGETEMPADDR | IFA_F_NOPREFIXROUTE | IFA_F_MCAUTOJOIN;

std::uint32_t to_kernel(const std::optional<std::chrono::seconds>& lifetime) {
    if (!lifetime) return kForever;
    auto s = lifetime->count();
    return s >= kForever ? kForever - 1 : static_cast<std::uint32_t>(s < 0 ? 0 : s);
}

std::optional<std::chrono::seconds> from_kernel(std::uint32_t lifetime) {
    if (lifetime == kForever) return std::nullopt;
    return std::chrono::seconds(lifetime);
}

Result<void> validate(const Address& a, const std::string& operation) {
    auto fail = [&](const std::string& why) {
        return unexpected(ErrorCode::Invalid, operation + " " + a.to_string() + ": " + why);
    };
    if (a.ifindex.value <= 0) return fail("no interface index");
    if (a.local.prefix < 0 || a.local.prefix > a.local.address.max_prefix()) return fail("prefix length out of range");
    if (a.peer && a.peer->family() != a.local.address.family()) return fail("peer is of another address family");
    if (a.broadcast && !a.local.address.is_v4()) return fail("broadcast is IPv4 only");
    if ((a.flags.bits() & ~kSettableFlags) != 0)
        return fail("flags include kernel-only state (tentative, dadfailed, ...)");
    if (a.valid_lifetime && a.valid_lifetime->count() <= 0) return fail("valid lifetime must be positive");
    if (to_kernel(a.preferred_lifetime) > to_kernel(a.valid_lifetime))
        return fail("preferred lifetime exceeds valid lifetime");
    return {};
}

ErrorContext context(std::string operation, const Address& a) {
    return ErrorContext{std::move(operation), {}, a.to_string(), a.ifindex};
}

void put_identity(detail::Message& msg, const Address& a) {
    auto* ifa = msg.put_header<ifaddrmsg>();
    ifa->ifa_family = static_cast<std::uint8_t>(detail::to_kernel_family(a.local.address.family()));
    ifa->ifa_prefixlen = static_cast<std::uint8_t>(a.local.prefix);
    ifa->ifa_scope = static_cast<std::uint8_t>(a.scope);
    ifa->ifa_index = static_cast<std::uint32_t>(a.ifindex.value);
    ifa->ifa_flags = static_cast<std::uint8_t>(a.flags.bits() & 0xFF);
    // As iproute2: IFA_LOCAL is our address, IFA_ADDRESS the peer (or the
    // address again). Both families read them this way.
    msg.put_address(IFA_LOCAL, a.local.address);
    msg.put_address(IFA_ADDRESS, a.peer.value_or(a.local.address));
}

Result<void> send_new(Socket& sock, const Address& a, std::uint16_t flags, const std::string& operation) {
    EARLYNET_TRY(validate(a, operation));
    detail::Message msg(RTM_NEWADDR, flags);
    put_identity(msg, a);
    msg.put_u32(IFA_FLAGS, a.flags.bits());
    if (a.broadcast) msg.put_address(IFA_BROADCAST, *a.broadcast);
    if (a.valid_lifetime || a.preferred_lifetime) {
        ifa_cacheinfo ci{};
        ci.ifa_valid = to_kernel(a.valid_lifetime);
        ci.ifa_prefered = to_kernel(a.preferred_lifetime);
        msg.put_bytes(IFA_CACHEINFO, &ci, sizeof ci);
    }
    return sock.transact(msg.header(), context(operation, a));
}

}  // namespace

std::string Address::to_string() const {
    std::string s = local.to_string();
    if (peer) s += " peer " + peer->to_string();
    return s;
}

namespace detail {

std::optional<Address> parse_address(const nlmsghdr& nlh) {
    if (nlh.nlmsg_type != RTM_NEWADDR && nlh.nlmsg_type != RTM_DELADDR) return std::nullopt;
    if (nlh.nlmsg_len < NLMSG_HDRLEN + sizeof(ifaddrmsg)) return std::nullopt;
    const auto* ifa = static_cast<const ifaddrmsg*>(mnl_nlmsg_get_payload(&nlh));
    if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6) return std::nullopt;
    auto attrs = Attributes<IFA_MAX>::of_message(nlh, sizeof(ifaddrmsg));
    auto local = attrs.address(IFA_LOCAL, ifa->ifa_family);
    auto address = attrs.address(IFA_ADDRESS, ifa->ifa_family);
    if (!local && !address) return std::nullopt;

    Address a{IfIndex{static_cast<int>(ifa->ifa_index)}, IpPrefix{local ? *local : *address, ifa->ifa_prefixlen}};
    if (local && address && *local != *address) a.peer = *address;
    if (auto b = attrs.address(IFA_BROADCAST, AF_INET)) a.broadcast = b->v4();
    // IFA_FLAGS carries all 32 bits; ifa_flags only the low 8 (older kernels).
    a.flags = AddressFlags::from_bits(attrs.u32(IFA_FLAGS).value_or(ifa->ifa_flags));
    a.scope = static_cast<AddressScope>(ifa->ifa_scope);
    if (const nlattr* ci = attrs[IFA_CACHEINFO]; ci && mnl_attr_get_payload_len(ci) >= sizeof(ifa_cacheinfo)) {
        const auto* info = static_cast<const ifa_cacheinfo*>(mnl_attr_get_payload(ci));
        a.valid_lifetime = from_kernel(info->ifa_valid);
        a.preferred_lifetime = from_kernel(info->ifa_prefered);
    }
    return a;
}

}  // namespace detail

namespace address {

Result<std::vector<Address>> list(Socket& sock, const AddressFilter& filter) {
    std::vector<Address> out;
    for (int attempt = 0;; ++attempt) {
        out.clear();
        detail::Message msg(RTM_GETADDR, 0);
        auto* ifa = msg.put_header<ifaddrmsg>();
        ifa->ifa_family = filter.family ? detail::to_kernel_family(*filter.family) : AF_UNSPEC;
        // With NETLINK_GET_STRICT_CHK the kernel filters by ifa_index itself.
        if (filter.ifindex) ifa->ifa_index = static_cast<std::uint32_t>(filter.ifindex->value);
        auto r = sock.dump(msg.header(),
                           [&](const nlmsghdr& nlh) -> Result<void> {
                               auto a = detail::parse_address(nlh);
                               if (!a) return {};
                               // Filter again: a kernel without strict checking dumps everything.
                               if (filter.ifindex && a->ifindex != *filter.ifindex) return {};
                               out.push_back(std::move(*a));
                               return {};
                           },
                           {"list addresses", {}, {}});
        if (r) return out;
        if (r.error().sys_errno != EINTR || attempt == 2) return unexpected(std::move(r.error()));
    }
}

Result<void> add(Socket& sock, const Address& a) {
    return send_new(sock, a, NLM_F_CREATE | NLM_F_EXCL, "add address");
}

Result<void> replace(Socket& sock, const Address& a) {
    // NLM_F_REPLACE on an existing address goes to the kernel's in-place
    // update (inet_rtm_newaddr -> set_ifa_lifetime for IPv4,
    // inet6_addr_modify for IPv6): no RTM_DELADDR, no gap in which a packet
    // to the address would be dropped.
    return send_new(sock, a, NLM_F_CREATE | NLM_F_REPLACE, "replace address");
}

Result<void> remove(Socket& sock, const Address& a) {
    if (a.ifindex.value <= 0)
        return unexpected(ErrorCode::Invalid, "remove address " + a.to_string() + ": no interface index");
    detail::Message msg(RTM_DELADDR, 0);
    Address identity = a;
    identity.flags = {};
    put_identity(msg, identity);
    return sock.transact(msg.header(), context("remove address", a));
}

}  // namespace address

}  // namespace earlynet::netlink
