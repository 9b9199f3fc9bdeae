// rd.route=<net>[/<prefix>|/<netmask>]:[<gateway>][:<interface>]. Applied
// after the pass: without an interface the route goes to bootdev's profile,
// else the first one that is not a port, else the default profile.
#include <algorithm>
#include <string>

#include "argument_parsers.h"
#include "cmdline/cmdline_fields.h"
#include "profile/cmdline_values.h"

namespace earlynet::cmdline {

namespace {

// "<net>[/<prefix>|/<netmask>]"
std::optional<IpPrefix> parse_route_destination(std::string_view text, std::string& why) {
    auto slash = text.rfind('/');
    auto addr = IpAddress::parse(text.substr(0, slash));
    if (!addr) {
        why = "is not an IP address[/prefix]";
        return std::nullopt;
    }
    int prefix = addr->max_prefix();
    if (slash != std::string_view::npos) {
        std::string_view p = text.substr(slash + 1);
        if (addr->is_v4() && p.find('.') != std::string_view::npos) {
            auto mask = Ipv4Address::parse(p);
            auto n = mask ? mask->netmask_prefix() : std::nullopt;
            if (!n) {
                why = "has a netmask that is not contiguous";
                return std::nullopt;
            }
            prefix = *n;
        } else {
            auto n = profile::parse_int(p, 0, addr->max_prefix());
            if (!n) {
                why = "has an invalid prefix length";
                return std::nullopt;
            }
            prefix = static_cast<int>(*n);
        }
    }
    return IpPrefix{*addr, prefix};
}

// The profile a route without an interface goes to.
Result<profile::Profile*> route_profile(ReaderContext& ctx, const Argument& arg, std::string_view iface) {
    if (!iface.empty()) return ctx.profiles.resolve(arg.text, "interface", iface, std::nullopt, IfMissing::Create);
    // apply_bootdev made its profile, keyed by the name.
    if (ctx.pending.bootdev)
        if (profile::Profile* p = ctx.profiles.find(ctx.pending.bootdev->value)) return p;
    auto first = ctx.profiles.resolve(arg.text, "interface", "", std::nullopt, IfMissing::ReturnNull);
    EARLYNET_TRY(first);
    if (*first) return *first;
    return &ctx.profiles.default_profile();
}

Result<void> apply_route(ReaderContext& ctx, const Argument& arg) {
    FieldReader f(arg.value);
    std::string_view net = f.next(':');
    std::string_view gw = f.next(':');
    std::string_view iface = f.next(':');
    if (!f.at_end()) return unexpected(arg.error("extra", f.rest(), "is more than the syntax allows"));
    if (net.empty()) return unexpected(arg.error("net", net, "is missing"));
    std::string why;
    auto dest = parse_route_destination(net, why);
    if (!dest) return unexpected(arg.error("net", net, why));
    std::optional<IpAddress> next_hop;
    if (!gw.empty()) {
        next_hop = IpAddress::parse(gw);
        if (!next_hop) return unexpected(arg.error("gateway", gw, "is not an IP address"));
        if (next_hop->is_v4() != dest->address.is_v4())
            return unexpected(
                arg.error("gateway", gw, "is not of the destination's address family", ErrorCode::Invalid));
    }

    auto p = route_profile(ctx, arg, iface);
    EARLYNET_TRY(p);
    profile::IpSettings& ip = dest->address.is_v4() ? (*p)->ipv4 : (*p)->ipv6;
    profile::Route route{*dest, next_hop, -1};
    if (std::find(ip.routes.begin(), ip.routes.end(), route) == ip.routes.end()) ip.routes.push_back(route);
    return {};
}

}  // namespace

Result<void> parse_route(ReaderContext& ctx, const Argument& arg) {
    ctx.pending.routes.push_back(arg);
    return {};
}

Result<void> apply_routes(ReaderContext& ctx) {
    for (const auto& arg : ctx.pending.routes) EARLYNET_TRY(apply_route(ctx, arg));
    return {};
}

}  // namespace earlynet::cmdline
