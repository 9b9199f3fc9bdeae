// dhcp/message: the BOOTP header, the magic cookie, option fields with
// overload (RFC 2131 4.1) and concatenation (RFC 3396), and serialization.
#include <gtest/gtest.h>

#include "dhcp/message.h"

using namespace earlynet;
using namespace earlynet::dhcp;

namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr std::size_t kSnameOffset = 44, kFileOffset = 108, kCookieOffset = 236, kOptionsOffset = 240;

Ipv4Address ip(const char* text) {
    return *Ipv4Address::parse(text);
}

// A BOOTREPLY header and cookie followed by the given options bytes, as written.
Bytes raw(const Bytes& options) {
    Bytes b(kOptionsOffset + options.size(), 0);
    b[0] = 2;                                            // op: reply
    b[1] = 1;                                            // htype: Ethernet
    b[2] = 6;                                            // hlen
    b[4] = 0xde, b[5] = 0xad, b[6] = 0xbe, b[7] = 0xef;  // xid
    b[16] = 10, b[17] = 0, b[18] = 0, b[19] = 5;         // yiaddr
    b[kCookieOffset] = 0x63, b[kCookieOffset + 1] = 0x82, b[kCookieOffset + 2] = 0x53, b[kCookieOffset + 3] = 0x63;
    std::copy(options.begin(), options.end(), b.begin() + kOptionsOffset);
    return b;
}

void put(Bytes& b, std::size_t offset, const Bytes& what) {
    std::copy(what.begin(), what.end(), b.begin() + static_cast<std::ptrdiff_t>(offset));
}

std::string parse_error(const Bytes& b) {
    auto r = parse_message(b);
    if (r) return "(parsed)";
    EXPECT_EQ(r.error().code, ErrorCode::Malformed);
    return r.error().message;
}

Message offer() {
    Message m;
    m.op = BootpOp::Reply;
    m.hops = 1;
    m.xid = Xid{0x12345678};
    m.secs = 3;
    m.flags = Message::kBroadcastFlag;
    m.ciaddr = ip("0.0.0.0");
    m.yiaddr = ip("10.77.0.23");
    m.siaddr = ip("10.77.0.1");
    m.giaddr = ip("10.77.0.254");
    m.chaddr = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    m.sname = "boot.example.com";
    m.file = "/pxelinux.0";
    m.options[53] = {2};
    m.options[54] = {10, 77, 0, 1};
    m.options[51] = {0, 0, 0x0e, 0x10};
    m.options[1] = {255, 255, 255, 0};
    m.options[3] = {10, 77, 0, 1};
    m.options[200] = {};  // unknown, empty: still an option
    return m;
}

}  // namespace

TEST(MessageSerialize, WritesHeaderCookieSortedOptionsEndAndPadding) {
    Bytes b = serialize_message(offer());
    ASSERT_EQ(b.size(), Message::kMinimumSize);
    EXPECT_EQ(b[0], 2);
    EXPECT_EQ(b[3], 1);
    EXPECT_EQ((Bytes{b.begin() + 4, b.begin() + 8}), (Bytes{0x12, 0x34, 0x56, 0x78}));
    EXPECT_EQ((Bytes{b.begin() + 10, b.begin() + 12}), (Bytes{0x80, 0x00}));
    EXPECT_EQ((Bytes{b.begin() + 16, b.begin() + 20}), (Bytes{10, 77, 0, 23}));
    EXPECT_EQ(b[kSnameOffset], 'b');
    EXPECT_EQ(b[kFileOffset], '/');
    EXPECT_EQ((Bytes{b.begin() + kCookieOffset, b.begin() + kOptionsOffset}), (Bytes{0x63, 0x82, 0x53, 0x63}));
    Bytes options(b.begin() + kOptionsOffset, b.begin() + kOptionsOffset + 34);
    EXPECT_EQ(options, (Bytes{1,    4,  255, 255, 255, 0, 3,  4,  10, 77, 0,   1, 51,  4, 0, 0, 0x0e,
                              0x10, 53, 1,   2,   54,  4, 10, 77, 0,  1,  200, 0, 255, 0, 0, 0, 0}));
}

TEST(MessageSerialize, LeavesOutFramingCodes) {
    Message m = offer();
    m.options[0] = {1};
    m.options[52] = {3};
    m.options[255] = {1};
    Bytes b = serialize_message(m);
    Bytes expected = serialize_message(offer());
    EXPECT_EQ(b, expected);
}

