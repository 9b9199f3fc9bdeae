// rd.znet=<nettype>,<subchannel1>,<subchannel2>[,<subchannel3>][,<key>=<value>...]
// and rd.znet_ifname=<ifname>:<subchannels> (s390). Applied after the pass:
// rd.znet= only adds the s390 settings to an Ethernet profile that exists,
// named by rd.znet_ifname= or as udev would name the device.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "argument_parsers.h"
#include "cmdline/cmdline_fields.h"

namespace earlynet::cmdline {

namespace {

// s390 options NetworkManager accepts (nm-setting-wired.c, valid_s390_opts).
bool is_valid_s390_option(std::string_view key) {
    static constexpr const char* kOptions[] = {"bridge_role",
                                               "buffer_count",
                                               "canonical_macaddr",
                                               "checksumming",
                                               "ctcprot",
                                               "fake_broadcast",
                                               "inter",
                                               "inter_jumbo",
                                               "ipato_add4",
                                               "ipato_add6",
                                               "ipato_enable",
                                               "ipato_invert4",
                                               "ipato_invert6",
                                               "isolation",
                                               "lancmd_timeout",
                                               "large_send",
                                               "layer2",
                                               "portname",
                                               "portno",
                                               "priority_queueing",
                                               "protocol",
                                               "route4",
                                               "route6",
                                               "rxip_add4",
                                               "rxip_add6",
                                               "sniffer",
                                               "total",
                                               "vipa_add4",
                                               "vipa_add6"};
    return std::any_of(std::begin(kOptions), std::end(kOptions), [&](const char* o) { return key == o; });
}

struct Znet {
    std::string_view nettype;
    std::vector<std::string> subchannels;
    std::map<std::string, std::string> options;
};

Result<Znet> read_znet(const Argument& arg) {
    Znet z;
    FieldReader f(arg.value);
    z.nettype = f.next(',');
    if (z.nettype.empty()) return unexpected(arg.error("nettype", z.nettype, "is missing"));
    // qeth uses three subchannels (read, write, data), ctc two; others (lcs)
    // two, and a third when it is given (as the reference reads them).
    std::size_t wanted = z.nettype == "qeth" ? 3 : 2;
    for (std::size_t i = 0; i < wanted; ++i) {
        std::string_view s = f.next(',');
        if (s.empty() || s.find('=') != std::string_view::npos)
            return unexpected(
                arg.error("subchannels", arg.value,
                          "needs " + std::to_string(wanted) + " subchannels for " + std::string(z.nettype)));
        z.subchannels.emplace_back(s);
    }
    if (z.nettype != "qeth" && z.nettype != "ctc" && !f.at_end()) {
        FieldReader peek(f.rest());
        std::string_view third = peek.next(',');
        if (!third.empty() && third.find('=') == std::string_view::npos) z.subchannels.emplace_back(f.next(','));
    }
    while (!f.at_end()) {
        std::string_view opt = f.next(',');
        auto eq = opt.find('=');
        if (eq == std::string_view::npos || eq == 0)
            return unexpected(arg.error("options", opt, "is not <option>=<value>"));
        std::string key(opt.substr(0, eq));
        if (!is_valid_s390_option(key)) return unexpected(arg.error("options", opt, "is not a known s390 option"));
        std::string_view val = opt.substr(eq + 1);
        if (val.empty() || val.size() > 200) return unexpected(arg.error("options", opt, "has no valid value"));
        z.options[key] = std::string(val);
    }
    return z;
}

// Counters of the names made with net.ifnames=0, one per device kind.
struct ClassicNames {
    int ctc = 0;
    int eth = 0;
};

// rd.znet_ifname='s name for the subchannels, else udev's.
std::string znet_ifname(ReaderContext& ctx, const Znet& z, ClassicNames& counts) {
    std::string joined;
    for (const auto& s : z.subchannels) joined += (joined.empty() ? "" : ",") + s;
    auto& names = ctx.pending.znet_names;
    if (auto it = names.find(joined); it != names.end()) {
        std::string ifname = it->second.ifname;
        names.erase(it);
        return ifname;
    }
    if (ctx.globals.net_ifnames) {
        // udev's predictable name for CCW devices: bus id without leading 0s and dots.
        std::string_view bus_id = z.subchannels[0];
        std::size_t start = bus_id.find_first_not_of(".0");
        bus_id = start == std::string_view::npos ? bus_id.substr(bus_id.size() - 1) : bus_id.substr(start);
        return std::string(z.nettype == "ctc" ? "sl" : "en") + "c" + std::string(bus_id);
    }
    return z.nettype == "ctc" ? "ctc" + std::to_string(counts.ctc++) : "eth" + std::to_string(counts.eth++);
}

}  // namespace

Result<void> parse_znet(ReaderContext& ctx, const Argument& arg) {
    ctx.pending.znets.push_back(arg);
    return {};
}

Result<void> parse_znet_ifname(ReaderContext& ctx, const Argument& arg) {
    FieldReader f(arg.value);
    std::string_view ifname = f.next(':');
    if (ifname.empty() || !is_valid_interface_name(ifname))
        return unexpected(arg.error("ifname", ifname, "is not a valid interface name"));
    std::string subchannels(f.rest());
    if (subchannels.empty()) return unexpected(arg.error("subchannels", subchannels, "is missing"));
    ctx.pending.znet_names.insert_or_assign(subchannels, PendingArguments::ZnetName{std::string(ifname), arg});
    return {};
}

Result<void> apply_znets(ReaderContext& ctx) {
    ClassicNames counts;
    for (const auto& arg : ctx.pending.znets) {
        auto z = read_znet(arg);
        EARLYNET_TRY(z);
        profile::Profile* p = ctx.profiles.find(znet_ifname(ctx, *z, counts));
        if (!p || p->type != profile::ConnectionType::Ethernet) continue;
        profile::EthernetSettings& eth = p->ethernet_settings();
        eth.s390_nettype = std::string(z->nettype);
        eth.s390_subchannels = z->subchannels;
        eth.s390_options = z->options;
    }
    // Every rd.znet_ifname= must have named a device.
    if (!ctx.pending.znet_names.empty()) {
        const auto& [subchannels, name] = *ctx.pending.znet_names.begin();
        return unexpected(
            name.argument.error("subchannels", subchannels, "match no rd.znet= device", ErrorCode::Invalid));
    }
    return {};
}

}  // namespace earlynet::cmdline
