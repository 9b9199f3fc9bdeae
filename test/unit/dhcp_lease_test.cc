// dhcp/lease: which OFFER/ACK gives a lease, the typed fields, T1/T2
// defaulting and repair, and the lease -> message -> lease round trip.
#include <gtest/gtest.h>

#include "dhcp/lease.h"

using namespace earlynet;
using namespace earlynet::dhcp;
using namespace std::chrono_literals;

namespace {

using Bytes = std::vector<std::uint8_t>;

const BootTime kAcquired{Seconds{42}};

Ipv4Address ip(const char* text) {
    return *Ipv4Address::parse(text);
}

Bytes u32(std::uint32_t v) {
    return {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 8),
            static_cast<std::uint8_t>(v)};
}

Bytes text(const std::string& s) {
    return Bytes(s.begin(), s.end());
}

Message minimal_ack() {
    Message m;
    m.op = BootpOp::Reply;
    m.yiaddr = ip("10.77.0.23");
    m.options[option::kMessageType] = {static_cast<std::uint8_t>(MessageType::Ack)};
    m.options[option::kServerIdentifier] = {10, 77, 0, 1};
    m.options[option::kLeaseTime] = u32(3600);
    return m;
}

Message full_ack() {
    Message m = minimal_ack();
    m.siaddr = ip("10.77.0.2");
    m.sname = "tftp.example.com";
    m.file = "pxelinux.0";
    auto& o = m.options;
    o[option::kSubnetMask] = {255, 255, 255, 0};
    o[option::kRouter] = {10, 77, 0, 1, 10, 77, 0, 254};
    o[option::kDomainNameServer] = {10, 77, 0, 53};
    o[option::kHostName] = text("node1");
    o[option::kDomainName] = text("example.com");
    o[option::kRootPath] = text(std::string("10.77.0.2:/srv/root\0", 20));
    o[option::kInterfaceMtu] = {0x05, 0xdc};
    o[option::kBroadcastAddress] = {10, 77, 0, 255};
    o[option::kNtpServers] = {10, 77, 0, 123};
    o[option::kTftpServerName] = text("10.77.0.2");
    o[option::kBootfileName] = text("grubx64.efi");
    o[option::kDomainSearch] = {7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 3, 'l', 'a', 'b', 0xc0, 0};
    o[option::kClasslessStaticRoute] = {0, 10, 77, 0, 1, 16, 172, 16, 10, 77, 0, 9};
    o[224] = {1, 2, 3};  // private-use, no row: kept
    return m;
}

Result<Lease> lease_with(std::uint8_t code, Bytes value) {
    Message m = minimal_ack();
    m.options[code] = std::move(value);
    return lease_from_message(m, kAcquired);
}

Lease times(std::optional<std::uint32_t> lease, std::optional<std::uint32_t> t1, std::optional<std::uint32_t> t2) {
    Message m = minimal_ack();
    if (lease) m.options[option::kLeaseTime] = u32(*lease);
    if (t1) m.options[option::kRenewalTime] = u32(*t1);
    if (t2) m.options[option::kRebindingTime] = u32(*t2);
    auto l = lease_from_message(m, kAcquired);
    EXPECT_TRUE(l) << l.error().message;
    return l ? *l : Lease{};
}

void expect_invalid(const Result<Lease>& r, const std::string& message) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::Invalid);
    EXPECT_EQ(r.error().message, message);
}

}  // namespace

TEST(LeaseFromMessage, DecodesEveryTypedField) {
    auto l = lease_from_message(full_ack(), kAcquired);
    ASSERT_TRUE(l) << l.error().message;
    EXPECT_EQ(l->address, ip("10.77.0.23"));
    EXPECT_EQ(l->prefix_length, 24);
    EXPECT_EQ(l->server_id, ip("10.77.0.1"));
    EXPECT_EQ(l->lease_time, 3600s);
    EXPECT_EQ(l->broadcast, ip("10.77.0.255"));
    EXPECT_EQ(l->routers, (std::vector{ip("10.77.0.1"), ip("10.77.0.254")}));
    EXPECT_EQ(l->dns_servers, (std::vector{ip("10.77.0.53")}));
    EXPECT_EQ(l->ntp_servers, (std::vector{ip("10.77.0.123")}));
    EXPECT_EQ(l->hostname, "node1");
    EXPECT_EQ(l->domain_name, "example.com");
    EXPECT_EQ(l->root_path, "10.77.0.2:/srv/root");
    EXPECT_EQ(l->mtu, 1500);
    EXPECT_EQ(l->tftp_server_name, "10.77.0.2");
    EXPECT_EQ(l->bootfile_name, "grubx64.efi");
    EXPECT_EQ(l->domain_search, (std::vector<std::string>{"example.com", "lab.example.com"}));
    EXPECT_EQ(l->classless_routes, (std::vector<ClasslessRoute>{{ip("0.0.0.0"), 0, ip("10.77.0.1")},
                                                                {ip("172.16.0.0"), 16, ip("10.77.0.9")}}));
    EXPECT_EQ(l->next_server, ip("10.77.0.2"));
    EXPECT_EQ(l->server_host_name, "tftp.example.com");
    EXPECT_EQ(l->boot_file, "pxelinux.0");
    EXPECT_EQ(l->options, full_ack().options);
    EXPECT_EQ(l->acquired_at, kAcquired);
}