TEST(MessageParse, RoundTripsEveryField) {
    Message m = offer();
    auto parsed = parse_message(serialize_message(m));
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(*parsed, m);
    EXPECT_EQ(parsed->type(), MessageType::Offer);
    EXPECT_EQ(parsed->ipv4_option(54), ip("10.77.0.1"));
    EXPECT_EQ(parsed->u32_option(51), 3600u);
    EXPECT_EQ(parsed->ipv4_option(3), std::nullopt);  // a list, not one address
    EXPECT_EQ(parsed->u32_option(58), std::nullopt);
}

TEST(MessageParse, RejectsTruncatedHeader) {
    Bytes b = serialize_message(offer());
    b.resize(Message::kFixedHeaderSize - 1);
    EXPECT_EQ(parse_error(b), "message of 235 bytes is shorter than the 236-byte BOOTP header");
    EXPECT_EQ(parse_error({}), "message of 0 bytes is shorter than the 236-byte BOOTP header");
}

TEST(MessageParse, RejectsMissingOrWrongCookie) {
    Bytes b = raw({53, 1, 5, 255});
    Bytes header_only(b.begin(), b.begin() + kCookieOffset + 2);
    EXPECT_EQ(parse_error(header_only), "message ends after the BOOTP header, without the DHCP magic cookie");
    b[kCookieOffset + 3] = 0x64;
    EXPECT_EQ(parse_error(b), "magic cookie 0x63825364 is not 0x63825363");
}

TEST(MessageParse, RejectsBadOpAndHlenOver16) {
    Bytes b = raw({53, 1, 5, 255});
    ASSERT_TRUE(parse_message(b));
    b[2] = 16;
    EXPECT_TRUE(parse_message(b));
    b[2] = 17;
    EXPECT_EQ(parse_error(b), "hlen 17 is longer than chaddr (16)");
    b[2] = 6;
    b[0] = 3;
    EXPECT_EQ(parse_error(b), "op 3 is neither request (1) nor reply (2)");
}

TEST(MessageParse, RejectsOptionRunningPastItsField) {
    EXPECT_EQ(parse_error(raw({53, 1, 5, 3, 8, 10, 0, 0, 1})),
              "option 3 (routers): length 8 runs past the end of the options field");
    EXPECT_EQ(parse_error(raw({53, 1, 5, 3})), "option 3 (routers): no length byte at the end of the options field");
}

TEST(MessageParse, AcceptsFieldEndingExactlyAfterAnOptionWithoutEnd) {
    auto m = parse_message(raw({0, 53, 1, 5, 0, 0, 3, 4, 10, 0, 0, 1}));
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_EQ(m->options, (OptionMap{{3, {10, 0, 0, 1}}, {53, {5}}}));
}

TEST(MessageParse, IgnoresEverythingAfterEnd) {
    auto m = parse_message(raw({53, 1, 5, 255, 3, 200, 1}));
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_EQ(m->options, (OptionMap{{53, {5}}}));
}

TEST(MessageParse, RequiresAKnownMessageType) {
    EXPECT_EQ(parse_error(raw({54, 4, 10, 0, 0, 1, 255})), "no message type (option 53)");
    EXPECT_EQ(parse_error(raw({53, 1, 9, 255})), "message type 9 is unknown");
    EXPECT_EQ(parse_error(raw({53, 1, 0, 255})), "message type 0 is unknown");
    EXPECT_EQ(parse_error(raw({53, 2, 5, 5, 255})), "option 53 (message-type): length 2, expected 1");
    for (std::uint8_t t = 1; t <= 8; ++t) EXPECT_EQ(parse_message(raw({53, 1, t, 255}))->type(), MessageType{t});
}

// A malformed option is the lease's to judge (it may not need it), not a
// reason to lose the whole message: parse_message sets it aside, so every
// entry of options decodes, and keeps its bytes.
TEST(MessageParse, SetsAsideAMalformedKnownOptionAndKeepsTheMessage) {
    auto m = parse_message(raw({53, 1, 5, 3, 5, 10, 0, 0, 1, 10, 6, 4, 10, 0, 0, 53, 255}));
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_EQ(m->options, (OptionMap{{6, {10, 0, 0, 53}}, {53, {5}}}));
    EXPECT_EQ(m->malformed_options, (OptionMap{{3, {10, 0, 0, 1, 10}}}));
    EXPECT_EQ(m->ipv4_option(3), std::nullopt);
    // An option we have no row for is kept as bytes, whatever they are.
    auto unknown = parse_message(raw({53, 1, 5, 224, 3, 1, 2, 3, 255}));
    ASSERT_TRUE(unknown);
    EXPECT_EQ(unknown->options.at(224), (Bytes{1, 2, 3}));
    EXPECT_TRUE(unknown->malformed_options.empty());
}

