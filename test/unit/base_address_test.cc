// base/ip_address.h: the address vocabulary every layer shares.
#include <gtest/gtest.h>

#include "base/ip_address.h"

using namespace earlynet;

TEST(Ipv4AddressTest, ParsesOnlyStrictDottedQuads) {
    EXPECT_EQ(Ipv4Address::parse("192.0.2.1")->to_string(), "192.0.2.1");
    EXPECT_FALSE(Ipv4Address::parse("192.0.2"));
    EXPECT_FALSE(Ipv4Address::parse("192.0.2.256"));
    EXPECT_FALSE(Ipv4Address::parse("1500"));  // inet_aton would take it; an MTU must not look like an address
    EXPECT_FALSE(Ipv4Address::parse(" 192.0.2.1"));
}

TEST(Ipv4AddressTest, NetmaskPrefixOnlyForContiguousMasks) {
    EXPECT_EQ(*Ipv4Address::parse("255.255.255.0")->netmask_prefix(), 24);
    EXPECT_EQ(*Ipv4Address::parse("255.255.255.255")->netmask_prefix(), 32);
    EXPECT_EQ(*Ipv4Address::parse("0.0.0.0")->netmask_prefix(), 0);
    EXPECT_EQ(*Ipv4Address::parse("255.255.254.0")->netmask_prefix(), 23);
    EXPECT_FALSE(Ipv4Address::parse("255.0.255.0")->netmask_prefix());
    EXPECT_FALSE(Ipv4Address::parse("0.255.255.255")->netmask_prefix());
}

TEST(Ipv4AddressTest, ClassfulPrefixes) {
    EXPECT_EQ(Ipv4Address::parse("10.1.2.3")->classful_prefix(), 8);
    EXPECT_EQ(Ipv4Address::parse("172.16.0.1")->classful_prefix(), 16);
    EXPECT_EQ(Ipv4Address::parse("192.168.1.1")->classful_prefix(), 24);
    EXPECT_EQ(Ipv4Address::parse("224.0.0.1")->classful_prefix(), 24);  // as the reference
}

TEST(IpAddressTest, Ipv6IsCanonicalAndBracketsAreAccepted) {
    auto a = IpAddress::parse("[2001:0DB8::02]");
    ASSERT_TRUE(a);
    EXPECT_FALSE(a->is_v4());
    EXPECT_EQ(a->to_string(), "2001:db8::2");
    EXPECT_EQ(a->max_prefix(), 128);
    EXPECT_FALSE(IpAddress::parse("[2001:db8::2"));
    EXPECT_FALSE(IpAddress::parse("2001:db8::2/64"));
}

TEST(HardwareAddressTest, ColonsOrDashesNotMixed) {
    EXPECT_EQ(HardwareAddress::parse("52-54-00-ab-cd-ef")->to_string(), "52:54:00:AB:CD:EF");
    EXPECT_EQ(HardwareAddress::parse("52:54:0:ab:cd:ef")->to_string(), "52:54:00:AB:CD:EF");
    EXPECT_FALSE(HardwareAddress::parse("52:54-00:ab:cd:ef"));
    EXPECT_FALSE(HardwareAddress::parse("52:54:00:ab:cd:"));
    EXPECT_FALSE(HardwareAddress::parse("525:4:00:ab:cd:ef"));
    EXPECT_FALSE(HardwareAddress::parse("zz:54:00:ab:cd:ef"));
}

TEST(HardwareAddressTest, EthernetIsSixBytesInfinibandTwenty) {
    EXPECT_TRUE(HardwareAddress::parse_ethernet("52:54:00:ab:cd:ef"));
    EXPECT_FALSE(HardwareAddress::parse_ethernet("01:52:54:00:ab:cd:ef"));
    auto ib = HardwareAddress::parse("00-11-22-33-44-55-66-77-88-99-aa-bb-cc-dd-ee-ff-00-11-22-33");
    ASSERT_TRUE(ib);
    EXPECT_EQ(ib->size(), HardwareAddress::kInfinibandLength);
    EXPECT_FALSE(HardwareAddress::parse("00-11-22-33-44-55-66-77-88-99-aa-bb-cc-dd-ee-ff-00-11-22-33-44"));
}

TEST(InterfaceNameTest, KernelRules) {
    EXPECT_TRUE(is_valid_interface_name("eth0"));
    EXPECT_TRUE(is_valid_interface_name("0123456789abcde"));    // 15
    EXPECT_FALSE(is_valid_interface_name("0123456789abcdef"));  // 16
    EXPECT_FALSE(is_valid_interface_name(""));
    EXPECT_FALSE(is_valid_interface_name("."));
    EXPECT_FALSE(is_valid_interface_name("eth/0"));
    EXPECT_FALSE(is_valid_interface_name("eth:0"));
    EXPECT_FALSE(is_valid_interface_name("eth 0"));
}
