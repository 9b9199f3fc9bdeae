// rd.ethtool=<interface>:[<autoneg>]:[<speed>]: link settings of one NIC.
#include <climits>
#include <optional>

#include "argument_parsers.h"
#include "base/log.h"
#include "cmdline/cmdline_fields.h"
#include "profile/cmdline_values.h"

namespace earlynet::cmdline {

Result<void> parse_ethtool(ReaderContext& ctx, const Argument& arg) {
    FieldReader f(arg.value);
    std::string_view iface = f.next(':');
    if (iface.empty()) return unexpected(arg.error("interface", iface, "is missing"));
    std::string_view autoneg_text = f.next(':');
    std::string_view speed_text = f.next(':');
    if (!f.at_end()) return unexpected(arg.error("extra", f.rest(), "is more than the syntax allows"));

    std::optional<bool> autoneg;
    if (!autoneg_text.empty()) {
        autoneg = profile::parse_bool(autoneg_text, false);
        if (!autoneg) return unexpected(arg.error("autoneg", autoneg_text, "is not a boolean"));
    }
    unsigned speed = 0;
    if (!speed_text.empty()) {
        auto n = profile::parse_int(speed_text, 0, UINT32_MAX);
        if (!n) return unexpected(arg.error("speed", speed_text, "is not a speed in Mbit/s"));
        speed = static_cast<unsigned>(*n);
    }
    if (speed == 0 && autoneg == false)
        spdlog::warn("{}: field 'autoneg': autonegotiation cannot be disabled without a speed, ignoring", arg.text);

    auto r = ctx.profiles.resolve(arg.text, "interface", iface, profile::ConnectionType::Ethernet, IfMissing::Create);
    EARLYNET_TRY(r);
    if (autoneg || speed != 0) {
        profile::EthernetSettings& eth = (*r)->ethernet_settings();
        eth.auto_negotiate = autoneg.value_or(false);
        eth.speed = speed;
        eth.duplex = speed == 0 ? "" : "full";
    }
    return {};
}

}  // namespace earlynet::cmdline
