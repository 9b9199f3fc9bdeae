// bootdev=<interface>, BOOTIF=<MAC> and rd.bootif=0: the device the machine
// booted from. Applied after the pass, BOOTIF first.
#include <string>

#include "argument_parsers.h"

namespace earlynet::cmdline {

Result<void> parse_bootdev(ReaderContext& ctx, const Argument& arg) {
    if (!is_valid_interface_name(arg.value))
        return unexpected(arg.error("bootdev", arg.value, "is not a valid interface name"));
    ctx.pending.bootdev = arg;
    return {};
}

Result<void> parse_bootif(ReaderContext& ctx, const Argument& arg) {
    ctx.pending.bootif = arg;
    return {};
}

Result<void> parse_rd_bootif(ReaderContext& ctx, const Argument& arg) {
    auto b = profile::parse_bool(arg.value, true);
    if (!b) return unexpected(arg.error("rd.bootif", arg.value, "is not a boolean"));
    ctx.pending.bootif_ignored = !*b;
    return {};
}

namespace {

// PXELINUX's IPAPPEND 2 prefixes the ARP hardware type: 01 for Ethernet
// (00, "undefined", is seen too).
std::optional<HardwareAddress> parse_bootif_mac(std::string_view value) {
    if (auto mac = HardwareAddress::parse_ethernet(value)) return mac;
    std::string_view prefix = value.substr(0, 3);
    if (prefix == "01-" || prefix == "01:" || prefix == "00-" || prefix == "00:")
        return HardwareAddress::parse_ethernet(value.substr(3));
    return std::nullopt;
}

}  // namespace

// The first Ethernet profile (or the default one) gets the MAC, unless it is
// bound to another interface or MAC: then a "BOOTIF Connection" of its own.
Result<void> apply_bootif(ReaderContext& ctx) {
    if (!ctx.pending.bootif || ctx.pending.bootif_ignored) return {};
    const Argument& arg = *ctx.pending.bootif;
    auto mac = parse_bootif_mac(arg.value);
    if (!mac)
        return unexpected(arg.error("BOOTIF", arg.value,
                                    "is not a MAC address (expected 01-xx-xx-xx-xx-xx-xx or xx:xx:xx:xx:xx:xx)"));

    auto first = ctx.profiles.resolve(arg.text, "BOOTIF", "", profile::ConnectionType::Ethernet, IfMissing::ReturnNull);
    EARLYNET_TRY(first);
    profile::Profile* p = *first ? *first : &ctx.profiles.default_profile();
    bool has_other_mac = p->ethernet && p->ethernet->mac_address && *p->ethernet->mac_address != *mac;
    if (!p->interface_name.empty() || has_other_mac) {
        ctx.profiles.create({.basename = "bootif_connection",
                             .id = "BOOTIF Connection",
                             .mac = mac,
                             .priority = profile::kPriorityFirmware});
    } else {
        p->ethernet_settings().mac_address = mac;
    }
    return {};
}

Result<void> apply_bootdev(ReaderContext& ctx) {
    if (!ctx.pending.bootdev) return {};
    const Argument& arg = *ctx.pending.bootdev;
    auto p = ctx.profiles.resolve(arg.text, "bootdev", arg.value, std::nullopt, IfMissing::Create);
    EARLYNET_TRY(p);
    mark_needed(**p);
    return {};
}

}  // namespace earlynet::cmdline
