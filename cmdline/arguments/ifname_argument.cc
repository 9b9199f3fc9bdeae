// ifname=<interface>:<MAC>: udev renames the NIC with that MAC; profiles then
// match the new name. Validated here, applied by `earlynet run`.
#include <string>

#include "argument_parsers.h"
#include "cmdline/cmdline_fields.h"

namespace earlynet::cmdline {

Result<void> parse_ifname(ReaderContext& ctx, const Argument& arg) {
    FieldReader f(arg.value);
    std::string_view name = f.next(':');
    std::string_view mac_text = f.rest();
    if (name.empty() || !is_valid_interface_name(name))
        return unexpected(arg.error("interface", name, "is not a valid interface name"));
    auto mac = HardwareAddress::parse(mac_text);
    if (!mac || (mac->size() != HardwareAddress::kEthernetLength && mac->size() != HardwareAddress::kInfinibandLength))
        return unexpected(arg.error("MAC", mac_text, "is not a MAC address"));
    for (const auto& r : ctx.out.renames) {
        if (r.name == name && !(r.mac == *mac))
            return unexpected(arg.error("interface", name, "is given two different MAC addresses", ErrorCode::Invalid));
        if (r.mac == *mac && r.name != name)
            return unexpected(arg.error("MAC", mac_text, "is given two different names", ErrorCode::Invalid));
    }
    ctx.out.renames.push_back({std::string(name), *mac});
    return {};
}

}  // namespace earlynet::cmdline
