// nameserver=<address>: a DNS server for every profile of its family that
// has IP configuration, applied after the pass.
#include <algorithm>
#include <string>

#include "argument_parsers.h"
#include "cmdline/cmdline_fields.h"

namespace earlynet::cmdline {

Result<void> parse_nameserver(ReaderContext& ctx, const Argument& arg) {
    FieldReader f(arg.value);
    auto addr = IpAddress::parse(f.next('\0'));
    if (!addr) return unexpected(arg.error("nameserver", arg.value, "is not an IP address"));
    ctx.pending.nameservers.emplace_back(arg, *addr);
    return {};
}

Result<void> apply_nameservers(ReaderContext& ctx) {
    for (const auto& [arg, server] : ctx.pending.nameservers) {
        for (auto& p : ctx.profiles) {
            profile::IpSettings& ip = server.is_v4() ? p.ipv4 : p.ipv6;
            bool eligible = ip.method == profile::IpMethod::Auto || ip.method == profile::IpMethod::Manual ||
                            (!server.is_v4() && ip.method == profile::IpMethod::Dhcp);
            if (!eligible) continue;
            if (std::find(ip.dns.begin(), ip.dns.end(), server) == ip.dns.end()) ip.dns.push_back(server);
        }
    }
    return {};
}

}  // namespace earlynet::cmdline