TEST(LeaseFromMessage, RejectsUnusableYiaddr) {
    const std::pair<const char*, const char*> cases[] = {
        {"0.0.0.0", "yiaddr 0.0.0.0 is in 0.0.0.0/8 (this network)"},
        {"0.1.2.3", "yiaddr 0.1.2.3 is in 0.0.0.0/8 (this network)"},
        {"127.0.0.1", "yiaddr 127.0.0.1 is a loopback address"},
        {"224.0.0.1", "yiaddr 224.0.0.1 is a multicast address"},
        {"239.255.255.255", "yiaddr 239.255.255.255 is a multicast address"},
        {"240.0.0.1", "yiaddr 240.0.0.1 is a reserved or broadcast address"},
        {"255.255.255.255", "yiaddr 255.255.255.255 is a reserved or broadcast address"},
    };
    for (auto [address, message] : cases) {
        Message m = minimal_ack();
        m.yiaddr = ip(address);
        expect_invalid(lease_from_message(m, kAcquired), message);
    }
    Message edge = minimal_ack();
    edge.yiaddr = ip("223.255.255.254");
    EXPECT_TRUE(lease_from_message(edge, kAcquired));
}

TEST(LeaseFromMessage, RequiresServerIdentifierAndLeaseTime) {
    Message m = minimal_ack();
    m.options.erase(option::kServerIdentifier);
    expect_invalid(lease_from_message(m, kAcquired), "no server identifier (option 54)");
    m = minimal_ack();
    m.options.erase(option::kLeaseTime);
    expect_invalid(lease_from_message(m, kAcquired), "no lease time (option 51)");
    expect_invalid(lease_with(option::kLeaseTime, u32(0)), "option 51 (lease-time): lease time 0");
}

TEST(LeaseFromMessage, OnlyOfferAndAckCarryALease) {
    EXPECT_TRUE(lease_with(option::kMessageType, {2}));
    expect_invalid(lease_with(option::kMessageType, {6}), "message type NAK does not carry a lease");
    Message m = minimal_ack();
    m.options.erase(option::kMessageType);
    expect_invalid(lease_from_message(m, kAcquired), "message type (none) does not carry a lease");
}

TEST(LeaseFromMessage, RejectsMalformedOptionsOfAHandBuiltMessage) {
    auto r = lease_with(option::kRouter, {10, 0, 0});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::Malformed);
    EXPECT_EQ(r.error().message, "option 3 (routers): length 3 is not a multiple of 4");
}

TEST(LeaseFromMessage, PrefixFromContiguousSubnetMaskElseClassful) {
    EXPECT_EQ(lease_with(option::kSubnetMask, {255, 255, 240, 0})->prefix_length, 20);
    expect_invalid(lease_with(option::kSubnetMask, {255, 0, 255, 0}),
                   "option 1 (subnet-mask): 255.0.255.0 is not a contiguous mask");
    for (auto [address, prefix] : {std::pair{"10.1.2.3", 8}, std::pair{"172.16.0.9", 16}, std::pair{"192.168.1.9", 24}}) {
        Message m = minimal_ack();
        m.yiaddr = ip(address);
        EXPECT_EQ(lease_from_message(m, kAcquired)->prefix_length, prefix) << address;
    }
}

TEST(LeaseFromMessage, RejectsMtuBelow68) {
    expect_invalid(lease_with(option::kInterfaceMtu, {0, 67}), "option 26 (interface-mtu): 67 is below the IPv4 minimum of 68");
    EXPECT_EQ(lease_with(option::kInterfaceMtu, {0, 68})->mtu, 68);
    EXPECT_EQ(lease_with(option::kRouter, {10, 0, 0, 1})->mtu, std::nullopt);
}

