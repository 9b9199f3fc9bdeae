#include "cmdline/cmdline_fields.h"

#include <gtest/gtest.h>

using earlynet::cmdline::FieldReader;
using earlynet::cmdline::split_kernel_cmdline;
using earlynet::cmdline::split_tag;

TEST(FieldReaderTest, SplitsAtSeparator) {
    FieldReader f("a:b::c");
    EXPECT_EQ(f.next(':'), "a");
    EXPECT_EQ(f.next(':'), "b");
    EXPECT_EQ(f.next(':'), "");
    EXPECT_FALSE(f.at_end());
    EXPECT_EQ(f.next(':'), "c");
    EXPECT_TRUE(f.at_end());
    EXPECT_EQ(f.next(':'), "");
}

TEST(FieldReaderTest, BracketsProtectSeparatorsAndAreRemovedWhenWhole) {
    FieldReader f("[2001:db8::1]:[2001:db8::2]/64:x");
    EXPECT_EQ(f.next(':'), "2001:db8::1");
    EXPECT_EQ(f.next(':'), "[2001:db8::2]/64");
    EXPECT_EQ(f.next(':'), "x");
}

TEST(FieldReaderTest, TrailingSeparatorConsumesInput) {
    FieldReader f("eth0:");
    EXPECT_EQ(f.next(':'), "eth0");
    EXPECT_TRUE(f.at_end());
}

TEST(FieldReaderTest, RestKeepsSeparators) {
    FieldReader f("1500:52:54:00:12:34:56");
    EXPECT_EQ(f.next(':'), "1500");
    EXPECT_EQ(f.rest(), "52:54:00:12:34:56");
}

TEST(KernelCmdlineTest, SplitsOnWhitespaceAndHonoursQuotes) {
    auto words = split_kernel_cmdline("  ro quiet  ip=dhcp\tfoo=\"a b\" \"x y\"=z\n");
    ASSERT_EQ(words.size(), 5u);
    EXPECT_EQ(words[0], "ro");
    EXPECT_EQ(words[2], "ip=dhcp");
    EXPECT_EQ(words[3], "foo=a b");
    EXPECT_EQ(words[4], "x y=z");
}

TEST(KernelCmdlineTest, SplitTagAtFirstEquals) {
    auto t = split_tag("root=UUID=abc");
    EXPECT_EQ(t.tag, "root");
    EXPECT_EQ(*t.value, "UUID=abc");
    auto bare = split_tag("rd.neednet");
    EXPECT_EQ(bare.tag, "rd.neednet");
    EXPECT_FALSE(bare.value.has_value());
}

TEST(KernelCmdlineTest, InitArgumentsAfterDoubleDashAreNotKernelParameters) {
    auto words = split_kernel_cmdline("ro ip=dhcp -- ip=eth0:none single\n");
    ASSERT_EQ(words.size(), 2u);
    EXPECT_EQ(words[1], "ip=dhcp");
}
