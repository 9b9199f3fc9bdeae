// daemon/lease_record.h for DHCPv6: what the state keeps of a lease and
// what `run --import` makes of it, with the time passed in.
#include "device/lease_record.h"

#include <gtest/gtest.h>

namespace earlynet::device {
namespace {

using namespace std::chrono_literals;

dhcp::Dhcp6Lease granted() {
    dhcp::Dhcp6Lease l;
    l.server_duid = {0, 3, 0, 1, 0x52, 0x54, 0x00, 0x11, 0x22, 0x33};
    l.ia.iaid = 0xabcdef01;
    l.ia.t1_s = 900;
    l.ia.t2_s = 1440;
    l.ia.addresses = {{*Ipv6Address::parse("2001:db8::23"), 1800, 3600, {}},
                      {*Ipv6Address::parse("2001:db8::24"), 100, 200, {}}};
    l.options = {{23, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53}}};
    l.acquired_at = BootTime{1000s};
    l.t1 = 900s;
    l.t2 = 1440s;
    return l;
}

const std::vector<std::uint8_t> kDuid{0, 3, 0, 1, 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef};

TEST(Lease6RecordTest, WhatIsSavedComesBackWithItsDuidAndIaid) {
    state::Lease6Record r = to_lease6_record(granted(), kDuid, 0xabcdef01);
    EXPECT_EQ(r.client_duid, kDuid);
    EXPECT_EQ(r.iaid, 0xabcdef01u);
    EXPECT_EQ(r.server_duid, granted().server_duid);
    ASSERT_EQ(r.addresses.size(), 2u);
    EXPECT_EQ(r.addresses[0].valid_s, 3600u);
    EXPECT_EQ(r.t1_s, 900u);
    EXPECT_EQ(r.acquired_boottime, 1000s);
    auto back = from_lease6_record(r, BootTime{1100s});
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->ia.addresses, granted().ia.addresses);
    EXPECT_EQ(back->options, granted().options);
    EXPECT_EQ(back->acquired_at, BootTime{1000s});  // its timers run from the REPLY, not from now
    EXPECT_EQ(back->t1, 900s);
    EXPECT_EQ(back->ia.iaid, 0xabcdef01u);
}

TEST(Lease6RecordTest, AnAddressWhoseLifetimeEndedIsGoneAndTheLeaseGoesOn) {
    state::Lease6Record r = to_lease6_record(granted(), kDuid, 1);
    auto back = from_lease6_record(r, BootTime{1000s + 201s});  // ::24's 200 s are over
    ASSERT_TRUE(back) << back.error().message;
    ASSERT_EQ(back->ia.addresses.size(), 1u);
    EXPECT_EQ(back->ia.addresses[0].address, *Ipv6Address::parse("2001:db8::23"));
}

TEST(Lease6RecordTest, ALeaseThatEndedOrBeganInAnotherBootIsRefused) {
    state::Lease6Record r = to_lease6_record(granted(), kDuid, 1);
    auto ended = from_lease6_record(r, BootTime{1000s + 3600s});
    ASSERT_FALSE(ended);
    EXPECT_EQ(ended.error().code, ErrorCode::Invalid);
    EXPECT_NE(ended.error().message.find("every address's valid lifetime has ended"), std::string::npos)
        << ended.error().message;
    auto later = from_lease6_record(r, BootTime{999s});
    ASSERT_FALSE(later);
    EXPECT_NE(later.error().message.find("another boot"), std::string::npos) << later.error().message;
    r.addresses[0].valid_s = r.addresses[0].preferred_s = 0xffffffff;  // infinite: never ends
    EXPECT_TRUE(from_lease6_record(r, BootTime{1000s + 1000000s}));
}

TEST(Lease6RecordTest, ALeaseWithoutAddressOrServerIsMalformed) {
    state::Lease6Record r = to_lease6_record(granted(), kDuid, 1);
    r.server_duid.clear();
    auto no_server = from_lease6_record(r, BootTime{1100s});
    ASSERT_FALSE(no_server);
    EXPECT_EQ(no_server.error().code, ErrorCode::Malformed);
    r = to_lease6_record(granted(), kDuid, 1);
    r.addresses.clear();
    EXPECT_FALSE(from_lease6_record(r, BootTime{1100s}));
}

// What the kernel gets when the import puts an address back: what is left.
TEST(Lease6RecordTest, RemainingLifetimesAreCountedFromTheReplyAndRoundedDown) {
    dhcp::Dhcp6IaAddress a{*Ipv6Address::parse("2001:db8::23"), 1800, 3600, {}};
    auto left = dhcp::dhcp6_remaining(a, BootTime{1000s}, BootTime{1000s + 3000s + 500ms});
    ASSERT_TRUE(left);
    EXPECT_EQ(left->valid_s, 599u);    // 3001 s counted: never stretched
    EXPECT_EQ(left->preferred_s, 0u);  // deprecated
    EXPECT_FALSE(dhcp::dhcp6_remaining(a, BootTime{1000s}, BootTime{4600s}));
}

}  // namespace
}  // namespace earlynet::device