TEST(LeaseTimes, DefaultToHalfAndSevenEighthsOfTheLease) {
    Lease l = times(3600, {}, {});
    EXPECT_EQ(l.t1, 1800s);
    EXPECT_EQ(l.t2, 3150s);
}

TEST(LeaseTimes, KeepValidServerTimers) {
    Lease l = times(3600, 1000, 2000);
    EXPECT_EQ(l.t1, 1000s);
    EXPECT_EQ(l.t2, 2000s);
    Lease only_t1 = times(3600, 600, {});
    EXPECT_EQ(only_t1.t1, 600s);
    EXPECT_EQ(only_t1.t2, 3150s);
    Lease only_t2 = times(3600, {}, 3000);
    EXPECT_EQ(only_t2.t1, 1800s);
    EXPECT_EQ(only_t2.t2, 3000s);
}

TEST(LeaseTimes, RepairToDefaultsWhenNotZeroBelowT1BelowT2BelowLease) {
    struct Timers {
        std::optional<std::uint32_t> t1, t2;
    };
    const Timers bad[] = {
        {3000, 2000},  // T1 after T2
        {2000, 2000},  // T1 = T2
        {1000, 3600},  // T2 = lease
        {1000, 7200},  // T2 after the lease
        {0, 2000},     // T1 = 0 would renew in a loop
        {3200, {}},    // T1 after the default T2
        {{}, 1000},    // T2 before the default T1
    };
    for (auto [t1, t2] : bad) {
        Lease l = times(3600, t1, t2);
        EXPECT_EQ(l.t1, 1800s) << t1.value_or(0) << " " << t2.value_or(0);
        EXPECT_EQ(l.t2, 3150s) << t1.value_or(0) << " " << t2.value_or(0);
    }
}

TEST(LeaseTimes, InfiniteLeaseKeepsInfiniteTimersUnlessGiven) {
    Lease l = times(0xffffffff, {}, {});
    EXPECT_TRUE(l.is_infinite());
    EXPECT_EQ(l.t1, Lease::kInfinite);
    EXPECT_EQ(l.t2, Lease::kInfinite);
    Lease given = times(0xffffffff, 100, 200);
    EXPECT_EQ(given.t1, 100s);
    EXPECT_EQ(given.t2, 200s);
    Lease bad = times(0xffffffff, 300, 200);
    EXPECT_EQ(bad.t1, Lease::kInfinite);
    EXPECT_EQ(bad.t2, Lease::kInfinite);
}

TEST(LeaseToMessage, RoundTripsALeaseFromAnAck) {
    for (Message m : {minimal_ack(), full_ack()}) {
        m.options[option::kRenewalTime] = u32(3200);  // invalid with the default T2: repaired, yet kept verbatim
        auto l = lease_from_message(m, kAcquired);
        ASSERT_TRUE(l) << l.error().message;
        Message back = lease_to_message(*l);
        EXPECT_EQ(back.op, BootpOp::Reply);
        EXPECT_EQ(back.options, m.options);
        EXPECT_EQ(lease_from_message(back, kAcquired).value_or(Lease{}), *l);
        // And through the wire.
        auto parsed = parse_message(serialize_message(back));
        ASSERT_TRUE(parsed) << parsed.error().message;
        EXPECT_EQ(lease_from_message(*parsed, kAcquired).value_or(Lease{}), *l);
    }
}

TEST(LeaseToMessage, EncodesTheTypedFieldsOfAHandBuiltLease) {
    Lease l;
    l.address = ip("192.168.5.20");
    l.prefix_length = 22;
    l.server_id = ip("192.168.4.1");
    l.lease_time = 600s;
    l.t1 = 200s;
    l.t2 = 500s;
    l.routers = {ip("192.168.4.1")};
    l.dns_servers = {ip("192.168.4.53")};
    l.hostname = "node7";
    l.root_path = "/srv/nfs";
    l.mtu = 9000;
    l.domain_search = {"lab.example"};
    l.classless_routes = {{ip("10.0.0.0"), 8, ip("192.168.4.2")}};
    l.next_server = ip("192.168.4.3");
    l.boot_file = "boot.efi";
    l.acquired_at = kAcquired;
    Message m = lease_to_message(l);
    EXPECT_EQ(m.type(), MessageType::Ack);
    auto back = lease_from_message(m, kAcquired);
    ASSERT_TRUE(back) << back.error().message;
    Lease expected = l;
    expected.options = m.options;  // the only field the hand-built lease left empty
    EXPECT_EQ(*back, expected);
    EXPECT_EQ(m.options.at(option::kSubnetMask), (Bytes{255, 255, 252, 0}));
    EXPECT_EQ(m.options.at(option::kRenewalTime), u32(200));
}
