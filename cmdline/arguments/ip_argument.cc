// ip=: split by form, check, find the profile, apply (see ip_argument.h).
#include "ip_argument.h"

#include <string>

#include "argument_parsers.h"
#include "profile/cmdline_values.h"

namespace earlynet::cmdline {

namespace {

// Two ip= without addresses for one interface asking for different methods:
// the reference silently keeps the last, which disables what the first asked.
Result<void> check_same_method(IpHistory& history, const Argument& arg, const IpFields& fields,
                               const profile::Profile& p) {
    if (fields.client_address) return {};
    auto [it, inserted] = history.dynamic_kind.emplace(p.basename, std::make_pair(fields.kind, arg.text));
    if (!inserted && it->second.first != fields.kind)
        return unexpected(arg.error("autoconf", to_string(fields.kind),
                                    "contradicts '" + std::string(it->second.second) +
                                        "' for the same interface (use one ip= with a list, e.g. dhcp,dhcp6)",
                                    ErrorCode::Invalid));
    return {};
}

}  // namespace

Result<void> parse_ip(ReaderContext& ctx, const Argument& arg) {
    auto fields = split_ip_fields(arg);
    EARLYNET_TRY(fields);

    if (!fields->hostname.empty()) {
        if (!profile::is_valid_hostname(fields->hostname))
            return unexpected(arg.error("hostname", fields->hostname, "is not a valid host name"));
        ctx.out.hostname = std::string(fields->hostname);
    }

    // ibft: the firmware's configuration, of every NIC when no interface is named.
    if (fields->kind == IpKind::Ibft && fields->client_address)
        return unexpected(arg.error(
            "autoconf", "ibft",
            "takes the address from the firmware and contradicts the client IP " + std::string(fields->client),
            ErrorCode::Invalid));
    if (fields->interface.empty() && fields->kind == IpKind::Ibft) return import_firmware(ctx, arg.text);

    auto values = check_ip_values(arg, *fields);
    EARLYNET_TRY(values);

    profile::Profile* p = nullptr;
    if (fields->interface.empty()) {
        p = &ctx.profiles.default_profile();
    } else {
        auto r = ctx.profiles.resolve(arg.text, "interface", fields->interface, std::nullopt, IfMissing::Create);
        EARLYNET_TRY(r);
        p = *r;
    }
    ctx.ip_history.explicit_ip.emplace(p->basename, arg.text);
    EARLYNET_TRY(check_same_method(ctx.ip_history, arg, *fields, *p));
    return apply_ip(ctx, arg, *fields, *values, *p);
}

// A bond, bridge or team port is configured through its controller.
Result<void> check_ports_have_no_ip(ReaderContext& ctx) {
    for (const auto& p : ctx.profiles) {
        auto it = ctx.ip_history.explicit_ip.find(p.basename);
        if (p.is_port() && it != ctx.ip_history.explicit_ip.end())
            return unexpected(profile::argument_error(
                it->second, "interface", p.basename,
                std::string("is a port of a ") + to_string(*p.port_type) + " and cannot have its own IP configuration",
                ErrorCode::Invalid));
    }
    return {};
}

}  // namespace earlynet::cmdline
