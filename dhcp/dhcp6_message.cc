// The DHCPv6 codec. Framing is checked before anything is read from it: an
// option whose length runs past the message refuses the whole message (its
// neighbours cannot be trusted either), a value that does not fit its type
// costs that option only, as with DHCPv4.
#include "dhcp/dhcp6_message.h"

#include <algorithm>
#include <array>

#include "base/hex.h"
#include "dhcp/option_table.h"
#include "dhcp/wire_reader.h"

namespace earlynet::dhcp {
namespace {

namespace o = dhcp6_option;

// {code, RFC name, wire type, dhclient -6 variable stem, NetworkManager's
// name (nm-dhcp-options.c)}. Sorted by code. RFC 8415 unless noted. The
// type's names are in scope only here and in the decoder (DHCPv4's table has
// names of its own, and both may share one unity build).
namespace dhcp6_table {
using enum Dhcp6OptionType;
constexpr std::array kOptions{
    Dhcp6OptionDefinition{o::kClientId, "client-id", Duid, "dhcp6_client_id", "dhcp6_client_id"},
    Dhcp6OptionDefinition{o::kServerId, "server-id", Duid, "dhcp6_server_id", "dhcp6_server_id"},
    Dhcp6OptionDefinition{o::kIaNa, "ia-na", Structured, ""},
    Dhcp6OptionDefinition{o::kIaAddress, "iaaddr", Structured, ""},
    Dhcp6OptionDefinition{o::kOptionRequest, "oro", U16List, ""},
    Dhcp6OptionDefinition{o::kPreference, "preference", U8, "dhcp6_preference"},
    Dhcp6OptionDefinition{o::kElapsedTime, "elapsed-time", U16, ""},
    Dhcp6OptionDefinition{o::kStatusCode, "status-code", Structured, ""},
    Dhcp6OptionDefinition{o::kRapidCommit, "rapid-commit", Empty, ""},
    Dhcp6OptionDefinition{o::kDnsServers, "dns-servers", Ipv6List, "dhcp6_name_servers",
                          "dhcp6_name_servers"},  // RFC 3646
    Dhcp6OptionDefinition{o::kDomainList, "domain-list", DomainList, "dhcp6_domain_search",
                          "dhcp6_domain_search"},  // RFC 3646
    Dhcp6OptionDefinition{o::kSntpServers, "sntp-servers", Ipv6List, "dhcp6_sntp_servers",
                          "dhcp6_sntp_servers"},  // RFC 4075
    Dhcp6OptionDefinition{o::kInformationRefreshTime, "information-refresh-time", U32, "dhcp6_info_refresh_time"},
    Dhcp6OptionDefinition{o::kClientFqdn, "client-fqdn", Bytes, "dhcp6_fqdn"},                  // RFC 4704
    Dhcp6OptionDefinition{o::kNtpServer, "ntp-server", Bytes, "dhcp6_ntp_servers"},             // RFC 5908: sub-options
    Dhcp6OptionDefinition{o::kBootfileUrl, "bootfile-url", Text, "dhcp6_bootfile_url"},         // RFC 5970
    Dhcp6OptionDefinition{o::kBootfileParam, "bootfile-param", Bytes, "dhcp6_bootfile_param"},  // RFC 5970
    Dhcp6OptionDefinition{o::kSolMaxRt, "sol-max-rt", U32, ""},
    Dhcp6OptionDefinition{o::kInfMaxRt, "inf-max-rt", U32, ""},
};
}  // namespace dhcp6_table
using dhcp6_table::kOptions;
static_assert(std::is_sorted(kOptions.begin(), kOptions.end(), [](auto& a, auto& b) { return a.code < b.code; }));

std::string offset_text(std::size_t at) {
    return "at offset " + std::to_string(at);
}

// Options of a message or of an option's payload: code, length, data; the
// length must fit what is left.
Result<std::vector<Dhcp6Option>> read_options(std::span<const std::uint8_t> bytes, std::size_t base) {
    std::vector<Dhcp6Option> out;
    WireReader r(bytes);
    while (!r.at_end()) {
        std::size_t at = base + r.position();
        auto code = r.u16();
        auto length = r.u16();
        if (!code || !length)
            return unexpected(ErrorCode::Malformed, "option header " + offset_text(at) + " is truncated");
        auto data = r.bytes(*length);
        if (!data)
            return unexpected(ErrorCode::Malformed, "option " + std::to_string(*code) + " " + offset_text(at) +
                                                        " says " + std::to_string(*length) + " bytes, " +
                                                        std::to_string(r.remaining()) + " remain");
        out.push_back({*code, {data->begin(), data->end()}});
    }
    return out;
}

void write_option(WireWriter& w, std::uint16_t code, std::span<const std::uint8_t> data) {
    w.u16(code);
    w.u16(static_cast<std::uint16_t>(data.size()));
    w.bytes(data);
}

bool has_nul(std::span<const std::uint8_t> bytes) {
    return std::find(bytes.begin(), bytes.end(), 0) != bytes.end();
}

}  // namespace

const char* to_string(Dhcp6MessageType type) {
    switch (type) {
        case Dhcp6MessageType::Solicit: return "SOLICIT";
        case Dhcp6MessageType::Advertise: return "ADVERTISE";
        case Dhcp6MessageType::Request: return "REQUEST";
        case Dhcp6MessageType::Confirm: return "CONFIRM";
        case Dhcp6MessageType::Renew: return "RENEW";
        case Dhcp6MessageType::Rebind: return "REBIND";
        case Dhcp6MessageType::Reply: return "REPLY";
        case Dhcp6MessageType::Release: return "RELEASE";
        case Dhcp6MessageType::Decline: return "DECLINE";
        case Dhcp6MessageType::Reconfigure: return "RECONFIGURE";
        case Dhcp6MessageType::InformationRequest: return "INFORMATION-REQUEST";
    }
    return "UNKNOWN";
}

const Dhcp6Option* Dhcp6Message::find(std::uint16_t code) const {
    for (const auto& option : options)
        if (option.code == code) return &option;
    return nullptr;
}

Result<Dhcp6Message> parse_dhcp6_message(std::span<const std::uint8_t> bytes) {
    if (bytes.size() < 4)
        return unexpected(ErrorCode::Malformed, "DHCPv6 message of " + std::to_string(bytes.size()) +
                                                    " bytes is shorter than its 4-byte header");
    std::uint8_t type = bytes[0];
    if (type < 1 || type > 11)
        return unexpected(ErrorCode::Malformed,
                          "message type " + std::to_string(type) + " is no client/server message");
    Dhcp6Message m;
    m.type = static_cast<Dhcp6MessageType>(type);
    m.transaction_id = std::uint32_t{bytes[1]} << 16 | std::uint32_t{bytes[2]} << 8 | bytes[3];
    auto options = read_options(bytes.subspan(4), 4);
    if (!options) return unexpected(std::move(options.error()));
    m.options = std::move(*options);
    return m;
}

std::vector<std::uint8_t> serialize_dhcp6_message(const Dhcp6Message& m) {
    WireWriter w;
    w.u8(static_cast<std::uint8_t>(m.type));
    w.u8(static_cast<std::uint8_t>(m.transaction_id >> 16));
    w.u8(static_cast<std::uint8_t>(m.transaction_id >> 8));
    w.u8(static_cast<std::uint8_t>(m.transaction_id));
    for (const auto& option : m.options) write_option(w, option.code, option.data);
    return w.take();
}

Result<Dhcp6StatusCode> decode_dhcp6_status_code(std::span<const std::uint8_t> bytes) {
    WireReader r(bytes);
    auto code = r.u16();
    if (!code)
        return unexpected(ErrorCode::Malformed,
                          "status code of " + std::to_string(bytes.size()) + " bytes, not 2 or more");
    auto text = bytes.subspan(2);
    return Dhcp6StatusCode{*code, std::string(text.begin(), text.end())};
}

std::vector<std::uint8_t> encode_dhcp6_status_code(const Dhcp6StatusCode& status) {
    WireWriter w;
    w.u16(status.code);
    w.bytes({reinterpret_cast<const std::uint8_t*>(status.message.data()), status.message.size()});
    return w.take();
}

Result<Dhcp6IaNa> decode_dhcp6_ia_na(std::span<const std::uint8_t> bytes) {
    WireReader r(bytes);
    auto iaid = r.u32();
    auto t1 = r.u32();
    auto t2 = r.u32();
    if (!iaid || !t1 || !t2)
        return unexpected(ErrorCode::Malformed, "IA_NA of " + std::to_string(bytes.size()) + " bytes, not 12 or more");
    Dhcp6IaNa ia{*iaid, *t1, *t2, {}, std::nullopt};
    auto options = read_options(bytes.subspan(12), 12);
    if (!options) return unexpected(ErrorCode::Malformed, "IA_NA: " + options.error().message);
    for (const auto& option : *options) {
        if (option.code == o::kStatusCode) {
            auto status = decode_dhcp6_status_code(option.data);
            if (!status) return unexpected(ErrorCode::Malformed, "IA_NA: " + status.error().message);
            ia.status = std::move(*status);
        } else if (option.code == o::kIaAddress) {
            WireReader a(option.data);
            auto address = a.bytes(16);
            auto preferred = a.u32();
            auto valid = a.u32();
            if (!address || !preferred || !valid)
                return unexpected(ErrorCode::Malformed, "IA_NA: IA Address of " + std::to_string(option.data.size()) +
                                                            " bytes, not 24 or more");
            std::array<std::uint8_t, 16> b{};
            std::copy(address->begin(), address->end(), b.begin());
            Dhcp6IaAddress entry{Ipv6Address(b), *preferred, *valid, std::nullopt};
            auto sub = read_options(std::span(option.data).subspan(24), 24);
            if (!sub) return unexpected(ErrorCode::Malformed, "IA_NA: IA Address: " + sub.error().message);
            for (const auto& s : *sub) {
                if (s.code != o::kStatusCode) continue;
                auto status = decode_dhcp6_status_code(s.data);
                if (!status) return unexpected(ErrorCode::Malformed, "IA_NA: IA Address: " + status.error().message);
                entry.status = std::move(*status);
            }
            // RFC 8415 21.6: a client discards an address whose preferred
            // lifetime is greater than its valid lifetime.
            if (entry.preferred_s > entry.valid_s) continue;
            ia.addresses.push_back(std::move(entry));
        }
    }
    return ia;
}

std::vector<std::uint8_t> encode_dhcp6_ia_na(const Dhcp6IaNa& ia) {
    WireWriter w;
    w.u32(ia.iaid);
    w.u32(ia.t1_s);
    w.u32(ia.t2_s);
    for (const auto& a : ia.addresses) {
        WireWriter entry;
        entry.bytes(a.address.bytes());
        entry.u32(a.preferred_s);
        entry.u32(a.valid_s);
        if (a.status) write_option(entry, o::kStatusCode, encode_dhcp6_status_code(*a.status));
        write_option(w, o::kIaAddress, entry.take());
    }
    if (ia.status) write_option(w, o::kStatusCode, encode_dhcp6_status_code(*ia.status));
    return w.take();
}

std::span<const Dhcp6OptionDefinition> dhcp6_option_table() {
    return kOptions;
}

const Dhcp6OptionDefinition* find_dhcp6_option(std::uint16_t code) {
    auto it = std::lower_bound(kOptions.begin(), kOptions.end(), code,
                               [](const auto& d, std::uint16_t c) { return d.code < c; });
    return it != kOptions.end() && it->code == code ? &*it : nullptr;
}

Result<Dhcp6OptionValue> decode_dhcp6_option(const Dhcp6OptionDefinition& def, std::span<const std::uint8_t> bytes) {
    auto fail = [&](const std::string& why) -> Result<Dhcp6OptionValue> {
        return unexpected(ErrorCode::Malformed,
                          "DHCPv6 option " + std::to_string(def.code) + " (" + std::string(def.name) + "): " + why);
    };
    auto size_text = std::to_string(bytes.size()) + " bytes";
    WireReader r(bytes);
    using enum Dhcp6OptionType;
    switch (def.type) {
        case Duid:
            if (bytes.size() < 2 || bytes.size() > 130) return fail(size_text + ", not a DUID (2 to 130)");
            return Dhcp6OptionValue{std::vector<std::uint8_t>(bytes.begin(), bytes.end())};
        case Ipv6List: {
            if (bytes.empty() || bytes.size() % 16 != 0) return fail(size_text + ", not a non-empty multiple of 16");
            std::vector<Ipv6Address> list;
            while (auto b = r.bytes(16)) {
                std::array<std::uint8_t, 16> a{};
                std::copy(b->begin(), b->end(), a.begin());
                list.emplace_back(a);
            }
            return Dhcp6OptionValue{std::move(list)};
        }
        case DomainList: {
            auto names = decode_uncompressed_domain_list(bytes);
            if (!names) return fail(names.error().message);
            return Dhcp6OptionValue{std::move(*names)};
        }
        case Text:
            if (bytes.empty() || has_nul(bytes)) return fail("empty or holds a NUL byte");
            return Dhcp6OptionValue{std::string(bytes.begin(), bytes.end())};
        case U8:
            if (bytes.size() != 1) return fail(size_text + ", not 1");
            return Dhcp6OptionValue{std::uint32_t{bytes[0]}};
        case U16:
            if (bytes.size() != 2) return fail(size_text + ", not 2");
            return Dhcp6OptionValue{std::uint32_t{*r.u16()}};
        case U32:
            if (bytes.size() != 4) return fail(size_text + ", not 4");
            return Dhcp6OptionValue{*r.u32()};
        case U16List: {
            if (bytes.size() % 2 != 0) return fail(size_text + ", not a multiple of 2");
            std::vector<std::uint16_t> codes;
            while (auto c = r.u16()) codes.push_back(*c);
            return Dhcp6OptionValue{std::move(codes)};
        }
        case Empty:
            if (!bytes.empty()) return fail(size_text + ", not empty");
            return Dhcp6OptionValue{std::monostate{}};
        case Structured:
        case Bytes: return Dhcp6OptionValue{std::vector<std::uint8_t>(bytes.begin(), bytes.end())};
    }
    return fail("unknown type");
}

std::string dhcp6_option_value_to_text(const Dhcp6OptionValue& value) {
    struct Visitor {
        std::string operator()(std::monostate) const { return ""; }
        std::string operator()(const std::vector<Ipv6Address>& list) const {
            std::string out;
            for (const auto& a : list) out += (out.empty() ? "" : " ") + a.to_string();
            return out;
        }
        std::string operator()(const std::vector<std::string>& names) const {
            std::string out;
            for (const auto& n : names) out += (out.empty() ? "" : " ") + n;
            return out;
        }
        std::string operator()(const std::string& s) const { return s; }
        std::string operator()(std::uint32_t v) const { return std::to_string(v); }
        std::string operator()(const std::vector<std::uint16_t>& codes) const {
            std::string out;
            for (auto c : codes) out += (out.empty() ? "" : " ") + std::to_string(c);
            return out;
        }
        std::string operator()(const std::vector<std::uint8_t>& bytes) const { return to_hex(bytes, ':'); }
    };
    return std::visit(Visitor{}, value);
}

}  // namespace earlynet::dhcp
