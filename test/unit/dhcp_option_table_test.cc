// dhcp/option_table: the rows, the strict per-type decoding, RFC 1035 names
// (option 119) and RFC 3442 routes (option 121), and the text form.
#include <gtest/gtest.h>

#include <set>

#include "dhcp/message.h"
#include "dhcp/option_table.h"

using namespace earlynet;
using namespace earlynet::dhcp;

namespace {

using Bytes = std::vector<std::uint8_t>;

Ipv4Address ip(const char* text) {
    return *Ipv4Address::parse(text);
}

// A value every row of this wire type must carry through encode, a message
// and decode unchanged.
OptionValue representative(OptionType type) {
    switch (type) {
        case OptionType::Ipv4: return ip("192.0.2.1");
        case OptionType::Ipv4List: return std::vector{ip("192.0.2.1"), ip("198.51.100.2"), ip("203.0.113.3")};
        case OptionType::U8: return std::uint32_t{5};  // also a valid message type (ACK) for option 53
        case OptionType::U16: return std::uint32_t{1500};
        case OptionType::U32: return std::uint32_t{0x01020304};
        case OptionType::Text: return std::string("earlynet \"test\" value");
        case OptionType::DomainList: return std::vector<std::string>{"example.com", "corp.example.com", "a.b.c.d"};
        case OptionType::ClasslessRoutes:
            return std::vector<ClasslessRoute>{{ip("10.0.0.0"), 8, ip("192.0.2.1")},
                                               {ip("192.168.128.0"), 17, ip("0.0.0.0")},
                                               {ip("203.0.113.7"), 32, ip("192.0.2.2")},
                                               {ip("0.0.0.0"), 0, ip("192.0.2.1")}};
        case OptionType::U8List: return Bytes{1, 3, 6, 15, 119, 121};
        case OptionType::Bytes: return Bytes{0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    }
    return Bytes{};
}

Result<OptionValue> decode(std::uint8_t code, const Bytes& bytes) {
    return decode_option(*find_option(code), bytes);
}

std::string decode_error(std::uint8_t code, const Bytes& bytes) {
    auto r = decode(code, bytes);
    if (r) return "(decoded)";
    EXPECT_EQ(r.error().code, ErrorCode::Malformed);
    return r.error().message;
}

}  // namespace

TEST(OptionTable, RowsAreSortedUniqueAndFoundByCode) {
    auto table = option_table();
    ASSERT_GE(table.size(), 25u);
    std::set<std::string_view> names, shell_names;
    for (std::size_t i = 0; i < table.size(); ++i) {
        if (i) {
            EXPECT_LT(table[i - 1].code, table[i].code);
        }
        EXPECT_EQ(find_option(table[i].code), &table[i]);
        EXPECT_TRUE(names.insert(table[i].name).second) << table[i].name;
        EXPECT_TRUE(shell_names.insert(table[i].shell_name).second) << table[i].shell_name;
    }
    for (std::uint8_t framing : {option::kPad, option::kOverload, option::kEnd})
        EXPECT_EQ(find_option(framing), nullptr);
    EXPECT_EQ(find_option(200), nullptr);
}

TEST(OptionTable, RequiredRowsHaveTheirTypeAndDhclientShellName) {
    struct Row {
        std::uint8_t code;
        const char* name;
        OptionType type;
        const char* shell;
    };
    const Row rows[] = {
        {1, "subnet-mask", OptionType::Ipv4, "subnet_mask"},
        {3, "routers", OptionType::Ipv4List, "routers"},
        {6, "domain-name-servers", OptionType::Ipv4List, "domain_name_servers"},
        {12, "host-name", OptionType::Text, "host_name"},
        {15, "domain-name", OptionType::Text, "domain_name"},
        {17, "root-path", OptionType::Text, "root_path"},
        {26, "interface-mtu", OptionType::U16, "interface_mtu"},
        {28, "broadcast-address", OptionType::Ipv4, "broadcast_address"},
        {42, "ntp-servers", OptionType::Ipv4List, "ntp_servers"},
        {43, "vendor-encapsulated-options", OptionType::Bytes, "vendor_encapsulated_options"},
        {50, "requested-address", OptionType::Ipv4, "dhcp_requested_address"},
        {51, "lease-time", OptionType::U32, "dhcp_lease_time"},
        {53, "message-type", OptionType::U8, "dhcp_message_type"},
        {54, "server-identifier", OptionType::Ipv4, "dhcp_server_identifier"},
        {55, "parameter-request-list", OptionType::U8List, "dhcp_parameter_request_list"},
        {56, "message", OptionType::Text, "dhcp_message"},
        {57, "max-message-size", OptionType::U16, "dhcp_max_message_size"},
        {58, "renewal-time", OptionType::U32, "dhcp_renewal_time"},
        {59, "rebinding-time", OptionType::U32, "dhcp_rebinding_time"},
        {60, "vendor-class-identifier", OptionType::Text, "vendor_class_identifier"},
        {61, "client-identifier", OptionType::Bytes, "dhcp_client_identifier"},
        {66, "tftp-server-name", OptionType::Text, "tftp_server_name"},
        {67, "bootfile-name", OptionType::Text, "bootfile_name"},
        {119, "domain-search", OptionType::DomainList, "domain_search"},
        {121, "classless-static-routes", OptionType::ClasslessRoutes, "classless_static_routes"},
    };
    for (const auto& row : rows) {
        const OptionDefinition* def = find_option(row.code);
        ASSERT_NE(def, nullptr) << int{row.code};
        EXPECT_EQ(def->name, row.name);
        EXPECT_EQ(def->type, row.type) << row.name;
        EXPECT_EQ(def->shell_name, row.shell);
    }
}

// NetworkManager's names (nm-dhcp-options.c) for what its device state reports.
TEST(OptionTable, NetworkManagerNamesAreNetworkManagers) {
    const std::pair<std::uint8_t, const char*> rows[] = {{1, "subnet_mask"},
                                                         {3, "routers"},
                                                         {6, "domain_name_servers"},
                                                         {12, "host_name"},
                                                         {15, "domain_name"},
                                                         {17, "root_path"},
                                                         {26, "interface_mtu"},
                                                         {28, "broadcast_address"},
                                                         {42, "ntp_servers"},
                                                         {51, "dhcp_lease_time"},
                                                         {54, "dhcp_server_identifier"},
                                                         {66, "tftp_server_name"},
                                                         {67, "bootfile_name"},
                                                         {119, "domain_search"},
                                                         {121, "rfc3442_classless_static_routes"}};
    for (const auto& [code, name] : rows) EXPECT_EQ(find_option(code)->nm_name, name) << int{code};
    EXPECT_EQ(find_option(53)->nm_name, "") << "NetworkManager does not report the message type";
}

// The codec round trip for every row: encode, carry in a message through
// serialize and parse, decode, compare.
TEST(OptionCodec, EveryRowRoundTripsThroughAMessage) {
    for (const auto& def : option_table()) {
        SCOPED_TRACE(std::string(def.name));
        OptionValue value = representative(def.type);
        Message m;
        m.options[option::kMessageType] = {static_cast<std::uint8_t>(MessageType::Ack)};
        m.options[def.code] = encode_option(def, value);
        ASSERT_FALSE(m.options[def.code].empty());
        auto parsed = parse_message(serialize_message(m));
        ASSERT_TRUE(parsed) << parsed.error().message;
        ASSERT_EQ(parsed->options.count(def.code), 1u);
        auto decoded = decode_option(def, parsed->options.at(def.code));
        ASSERT_TRUE(decoded) << decoded.error().message;
        EXPECT_EQ(*decoded, value);
        EXPECT_EQ(option_value_to_text(*decoded), option_value_to_text(value));
    }
}

TEST(OptionDecode, FixedSizesAreExact) {
    EXPECT_EQ(decode_error(1, {255, 255, 255}), "option 1 (subnet-mask): length 3, expected 4");
    EXPECT_EQ(decode_error(54, {10, 0, 0, 1, 0}), "option 54 (server-identifier): length 5, expected 4");
    EXPECT_EQ(decode_error(53, {5, 0}), "option 53 (message-type): length 2, expected 1");
    EXPECT_EQ(decode_error(26, {5}), "option 26 (interface-mtu): length 1, expected 2");
    EXPECT_EQ(decode_error(51, {0, 0, 14}), "option 51 (lease-time): length 3, expected 4");
    EXPECT_EQ(std::get<std::uint32_t>(*decode(26, {0x05, 0xdc})), 1500u);
    EXPECT_EQ(std::get<std::uint32_t>(*decode(51, {0x00, 0x00, 0x0e, 0x10})), 3600u);
    EXPECT_EQ(std::get<Ipv4Address>(*decode(1, {255, 255, 252, 0})), ip("255.255.252.0"));
}

TEST(OptionDecode, AddressListsAreNonEmptyMultiplesOfFour) {
    EXPECT_EQ(decode_error(3, {10, 0, 0, 1, 10}), "option 3 (routers): length 5 is not a multiple of 4");
    EXPECT_EQ(decode_error(6, {}), "option 6 (domain-name-servers): is empty");
    EXPECT_EQ(std::get<std::vector<Ipv4Address>>(*decode(6, {10, 0, 0, 1, 10, 0, 0, 2})),
              (std::vector{ip("10.0.0.1"), ip("10.0.0.2")}));
}

TEST(OptionDecode, TextDropsTrailingNulsAndRejectsInteriorNulAndEmpty) {
    EXPECT_EQ(std::get<std::string>(*decode(12, {'h', 'o', 's', 't', 0, 0})), "host");
    EXPECT_EQ(std::get<std::string>(*decode(17, {'/', 'r', 0xc3, 0xa9})), "/r\xc3\xa9");
    EXPECT_EQ(decode_error(12, {'h', 0, 's', 't'}), "option 12 (host-name): contains a NUL byte");
    EXPECT_EQ(decode_error(15, {0, 0}), "option 15 (domain-name): is empty");
    EXPECT_EQ(decode_error(67, {}), "option 67 (bootfile-name): is empty");
}

TEST(OptionDecode, ParameterListIsNonEmptyAndBytesMayBeEmpty) {
    EXPECT_EQ(decode_error(55, {}), "option 55 (parameter-request-list): is empty");
    EXPECT_EQ(std::get<Bytes>(*decode(61, {})), Bytes{});
    EXPECT_EQ(std::get<Bytes>(*decode(43, {1, 2, 0})), (Bytes{1, 2, 0}));
}

// RFC 3397 section 2's example: "eng.apple.com." and "marketing.apple.com."
// with the second pointing into the first.
TEST(DomainList, FollowsBackwardPointers) {
    Bytes wire = {3, 'e', 'n', 'g', 5,   'a', 'p', 'p', 'l', 'e', 3,   'c',  'o', 'm',
                  0, 9,   'm', 'a', 'r', 'k', 'e', 't', 'i', 'n', 'g', 0xc0, 4};
    EXPECT_EQ(decode_domain_list(wire), (std::vector<std::string>{"eng.apple.com", "marketing.apple.com"}));
    // A pointer to a pointer, each strictly further back.
    wire.insert(wire.end(), {2, 'h', 'r', 0xc0, 15});
    EXPECT_EQ(decode_domain_list(wire)->back(), "hr.marketing.apple.com");
}

TEST(DomainList, RejectsPointerLoopsAndForwardPointers) {
    EXPECT_FALSE(decode_domain_list(Bytes{0xc0, 0}));                     // points at itself
    EXPECT_FALSE(decode_domain_list(Bytes{1, 'a', 0xc0, 0}));             // back into its own name: a loop
    EXPECT_FALSE(decode_domain_list(Bytes{1, 'a', 0xc0, 4, 1, 'b', 0}));  // forward
    // Two names whose pointers send each other back and forth.
    EXPECT_FALSE(decode_domain_list(Bytes{1, 'a', 0xc0, 5, 0, 1, 'b', 0xc0, 0}));
    EXPECT_EQ(decode_error(119, {1, 'a', 0xc0, 4, 1, 'b', 0}),
              "option 119 (domain-search): pointer at offset 2 to offset 4 does not point backwards");
}

TEST(DomainList, EnforcesLabelAndNameLengthsAndContent) {
    Bytes max_name;  // 63+63+63+61 bytes of labels, 4 length bytes and the root: 255 bytes
    for (int len : {63, 63, 63, 61}) {
        max_name.push_back(static_cast<std::uint8_t>(len));
        max_name.insert(max_name.end(), static_cast<std::size_t>(len), 'x');
    }
    max_name.push_back(0);
    ASSERT_EQ(max_name.size(), 255u);
    EXPECT_EQ(decode_domain_list(max_name)->front().size(), 253u);
    Bytes too_long = max_name;
    too_long.insert(too_long.begin(), {1, 'y'});
    EXPECT_FALSE(decode_domain_list(too_long));

    Bytes label64(65, 'x');
    label64[0] = 64;  // 0x40: the "extended label" bits, not a length
    label64.push_back(0);
    EXPECT_FALSE(decode_domain_list(label64));
    EXPECT_FALSE(decode_domain_list(Bytes{0}));                        // the root name alone
    EXPECT_FALSE(decode_domain_list(Bytes{}));                         // nothing
    EXPECT_FALSE(decode_domain_list(Bytes{3, 'c', 'o'}));              // truncated label
    EXPECT_FALSE(decode_domain_list(Bytes{3, 'c', 'o', 'm'}));         // no terminating zero
    EXPECT_FALSE(decode_domain_list(Bytes{3, 'a', '.', 'b', 0}));      // a dot inside a label
    EXPECT_FALSE(decode_domain_list(Bytes{3, 'a', ' ', 'b', 0}));      // a separator inside a label
    EXPECT_FALSE(decode_domain_list(Bytes{1, 'a', 0, 1, 'b', 0xc0}));  // truncated pointer
}

TEST(DomainList, EncodesWithoutCompression) {
    const auto* def = find_option(option::kDomainSearch);
    EXPECT_EQ(encode_option(*def, std::vector<std::string>{"a.com", "b.a.com"}),
              (Bytes{1, 'a', 3, 'c', 'o', 'm', 0, 1, 'b', 1, 'a', 3, 'c', 'o', 'm', 0}));
}

// RFC 3442's encoding examples: a width byte, ceil(width / 8) destination octets, the router.
TEST(ClasslessRoutes, DecodesSignificantOctets) {
    Bytes wire = {0,  10,  0,   0,   1,                // 0.0.0.0/0 via 10.0.0.1
                  8,  10,  10,  0,   0,  1,            // 10.0.0.0/8
                  18, 192, 168, 192, 10, 0, 0, 2,      // 192.168.192.0/18
                  32, 203, 0,   113, 9,  0, 0, 0, 0};  // host route, on-link
    auto routes = decode_classless_routes(wire);
    ASSERT_TRUE(routes);
    EXPECT_EQ(*routes, (std::vector<ClasslessRoute>{{ip("0.0.0.0"), 0, ip("10.0.0.1")},
                                                    {ip("10.0.0.0"), 8, ip("10.0.0.1")},
                                                    {ip("192.168.192.0"), 18, ip("10.0.0.2")},
                                                    {ip("203.0.113.9"), 32, ip("0.0.0.0")}}));
    EXPECT_EQ(encode_option(*find_option(option::kClasslessStaticRoute), *routes), wire);
}

TEST(ClasslessRoutes, RejectsHostBitsWidthOver32AndTruncation) {
    EXPECT_EQ(decode_error(121, {18, 192, 168, 193, 10, 0, 0, 2}),
              "option 121 (classless-static-routes): route 1: 192.168.193.0/18 has host bits set");
    EXPECT_FALSE(decode_classless_routes(Bytes{8, 10, 0, 0, 1, 7, 11, 10, 0, 0, 1}));  // 11/7: 11 is odd, bit 8 set
    EXPECT_EQ(decode_error(121, {33, 1, 2, 3, 4, 5, 10, 0, 0, 1}),
              "option 121 (classless-static-routes): route 1: prefix length 33 > 32");
    EXPECT_FALSE(decode_classless_routes(Bytes{24, 192, 168}));            // destination cut
    EXPECT_FALSE(decode_classless_routes(Bytes{24, 192, 168, 1, 10, 0}));  // router cut
    EXPECT_FALSE(decode_classless_routes(Bytes{}));
}

TEST(OptionText, OneLinePerValueType) {
    EXPECT_EQ(option_value_to_text(ip("10.0.0.1")), "10.0.0.1");
    EXPECT_EQ(option_value_to_text(std::vector{ip("10.0.0.1"), ip("10.0.0.2")}), "10.0.0.1 10.0.0.2");
    EXPECT_EQ(option_value_to_text(std::uint32_t{3600}), "3600");
    EXPECT_EQ(option_value_to_text(std::string("/srv/root")), "/srv/root");
    EXPECT_EQ(option_value_to_text(std::vector<std::string>{"a.com", "b.org"}), "a.com b.org");
    EXPECT_EQ(option_value_to_text(std::vector<ClasslessRoute>{{ip("10.0.0.0"), 8, ip("10.77.0.1")},
                                                               {ip("0.0.0.0"), 0, ip("10.77.0.1")}}),
              "10.0.0.0/8 10.77.0.1 0.0.0.0/0 10.77.0.1");
    EXPECT_EQ(option_value_to_text(Bytes{0x01, 0xab, 0x00}), "01:ab:00");
    EXPECT_EQ(option_value_to_text(Bytes{}), "");
}
