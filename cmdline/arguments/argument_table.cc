#include "argument_table.h"

#include <cctype>

#include "argument_parsers.h"
#include "cmdline/cmdline_fields.h"

namespace earlynet::cmdline {

Argument split_argument(std::string_view word) {
    auto [tag, value] = split_tag(word);
    return Argument{word, tag, value.value_or("")};
}

namespace {

using ArgumentParser = Result<void> (*)(ReaderContext&, const Argument&);

enum class NameCase { Exact, Ignore };
enum class Value { Optional, Required };  // Required: "name" and "name=" are "is missing"

struct ArgumentEntry {
    std::string_view name;
    ArgumentParser parse;
    Value value = Value::Optional;
    NameCase name_case = NameCase::Exact;
};

constexpr ArgumentEntry kArguments[] = {
    {"ip", parse_ip, Value::Required},
    {"ifname", parse_ifname},
    {"bootdev", parse_bootdev, Value::Required},
    {"BOOTIF", parse_bootif, Value::Required, NameCase::Ignore},  // PXELINUX writes it in capitals
    {"rd.bootif", parse_rd_bootif},
    {"bond", parse_bond},
    {"bridge", parse_bridge},
    {"team", parse_team},
    {"vlan", parse_vlan},
    {"ib.pkey", parse_ib_pkey},
    {"rd.route", parse_route, Value::Required},
    {"nameserver", parse_nameserver, Value::Required},
    {"rd.neednet", parse_neednet},
    {"root", parse_root},
    {"netroot", parse_root},
    {"rd.ethtool", parse_ethtool},
    {"rd.znet", parse_znet, Value::Required},
    {"rd.znet_ifname", parse_znet_ifname},
    {"rd.iscsi.ibft", parse_iscsi_ibft},
};

bool iequals_ascii(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

const ArgumentEntry* find_entry(std::string_view name) {
    for (const auto& entry : kArguments) {
        bool match = entry.name_case == NameCase::Exact ? entry.name == name : iequals_ascii(entry.name, name);
        if (match) return &entry;
    }
    return nullptr;
}

}  // namespace

Result<void> dispatch_argument(ReaderContext& ctx, std::string_view word) {
    Argument arg = split_argument(word);
    if (arg.name.empty()) return {};  // "=" or "=foo": nothing to name
    const ArgumentEntry* entry = find_entry(arg.name);
    if (!entry) return {};
    if (entry->value == Value::Required && arg.value.empty())
        return unexpected(arg.error(entry->name, arg.value, "is missing"));
    return entry->parse(ctx, arg);
}

}  // namespace earlynet::cmdline
