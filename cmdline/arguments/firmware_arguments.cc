// Profiles from the firmware: rd.iscsi.ibft (and ip=ibft) import every iBFT
// NIC and the Open Firmware chosen node; ip=<interface>:ibft merges the
// interface's iBFT NIC into its profile.
#include <fstream>
#include <string>

#include "argument_parsers.h"
#include "base/ascii.h"
#include "cmdline/ibft_reader.h"
#include "cmdline/ofw_reader.h"

namespace earlynet::cmdline {

namespace {

// A firmware reader's error, prefixed with the argument that asked for it.
Error firmware_error(std::string_view argument, const Error& e) {
    return Error{e.code, std::string(argument) + ": " + e.message, 0};
}

}  // namespace

Result<void> parse_iscsi_ibft(ReaderContext& ctx, const Argument& arg) {
    auto b = profile::parse_bool(arg.value, true);
    if (!b) return unexpected(arg.error("rd.iscsi.ibft", arg.value, "is not a boolean"));
    if (*b) return import_firmware(ctx, arg.text);
    return {};
}

Result<void> import_firmware(ReaderContext& ctx, std::string_view argument) {
    auto nics = read_ibft(ctx.options.sysfs_dir);
    if (!nics) return unexpected(firmware_error(argument, nics.error()));
    for (const auto& [mac, nic] : *nics) {
        auto index = nic.find("index");
        if (index == nic.end())
            return unexpected(
                Error{ErrorCode::Malformed, std::string(argument) + ": iBFT NIC " + mac + " has no index", 0});
        profile::Profile fresh;
        fresh.basename = "ibft" + index->second;
        auto applied = apply_ibft_nic(nic, fresh);
        if (!applied) return unexpected(firmware_error(argument, applied.error()));
        ctx.profiles.put(std::move(fresh));
    }
    // As the reference, the device tree's chosen node after the iBFT.
    auto ofw = read_ofw(ctx.options.sysfs_dir);
    if (!ofw) return unexpected(firmware_error(argument, ofw.error()));
    if (*ofw) ctx.profiles.put(std::move(**ofw));
    return {};
}

Result<void> merge_ibft_into(ReaderContext& ctx, std::string_view argument, profile::Profile& p) {
    std::string mac;
    if (p.ethernet && p.ethernet->mac_address) {
        mac = p.ethernet->mac_address->to_string();
    } else if (!p.interface_name.empty()) {
        std::string path = ctx.options.sysfs_dir + "/class/net/" + p.interface_name + "/address";
        std::ifstream in(path);
        if (!(in >> mac))
            return unexpected(profile::argument_error(argument, "interface", p.interface_name,
                                                      "has no MAC address to look up in the iBFT (" + path + ")",
                                                      ErrorCode::Invalid));
    }
    auto nics = read_ibft(ctx.options.sysfs_dir);
    if (!nics) return unexpected(firmware_error(argument, nics.error()));
    auto it = nics->find(ascii_upper(mac));
    if (it == nics->end())
        return unexpected(profile::argument_error(
            argument, "interface", p.basename, "has no iBFT entry (MAC " + ascii_upper(mac) + ")", ErrorCode::Invalid));
    auto applied = apply_ibft_nic(it->second, p);
    if (!applied) return unexpected(firmware_error(argument, applied.error()));
    return {};
}

}  // namespace earlynet::cmdline
