// The DHCPv6 codec on messages laid out byte by byte from RFC 8415 section 8
// and 21 (and RFC 3646, 5970 for the options a network boot reads).
#include "dhcp/dhcp6_message.h"

#include <gtest/gtest.h>

#include <set>

namespace earlynet::dhcp {
namespace {

using Bytes = std::vector<std::uint8_t>;

Ipv6Address v6(const char* s) {
    return *Ipv6Address::parse(s);
}

void append(Bytes& out, const Bytes& more) {
    out.insert(out.end(), more.begin(), more.end());
}
Bytes option(std::uint16_t code, const Bytes& data) {
    Bytes out{static_cast<std::uint8_t>(code >> 8), static_cast<std::uint8_t>(code),
              static_cast<std::uint8_t>(data.size() >> 8), static_cast<std::uint8_t>(data.size())};
    append(out, data);
    return out;
}
Bytes address_bytes(const char* s) {
    auto b = v6(s).bytes();
    return {b.begin(), b.end()};
}
Bytes u32(std::uint32_t v) {
    return {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 8),
            static_cast<std::uint8_t>(v)};
}

const Bytes kClientDuid{0, 3, 0, 1, 0x52, 0x54, 0x00, 0xe2, 0xe0, 0x01};                          // DUID-LL, Ethernet
const Bytes kServerDuid{0, 1, 0, 1, 0x2c, 0x4b, 0x1a, 0x00, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};  // DUID-LLT

// A REPLY as a server answers a REQUEST: an address on 2001:db8:77::/64,
// T1 1800, T2 2880, lifetimes 3000/3600, DNS, a search list, a boot file URL.
Bytes reply_bytes() {
    Bytes m{7, 0x12, 0x34, 0x56};
    append(m, option(1, kClientDuid));
    append(m, option(2, kServerDuid));
    Bytes iaaddr = address_bytes("2001:db8:77::42");
    append(iaaddr, u32(3000));
    append(iaaddr, u32(3600));
    Bytes ia = u32(0x0a0b0c0d);
    append(ia, u32(1800));
    append(ia, u32(2880));
    append(ia, option(5, iaaddr));
    append(ia, option(13, {0, 0, 'o', 'k'}));
    append(m, option(3, ia));
    Bytes dns = address_bytes("2001:db8:77::1");
    append(dns, address_bytes("2001:db8::53"));
    append(m, option(23, dns));
    append(m, option(24, {3,   'l', 'a', 'b', 7,   'e', 'x', 'a', 'm', 'p', 'l',
                          'e', 0,   7,   'e', 'x', 'a', 'm', 'p', 'l', 'e', 0}));
    const std::string url = "http://[2001:db8:77::1]/boot.ipxe";
    append(m, option(59, Bytes(url.begin(), url.end())));
    return m;
}

TEST(Dhcp6MessageTest, AReplyParsesIntoItsOptionsAndBackToTheSameBytes) {
    Bytes wire = reply_bytes();
    auto m = parse_dhcp6_message(wire);
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_EQ(m->type, Dhcp6MessageType::Reply);
    EXPECT_EQ(m->transaction_id, 0x123456u);
    ASSERT_EQ(m->options.size(), 6u);
    ASSERT_NE(m->find(dhcp6_option::kClientId), nullptr);
    EXPECT_EQ(m->find(dhcp6_option::kClientId)->data, kClientDuid);
    EXPECT_EQ(m->find(dhcp6_option::kServerId)->data, kServerDuid);
    EXPECT_EQ(m->find(dhcp6_option::kRapidCommit), nullptr);
    EXPECT_EQ(serialize_dhcp6_message(*m), wire);

    auto ia = decode_dhcp6_ia_na(m->find(dhcp6_option::kIaNa)->data);
    ASSERT_TRUE(ia) << ia.error().message;
    EXPECT_EQ(ia->iaid, 0x0a0b0c0du);
    EXPECT_EQ(ia->t1_s, 1800u);
    EXPECT_EQ(ia->t2_s, 2880u);
    ASSERT_EQ(ia->addresses.size(), 1u);
    EXPECT_EQ(ia->addresses[0].address, v6("2001:db8:77::42"));
    EXPECT_EQ(ia->addresses[0].preferred_s, 3000u);
    EXPECT_EQ(ia->addresses[0].valid_s, 3600u);
    ASSERT_TRUE(ia->status);
    EXPECT_EQ(ia->status->code, 0);
    EXPECT_EQ(ia->status->message, "ok");
    EXPECT_EQ(encode_dhcp6_ia_na(*ia), m->find(dhcp6_option::kIaNa)->data) << "sub-options in the order read";

    auto dns = decode_dhcp6_option(*find_dhcp6_option(23), m->find(23)->data);
    ASSERT_TRUE(dns);
    EXPECT_EQ(dhcp6_option_value_to_text(*dns), "2001:db8:77::1 2001:db8::53");
    auto search = decode_dhcp6_option(*find_dhcp6_option(24), m->find(24)->data);
    ASSERT_TRUE(search) << search.error().message;
    EXPECT_EQ(dhcp6_option_value_to_text(*search), "lab.example example");
    auto url = decode_dhcp6_option(*find_dhcp6_option(59), m->find(59)->data);
    ASSERT_TRUE(url);
    EXPECT_EQ(dhcp6_option_value_to_text(*url), "http://[2001:db8:77::1]/boot.ipxe");
    auto duid = decode_dhcp6_option(*find_dhcp6_option(2), m->find(2)->data);
    ASSERT_TRUE(duid);
    EXPECT_EQ(dhcp6_option_value_to_text(*duid), "00:01:00:01:2c:4b:1a:00:0a:0b:0c:0d:0e:0f");
}

TEST(Dhcp6MessageTest, FramingErrorsRefuseTheMessageAndSayWhere) {
    auto error_of = [](const Bytes& b) {
        auto m = parse_dhcp6_message(b);
        return m ? std::string("accepted") : m.error().message;
    };
    EXPECT_EQ(error_of({7, 0, 0}), "DHCPv6 message of 3 bytes is shorter than its 4-byte header");
    EXPECT_EQ(error_of({12, 0, 0, 0}), "message type 12 is no client/server message") << "relay-forward";
    EXPECT_EQ(error_of({0, 0, 0, 0}), "message type 0 is no client/server message");
    EXPECT_EQ(error_of({7, 0, 0, 1, 0, 23, 0}), "option header at offset 4 is truncated");
    EXPECT_EQ(error_of({7, 0, 0, 1, 0, 23, 0, 16, 1, 2}), "option 23 at offset 4 says 16 bytes, 2 remain");
    Bytes long_reply = reply_bytes();
    long_reply.pop_back();  // the last option one byte short
    EXPECT_NE(error_of(long_reply).find("says 33 bytes, 32 remain"), std::string::npos) << error_of(long_reply);
    // A header alone is a message without options.
    auto bare = parse_dhcp6_message(Bytes{2, 0xff, 0xff, 0xff});
    ASSERT_TRUE(bare);
    EXPECT_EQ(bare->transaction_id, 0xffffffu);
    EXPECT_TRUE(bare->options.empty());
}

TEST(Dhcp6MessageTest, IaNaKeepsOnlyAddressesWhoseLifetimesMakeSense) {
    Bytes good = address_bytes("2001:db8::1");
    append(good, u32(100));
    append(good, u32(200));
    Bytes backwards = address_bytes("2001:db8::2");  // preferred 300 > valid 200: RFC 8415 21.6 discards it
    append(backwards, u32(300));
    append(backwards, u32(200));
    Bytes ia = u32(1);
    append(ia, u32(0));
    append(ia, u32(0));
    append(ia, option(5, good));
    append(ia, option(5, backwards));
    append(ia, option(99, {1, 2, 3}));  // unknown sub-option: skipped
    auto decoded = decode_dhcp6_ia_na(ia);
    ASSERT_TRUE(decoded) << decoded.error().message;
    ASSERT_EQ(decoded->addresses.size(), 1u);
    EXPECT_EQ(decoded->addresses[0].address, v6("2001:db8::1"));
    EXPECT_FALSE(decoded->status);
}

TEST(Dhcp6MessageTest, IaNaStatusSaysWhyThereIsNoAddress) {
    Bytes ia = u32(1);
    append(ia, u32(0));
    append(ia, u32(0));
    const std::string text = "no addresses available";
    Bytes status{0, 2};
    append(status, Bytes(text.begin(), text.end()));
    append(ia, option(13, status));
    auto decoded = decode_dhcp6_ia_na(ia);
    ASSERT_TRUE(decoded);
    EXPECT_TRUE(decoded->addresses.empty());
    ASSERT_TRUE(decoded->status);
    EXPECT_EQ(decoded->status->code, static_cast<std::uint16_t>(Dhcp6Status::NoAddrsAvail));
    EXPECT_EQ(decoded->status->message, text);
}

TEST(Dhcp6MessageTest, MalformedIaNaIsAnErrorNamingWhatIsShort) {
    auto error_of = [](const Bytes& b) {
        auto ia = decode_dhcp6_ia_na(b);
        return ia ? std::string("accepted") : ia.error().message;
    };
    EXPECT_EQ(error_of({0, 0, 0, 1, 0, 0}), "IA_NA of 6 bytes, not 12 or more");
    Bytes short_address = u32(1);
    append(short_address, u32(0));
    append(short_address, u32(0));
    append(short_address, option(5, Bytes(20, 0)));
    EXPECT_EQ(error_of(short_address), "IA_NA: IA Address of 20 bytes, not 24 or more");
    Bytes overrun = u32(1);
    append(overrun, u32(0));
    append(overrun, u32(0));
    append(overrun, {0, 5, 0, 30, 1});
    EXPECT_EQ(error_of(overrun), "IA_NA: option 5 at offset 12 says 30 bytes, 1 remain");
    Bytes bad_status = u32(1);
    append(bad_status, u32(0));
    append(bad_status, u32(0));
    append(bad_status, option(13, {0}));
    EXPECT_EQ(error_of(bad_status), "IA_NA: status code of 1 bytes, not 2 or more");
}

TEST(Dhcp6OptionTableTest, RowsAreSortedUniqueAndFoundByCode) {
    auto table = dhcp6_option_table();
    std::set<std::string_view> names, shell_names;
    for (std::size_t i = 0; i < table.size(); ++i) {
        if (i > 0) {
            EXPECT_LT(table[i - 1].code, table[i].code);
        }
        EXPECT_TRUE(names.insert(table[i].name).second) << table[i].name;
        if (!table[i].shell_name.empty()) {
            EXPECT_TRUE(shell_names.insert(table[i].shell_name).second) << table[i].shell_name;
        }
        EXPECT_EQ(find_dhcp6_option(table[i].code), &table[i]);
    }
    EXPECT_EQ(find_dhcp6_option(4), nullptr) << "IA_TA is not ours";
    // dhclient -6 and NetworkManager (nm-dhcp-options.c) names of what a boot reads.
    EXPECT_EQ(find_dhcp6_option(23)->shell_name, "dhcp6_name_servers");
    EXPECT_EQ(find_dhcp6_option(23)->nm_name, "dhcp6_name_servers");
    EXPECT_EQ(find_dhcp6_option(24)->shell_name, "dhcp6_domain_search");
    EXPECT_EQ(find_dhcp6_option(24)->nm_name, "dhcp6_domain_search");
    EXPECT_EQ(find_dhcp6_option(1)->nm_name, "dhcp6_client_id");
    EXPECT_EQ(find_dhcp6_option(2)->nm_name, "dhcp6_server_id");
    EXPECT_EQ(find_dhcp6_option(59)->shell_name, "dhcp6_bootfile_url");
}

TEST(Dhcp6OptionTableTest, ValuesThatDoNotFitTheirTypeAreErrorsNamingTheOption) {
    auto error_of = [](std::uint16_t code, const Bytes& b) {
        auto v = decode_dhcp6_option(*find_dhcp6_option(code), b);
        return v ? std::string("accepted") : v.error().message;
    };
    EXPECT_EQ(error_of(23, Bytes(15, 0)), "DHCPv6 option 23 (dns-servers): 15 bytes, not a non-empty multiple of 16");
    EXPECT_EQ(error_of(23, {}), "DHCPv6 option 23 (dns-servers): 0 bytes, not a non-empty multiple of 16");
    EXPECT_NE(error_of(24, {3, 'l', 'a', 'b', 0, 0xc0, 0}).find("compression pointer at offset 5"), std::string::npos)
        << "DHCPv6 names are uncompressed (RFC 8415 section 10)";
    EXPECT_NE(error_of(24, {3, 'a', '\n', 'b', 0}).find("control byte"), std::string::npos)
        << "a name cannot carry a line";
    EXPECT_EQ(error_of(59, {'h', 0, 'x'}), "DHCPv6 option 59 (bootfile-url): empty or holds a NUL byte");
    EXPECT_EQ(error_of(7, {1, 2}), "DHCPv6 option 7 (preference): 2 bytes, not 1");
    EXPECT_EQ(error_of(14, {0}), "DHCPv6 option 14 (rapid-commit): 1 bytes, not empty");
    EXPECT_EQ(error_of(1, {0}), "DHCPv6 option 1 (client-id): 1 bytes, not a DUID (2 to 130)");
    EXPECT_EQ(error_of(1, Bytes(131, 1)), "DHCPv6 option 1 (client-id): 131 bytes, not a DUID (2 to 130)");
    EXPECT_EQ(error_of(6, {0, 23, 0}), "DHCPv6 option 6 (oro): 3 bytes, not a multiple of 2");
    auto oro = decode_dhcp6_option(*find_dhcp6_option(6), Bytes{0, 23, 0, 24, 0, 59});
    ASSERT_TRUE(oro);
    EXPECT_EQ(dhcp6_option_value_to_text(*oro), "23 24 59");
    auto preference = decode_dhcp6_option(*find_dhcp6_option(7), Bytes{255});
    ASSERT_TRUE(preference);
    EXPECT_EQ(dhcp6_option_value_to_text(*preference), "255");
}

TEST(Dhcp6MessageTest, ASolicitSerializesHeaderAndOptionsInTheGivenOrder) {
    Dhcp6Message solicit;
    solicit.type = Dhcp6MessageType::Solicit;
    solicit.transaction_id = 0xabcdef;
    solicit.options = {{dhcp6_option::kClientId, kClientDuid},
                       {dhcp6_option::kElapsedTime, {0, 0}},
                       {dhcp6_option::kRapidCommit, {}},
                       {dhcp6_option::kOptionRequest, {0, 23, 0, 24}}};
    Bytes expected{1, 0xab, 0xcd, 0xef};
    append(expected, option(1, kClientDuid));
    append(expected, option(8, {0, 0}));
    append(expected, option(14, {}));
    append(expected, option(6, {0, 23, 0, 24}));
    EXPECT_EQ(serialize_dhcp6_message(solicit), expected);
    auto back = parse_dhcp6_message(expected);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, solicit);
    EXPECT_STREQ(to_string(back->type), "SOLICIT");
}

}  // namespace
}  // namespace earlynet::dhcp