TEST(MessageParse, MalformedOptionsGoBackOnTheWireInCodeOrder) {
    auto m = parse_message(raw({53, 1, 5, 12, 0, 3, 5, 10, 0, 0, 1, 10, 6, 4, 10, 0, 0, 53, 255}));
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_EQ(m->malformed_options, (OptionMap{{3, {10, 0, 0, 1, 10}}, {12, {}}}));
    Bytes b = serialize_message(*m);
    EXPECT_EQ((Bytes{b.begin() + kOptionsOffset, b.begin() + kOptionsOffset + 19}),
              (Bytes{3, 5, 10, 0, 0, 1, 10, 6, 4, 10, 0, 0, 53, 12, 0, 53, 1, 5, 255}));
    EXPECT_EQ(*parse_message(b), *m);
}

TEST(MessageParse, AMalformedMessageTypeStillRejectsTheMessage) {
    EXPECT_EQ(parse_error(raw({53, 0, 3, 4, 10, 0, 0, 1, 255})), "option 53 (message-type): length 0, expected 1");
}

TEST(MessageParse, SnameAndFileStopAtTheFirstNul) {
    Bytes b = raw({53, 1, 5, 255});
    put(b, kSnameOffset, {'s', 'r', 'v', 0, 'x'});
    std::fill_n(b.begin() + kFileOffset, 128, 'f');  // no NUL at all
    auto m = parse_message(b);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->sname, "srv");
    EXPECT_EQ(m->file, std::string(128, 'f'));
    EXPECT_EQ(parse_message(serialize_message(*m))->file, m->file);
}

// RFC 3396: a value over 255 bytes leaves as consecutive options and comes back as one.
TEST(MessageConcatenation, SplitsLongValuesAndRejoinsThem) {
    Message m = offer();
    Bytes vendor(600);
    for (std::size_t i = 0; i < vendor.size(); ++i) vendor[i] = static_cast<std::uint8_t>(i * 7);
    m.options[43] = vendor;
    Bytes b = serialize_message(m);
    // 1, 3 come first (6 bytes each), then 43 in chunks of 255, 255, 90.
    std::size_t at = kOptionsOffset + 12;
    EXPECT_EQ(b[at], 43);
    EXPECT_EQ(b[at + 1], 255);
    EXPECT_EQ(b[at + 257], 43);
    EXPECT_EQ(b[at + 258], 255);
    EXPECT_EQ(b[at + 514], 43);
    EXPECT_EQ(b[at + 515], 90);
    EXPECT_EQ(b[at + 606], 51);
    auto parsed = parse_message(b);
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(parsed->options.at(43), vendor);
    EXPECT_EQ(*parsed, m);
}

TEST(MessageConcatenation, ClasslessRoutesAcrossManyOptionsDecode) {
    std::vector<ClasslessRoute> routes;
    for (int i = 0; i < 60; ++i)
        routes.push_back({Ipv4Address::from_host(0x0a000000u | std::uint32_t(i) << 8), 24, ip("10.77.0.1")});
    Message m = offer();
    m.options[121] = encode_option(*find_option(121), routes);
    ASSERT_EQ(m.options[121].size(), 60u * 8);  // 480 bytes: two options, split mid-route
    auto parsed = parse_message(serialize_message(m));
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(std::get<std::vector<ClasslessRoute>>(*decode_option(*find_option(121), parsed->options.at(121))),
              routes);
}

TEST(MessageConcatenation, DomainSearchSplitMidNameWithAPointerIntoTheFirstPart) {
    // "example.com" cut after "exa"; the second name points back into the first option.
    auto m = parse_message(raw({53, 1,   5,   119, 4, 7, 'e', 'x', 'a', 119, 13, 'm',  'p', 'l', 'e',
                                3,  'c', 'o', 'm', 0, 3, 'w', 'w', 'w', 119, 2,  0xc0, 0,   255}));
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_EQ(std::get<std::vector<std::string>>(*decode_option(*find_option(119), m->options.at(119))),
              (std::vector<std::string>{"example.com", "www.example.com"}));
}

