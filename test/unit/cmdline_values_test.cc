// Scalar values of kernel arguments and bonding options.
#include "profile/cmdline_values.h"

#include <gtest/gtest.h>

#include "cmdline/bond_options.h"

using namespace earlynet;
using namespace earlynet::profile;
using namespace earlynet::cmdline;

TEST(CmdlineValuesTest, BooleansAsNetworkManagerSpellsThem) {
    EXPECT_EQ(parse_bool("", true), true);
    EXPECT_EQ(parse_bool("0", true), false);
    EXPECT_EQ(parse_bool("YES", false), true);
    EXPECT_EQ(parse_bool("off", true), false);
    EXPECT_FALSE(parse_bool("bogus", true));
}

TEST(CmdlineValuesTest, IntegersInRangeWithNothingAround) {
    EXPECT_EQ(parse_int("42", 1, 100), 42);
    EXPECT_FALSE(parse_int("0", 1, 100));
    EXPECT_FALSE(parse_int("42x", 1, 100));
    EXPECT_FALSE(parse_int("", 0, 100));
    EXPECT_FALSE(parse_int("-1", 0, 100));
    EXPECT_EQ(parse_int("8004", 0, 0xFFFF, 16), 0x8004);
}

TEST(CmdlineValuesTest, HostNames) {
    EXPECT_TRUE(is_valid_hostname("node1"));
    EXPECT_TRUE(is_valid_hostname("a-b.example.com"));
    EXPECT_FALSE(is_valid_hostname("-a"));
    EXPECT_FALSE(is_valid_hostname("a-"));
    EXPECT_FALSE(is_valid_hostname("a..b"));
    EXPECT_FALSE(is_valid_hostname("a."));
    EXPECT_FALSE(is_valid_hostname("bad_host"));
    EXPECT_FALSE(is_valid_hostname(std::string(65, 'a')));
}

TEST(CmdlineValuesTest, ArgumentErrorNamesArgumentFieldAndValue) {
    Error e = argument_error("ip=x", "netmask", "255.0.255.0", "is not a contiguous mask");
    EXPECT_EQ(e.message, "ip=x: field 'netmask': '255.0.255.0' is not a contiguous mask");
    EXPECT_EQ(e.code, ErrorCode::Malformed);
}

TEST(BondOptionsTest, ModeNumbersBecomeNamesOtherEnumsStay) {
    std::string why;
    EXPECT_EQ(normalize_bond_option("mode", "4", why), "802.3ad");
    EXPECT_EQ(normalize_bond_option("mode", "balance-alb", why), "balance-alb");
    EXPECT_EQ(normalize_bond_option("xmit_hash_policy", "1", why), "1");
    EXPECT_FALSE(normalize_bond_option("mode", "7", why));
    EXPECT_NE(why.find("active-backup"), std::string::npos);
}

TEST(BondOptionsTest, TargetsAreListsOfTheirFamily) {
    std::string why;
    EXPECT_EQ(normalize_bond_option("arp_ip_target", "10.0.0.1;10.0.0.2", why), "10.0.0.1,10.0.0.2");
    EXPECT_EQ(normalize_bond_option("ns_ip6_target", "[fc08::1];[FC08::2]", why), "fc08::1,fc08::2");
    EXPECT_FALSE(normalize_bond_option("arp_ip_target", "fc08::1", why));
    EXPECT_FALSE(normalize_bond_option("miimon", "-1", why));
    EXPECT_FALSE(normalize_bond_option("bogus", "1", why));
    EXPECT_EQ(why, "is not a known bonding option");
}

TEST(BondOptionsTest, CrossChecksAsNetworkManagerVerifies) {
    EXPECT_NE(check_bond_options({{"arp_interval", "100"}}), "");
    EXPECT_EQ(check_bond_options({{"arp_interval", "100"}, {"arp_ip_target", "10.0.0.1"}}), "");
    EXPECT_NE(check_bond_options({{"mode", "balance-alb"}, {"arp_interval", "100"}, {"arp_ip_target", "10.0.0.1"}}),
              "");
    EXPECT_NE(check_bond_options({{"primary", "eth0"}}), "");
    EXPECT_EQ(check_bond_options({{"mode", "active-backup"}, {"primary", "eth0"}}), "");
    EXPECT_NE(check_bond_options({{"lacp_rate", "fast"}}), "");
    EXPECT_EQ(check_bond_options({{"mode", "802.3ad"}, {"lacp_rate", "fast"}}), "");
}
