// The DHCPv4 message codec. parse_message validates the framing in layers and
// names the first problem; nothing of a rejected message is used. A value
// that does not decode is not a framing problem: it is set aside for the lease
// to judge, so that a server's empty host name does not cost the whole ACK.
#include "dhcp/message.h"

#include <algorithm>
#include <cstdio>
#include <tuple>

#include "dhcp/wire_reader.h"

namespace earlynet::dhcp {
namespace {

constexpr std::size_t kSnameSize = 64;
constexpr std::size_t kFileSize = 128;
constexpr std::size_t kChaddrSize = 16;
// RFC 2132 9.3 option overload: which of file (1), sname (2) or both (3) carry options.
constexpr std::uint8_t kOverloadFile = 1;
constexpr std::uint8_t kOverloadSname = 2;
constexpr std::uint8_t kOverloadBoth = 3;

Unexpected<Error> malformed(std::string message) {
    return unexpected(ErrorCode::Malformed, std::move(message));
}

std::string option_label(std::uint8_t code) {
    const OptionDefinition* def = find_option(code);
    std::string s = "option " + std::to_string(code);
    if (def) s += " (" + std::string(def->name) + ")";
    if (code == option::kOverload) s += " (overload)";
    return s;
}

// sname and file hold a NUL-terminated string when they do not hold options;
// a field filled to its last byte has no terminator.
std::string field_string(std::span<const std::uint8_t> field) {
    auto nul = std::find(field.begin(), field.end(), 0);
    return std::string(field.begin(), nul);
}

struct RawOption {
    std::uint8_t code;
    std::span<const std::uint8_t> value;
};

// One options-carrying field (options, file or sname), in order: Pad is
// skipped, End ends it, an option whose length runs past the field is
// Malformed. A field without End is accepted when it ends exactly after an
// option (servers omit End when the options fill the packet).
Result<std::vector<RawOption>> read_options_field(std::span<const std::uint8_t> field, const char* field_name) {
    std::vector<RawOption> found;
    WireReader r(field);
    while (auto code = r.u8()) {
        if (*code == option::kPad) continue;
        if (*code == option::kEnd) break;
        auto length = r.u8();
        if (!length)
            return malformed(option_label(*code) + ": no length byte at the end of the " + field_name + " field");
        auto value = r.bytes(*length);
        if (!value) {
            return malformed(option_label(*code) + ": length " + std::to_string(*length) +
                             " runs past the end of the " + field_name + " field");
        }
        found.push_back({*code, *value});
    }
    return found;
}

// RFC 3396: every occurrence of a code is one option, its values
// concatenated in the order read (options, file, sname).
OptionMap join_options(const std::vector<RawOption>& raw) {
    OptionMap options;
    for (const auto& [code, value] : raw) {
        auto& joined = options[code];
        joined.insert(joined.end(), value.begin(), value.end());
    }
    return options;
}

}  // namespace

const char* to_string(MessageType type) {
    switch (type) {
        case MessageType::Discover: return "DISCOVER";
        case MessageType::Offer: return "OFFER";
        case MessageType::Request: return "REQUEST";
        case MessageType::Decline: return "DECLINE";
        case MessageType::Ack: return "ACK";
        case MessageType::Nak: return "NAK";
        case MessageType::Release: return "RELEASE";
        case MessageType::Inform: return "INFORM";
    }
    return "UNKNOWN";
}

std::optional<MessageType> Message::type() const {
    auto it = options.find(option::kMessageType);
    if (it == options.end() || it->second.size() != 1) return std::nullopt;
    std::uint8_t v = it->second[0];
    if (v < static_cast<std::uint8_t>(MessageType::Discover) || v > static_cast<std::uint8_t>(MessageType::Inform))
        return std::nullopt;
    return static_cast<MessageType>(v);
}

std::optional<Ipv4Address> Message::ipv4_option(std::uint8_t code) const {
    auto it = options.find(code);
    if (it == options.end()) return std::nullopt;
    // An option without a row is read as the one address it must then be.
    static constexpr OptionDefinition kAnyIpv4{0, "ipv4", OptionType::Ipv4, ""};
    const OptionDefinition* def = find_option(code);
    auto value = decode_option(def ? *def : kAnyIpv4, it->second);
    if (!value) return std::nullopt;
    if (auto* a = std::get_if<Ipv4Address>(&*value)) return *a;
    return std::nullopt;
}

std::optional<std::uint32_t> Message::u32_option(std::uint8_t code) const {
    auto it = options.find(code);
    if (it == options.end()) return std::nullopt;
    static constexpr OptionDefinition kAnyU32{0, "u32", OptionType::U32, ""};
    const OptionDefinition* def = find_option(code);
    auto value = decode_option(def ? *def : kAnyU32, it->second);
    if (!value) return std::nullopt;
    if (auto* v = std::get_if<std::uint32_t>(&*value)) return *v;
    return std::nullopt;
}

Result<Message> parse_message(std::span<const std::uint8_t> payload) {
    // Layer 1: the fixed BOOTP header (RFC 951, RFC 2131 figure 1).
    WireReader r(payload);
    Message m;
    auto op = r.u8(), htype = r.u8(), hlen = r.u8(), hops = r.u8();
    auto xid = r.u32();
    auto secs = r.u16(), flags = r.u16();
    auto ciaddr = r.u32(), yiaddr = r.u32(), siaddr = r.u32(), giaddr = r.u32();
    auto chaddr = r.bytes(kChaddrSize), sname = r.bytes(kSnameSize), file = r.bytes(kFileSize);
    if (!file) {
        return malformed("message of " + std::to_string(payload.size()) + " bytes is shorter than the " +
                         std::to_string(Message::kFixedHeaderSize) + "-byte BOOTP header");
    }
    if (*op != static_cast<std::uint8_t>(BootpOp::Request) && *op != static_cast<std::uint8_t>(BootpOp::Reply))
        return malformed("op " + std::to_string(*op) + " is neither request (1) nor reply (2)");
    if (*hlen > kChaddrSize) return malformed("hlen " + std::to_string(*hlen) + " is longer than chaddr (16)");
    m.op = static_cast<BootpOp>(*op);
    m.htype = *htype;
    m.hlen = *hlen;
    m.hops = *hops;
    m.xid = Xid{*xid};
    m.secs = *secs;
    m.flags = *flags;
    m.ciaddr = Ipv4Address::from_host(*ciaddr);
    m.yiaddr = Ipv4Address::from_host(*yiaddr);
    m.siaddr = Ipv4Address::from_host(*siaddr);
    m.giaddr = Ipv4Address::from_host(*giaddr);
    std::copy(chaddr->begin(), chaddr->end(), m.chaddr.begin());

    // Layer 2: the magic cookie (RFC 2131 3): without it this is plain BOOTP.
    auto cookie = r.u32();
    if (!cookie) return malformed("message ends after the BOOTP header, without the DHCP magic cookie");
    if (*cookie != Message::kMagicCookie) {
        char hex[11];
        std::snprintf(hex, sizeof hex, "0x%08x", *cookie);
        return malformed(std::string("magic cookie ") + hex + " is not 0x63825363");
    }

    // Layer 3: options, then (RFC 2131 4.1) file, then sname when option 52
    // says they carry options too.
    auto raw = read_options_field(payload.subspan(r.position()), "options");
    if (!raw) return unexpected(std::move(raw.error()));
    const OptionMap in_options_field = join_options(*raw);
    std::uint8_t overload = 0;
    if (auto it = in_options_field.find(option::kOverload); it != in_options_field.end()) {
        if (it->second.size() != 1 || it->second[0] < kOverloadFile || it->second[0] > kOverloadBoth)
            return malformed("option 52 (overload): value must be one byte 1, 2 or 3");
        overload = it->second[0];
    }
    for (auto [bit, field, name, text] :
         {std::tuple{kOverloadFile, *file, "file", &m.file}, std::tuple{kOverloadSname, *sname, "sname", &m.sname}}) {
        if (!(overload & bit)) {
            *text = field_string(field);
            continue;
        }
        auto more = read_options_field(field, name);
        if (!more) return unexpected(std::move(more.error()));
        for (const auto& o : *more)
            if (o.code == option::kOverload)
                return malformed(std::string("option 52 (overload) inside the ") + name + " field");
        raw->insert(raw->end(), more->begin(), more->end());
    }
    // Overload is framing, not content: the map says what the message carries
    // wherever it came from, and serialize_message never overloads.
    m.options = join_options(*raw);
    m.options.erase(option::kOverload);

    // Layer 4: option values. What does not decode is set aside, so nothing
    // in m.options is trusted that should not be, but the message lives on:
    // whether an option matters is the lease's decision (lease_from_message).
    // The message type is the exception: without it we cannot tell what the
    // message is.
    auto split = split_malformed_options(std::move(m.options));
    m.options = std::move(split.options);
    m.malformed_options = std::move(split.malformed);
    if (auto it = m.malformed_options.find(option::kMessageType); it != m.malformed_options.end())
        return unexpected(std::move(decode_option(*find_option(option::kMessageType), it->second).error()));
    if (!m.options.contains(option::kMessageType)) return malformed("no message type (option 53)");
    if (!m.type())
        return malformed("message type " + std::to_string(m.options[option::kMessageType][0]) + " is unknown");
    return m;
}

SplitOptions split_malformed_options(OptionMap options) {
    SplitOptions split;
    while (!options.empty()) {
        auto node = options.extract(options.begin());
        const OptionDefinition* def = find_option(node.key());
        OptionMap& into = def && !decode_option(*def, node.mapped()) ? split.malformed : split.options;
        into.insert(std::move(node));
    }
    return split;
}

std::vector<std::uint8_t> serialize_message(const Message& m) {
    WireWriter w;
    w.u8(static_cast<std::uint8_t>(m.op));
    w.u8(m.htype);
    w.u8(m.hlen);
    w.u8(m.hops);
    w.u32(m.xid.value);
    w.u16(m.secs);
    w.u16(m.flags);
    for (auto a : {m.ciaddr, m.yiaddr, m.siaddr, m.giaddr}) w.u32(a.host_order());
    w.bytes(m.chaddr);
    auto text_field = [&w](const std::string& s, std::size_t size) {
        std::size_t n = std::min(s.size(), size);
        w.bytes({reinterpret_cast<const std::uint8_t*>(s.data()), n});
        w.zeros(size - n);
    };
    text_field(m.sname, kSnameSize);
    text_field(m.file, kFileSize);
    w.u32(Message::kMagicCookie);
    // The malformed ones go back where they were, so a message survives the
    // wire as it came. std::map iterates by code: the same options always
    // give the same bytes.
    std::map<std::uint8_t, const std::vector<std::uint8_t>*> all;
    for (const auto& [code, value] : m.malformed_options) all[code] = &value;
    for (const auto& [code, value] : m.options) all[code] = &value;
    for (const auto& [code, value_pointer] : all) {
        const std::vector<std::uint8_t>& value = *value_pointer;
        // Pad, End and Overload are framing: they cannot be content, and we
        // never put options into sname/file.
        if (code == option::kPad || code == option::kEnd || code == option::kOverload) continue;
        // RFC 3396: a value longer than 255 bytes goes out as consecutive
        // options of the same code; an empty value is one option of length 0.
        std::size_t pos = 0;
        do {
            std::size_t n = std::min<std::size_t>(value.size() - pos, 255);
            w.u8(code);
            w.u8(static_cast<std::uint8_t>(n));
            w.bytes(std::span(value).subspan(pos, n));
            pos += n;
        } while (pos < value.size());
    }
    w.u8(option::kEnd);
    if (w.size() < Message::kMinimumSize) w.zeros(Message::kMinimumSize - w.size());
    return w.take();
}

}  // namespace earlynet::dhcp
