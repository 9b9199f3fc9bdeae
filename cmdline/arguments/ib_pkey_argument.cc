// ib.pkey=<parent>.<pkey>: an InfiniBand partition, the key in hex.
#include <string>

#include "argument_parsers.h"
#include "cmdline/cmdline_fields.h"
#include "profile/cmdline_values.h"

namespace earlynet::cmdline {

Result<void> parse_ib_pkey(ReaderContext& ctx, const Argument& arg) {
    FieldReader f(arg.value);
    std::string_view name = f.next(':');
    if (name.empty()) return unexpected(arg.error("ib.pkey", name, "is missing"));
    if (!f.at_end()) return unexpected(arg.error("extra", f.rest(), "is more than the syntax allows"));
    auto dot = name.find('.');
    if (dot == std::string_view::npos) return unexpected(arg.error("ib.pkey", name, "is not <parent>.<pkey>"));
    std::string_view parent = name.substr(0, dot);
    auto pkey = profile::parse_int(name.substr(dot + 1), 0, 0xFFFF, 16);
    if (!pkey) return unexpected(arg.error("pkey", name.substr(dot + 1), "is not a hex partition key (0..ffff)"));
    if (!is_valid_interface_name(parent) || !is_valid_interface_name(name))
        return unexpected(arg.error("ib.pkey", name, "is not a valid interface name"));
    auto r = ctx.profiles.resolve(arg.text, "ib.pkey", name, profile::ConnectionType::Infiniband, IfMissing::Create);
    EARLYNET_TRY(r);
    (*r)->infiniband->parent = std::string(parent);
    (*r)->infiniband->p_key = static_cast<int>(*pkey);
    return {};
}

}  // namespace earlynet::cmdline