TEST(MessageParse, SetsAsideDomainSearchWithAForwardPointer) {
    auto m = parse_message(raw({53, 1, 5, 119, 7, 0xc0, 2, 1, 'a', 1, 'b', 0, 255}));
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_FALSE(m->options.contains(119));
    auto decoded = decode_option(*find_option(119), m->malformed_options.at(119));
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.error().message,
              "option 119 (domain-search): pointer at offset 0 to offset 2 does not point backwards");
}

TEST(MessageOverload, OptionsInFile) {
    Bytes b = raw({53, 1, 5, 52, 1, 1, 3, 4, 10, 0, 0, 1, 255});
    put(b, kSnameOffset, {'s', 'r', 'v', 0});
    put(b, kFileOffset, {0, 3, 4, 10, 0, 0, 2, 6, 4, 9, 9, 9, 9, 255, 'x'});
    auto m = parse_message(b);
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_EQ(m->options, (OptionMap{{3, {10, 0, 0, 1, 10, 0, 0, 2}}, {6, {9, 9, 9, 9}}, {53, {5}}}));
    EXPECT_EQ(m->file, "");
    EXPECT_EQ(m->sname, "srv");
    EXPECT_EQ(*parse_message(serialize_message(*m)), *m);
}

TEST(MessageOverload, OptionsInSname) {
    Bytes b = raw({52, 1, 2, 255});
    put(b, kSnameOffset, {53, 1, 5, 12, 4, 'h', 'o', 's', 't'});  // fills no End: ends in zeros (Pad)
    put(b, kFileOffset, {'b', 'o', 'o', 't', 0});
    auto m = parse_message(b);
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_EQ(m->options, (OptionMap{{12, {'h', 'o', 's', 't'}}, {53, {5}}}));
    EXPECT_EQ(m->sname, "");
    EXPECT_EQ(m->file, "boot");
}

// RFC 2131 4.1: options field first, then file, then sname; one code across all three is one value.
TEST(MessageOverload, BothFieldsConcatenateInOrderOptionsFileSname) {
    Bytes b = raw({53, 1, 5, 52, 1, 3, 43, 2, 'a', 'b', 255});
    put(b, kSnameOffset, {43, 2, 'e', 'f', 255});
    put(b, kFileOffset, {43, 2, 'c', 'd', 255});
    auto m = parse_message(b);
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_EQ(m->options.at(43), (Bytes{'a', 'b', 'c', 'd', 'e', 'f'}));
    EXPECT_FALSE(m->options.contains(52));
    EXPECT_EQ(m->file, "");
    EXPECT_EQ(m->sname, "");
}

TEST(MessageOverload, RejectsBadValuesAndOptionsRunningPastTheFileField) {
    EXPECT_EQ(parse_error(raw({53, 1, 5, 52, 1, 4, 255})), "option 52 (overload): value must be one byte 1, 2 or 3");
    EXPECT_EQ(parse_error(raw({53, 1, 5, 52, 0, 255})), "option 52 (overload): value must be one byte 1, 2 or 3");
    Bytes b = raw({53, 1, 5, 52, 1, 1, 255});
    b[kFileOffset + 126] = 43;
    b[kFileOffset + 127] = 4;
    EXPECT_EQ(parse_error(b), "option 43 (vendor-encapsulated-options): length 4 runs past the end of the file field");
    Bytes nested = raw({53, 1, 5, 52, 1, 1, 255});
    put(nested, kFileOffset, {52, 1, 2, 255});
    EXPECT_EQ(parse_error(nested), "option 52 (overload) inside the file field");
}

TEST(MessageTypeName, NamesEveryType) {
    EXPECT_STREQ(to_string(MessageType::Discover), "DISCOVER");
    EXPECT_STREQ(to_string(MessageType::Offer), "OFFER");
    EXPECT_STREQ(to_string(MessageType::Request), "REQUEST");
    EXPECT_STREQ(to_string(MessageType::Decline), "DECLINE");
    EXPECT_STREQ(to_string(MessageType::Ack), "ACK");
    EXPECT_STREQ(to_string(MessageType::Nak), "NAK");
    EXPECT_STREQ(to_string(MessageType::Release), "RELEASE");
    EXPECT_STREQ(to_string(MessageType::Inform), "INFORM");
}
