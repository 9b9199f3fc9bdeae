// IPv6 per-interface knobs against the real kernel. Each value is read back
// both through ipv6_sysctl::get and by a process started inside the test's
// namespace, which proves the write went to that namespace and not the host's.
#include "netlink/ipv6_sysctl.h"

#include <gtest/gtest.h>

#include "test/netns/netns_fixture.h"

namespace earlynet::netlink {
namespace {

using test::NetnsTest;

class Ipv6SysctlTest : public NetnsTest {
protected:
    int read_in_namespace(const std::string& knob) {
        auto r =
            test::run_command({"ip", "netns", "exec", ns().name(), "cat", "/proc/sys/net/ipv6/conf/veth0/" + knob});
        EXPECT_EQ(r.status, 0) << r.err;
        return std::atoi(r.out.c_str());
    }
    void expect(const std::string& knob, int value) {
        auto got = ipv6_sysctl::get("veth0", knob);
        ASSERT_TRUE(got) << got.error().message;
        EXPECT_EQ(*got, value) << knob;
        EXPECT_EQ(read_in_namespace(knob), value) << knob;
    }
};

TEST_F(Ipv6SysctlTest, SetsEveryKnob) {
    add_veth("veth0", "veth1");
    ASSERT_TRUE(ipv6_sysctl::set_accept_ra("veth0", AcceptRa::EvenWhenForwarding));
    expect("accept_ra", 2);
    ASSERT_TRUE(ipv6_sysctl::set_accept_ra("veth0", AcceptRa::Off));
    expect("accept_ra", 0);
    ASSERT_TRUE(ipv6_sysctl::set_autoconf("veth0", false));
    expect("autoconf", 0);
    ASSERT_TRUE(ipv6_sysctl::set_addr_gen_mode("veth0", AddrGenMode::None));
    expect("addr_gen_mode", 1);
    ASSERT_TRUE(ipv6_sysctl::set_dad_transmits("veth0", 3));
    expect("dad_transmits", 3);
    ASSERT_TRUE(ipv6_sysctl::set_disable_ipv6("veth0", true));
    expect("disable_ipv6", 1);
    ASSERT_TRUE(ipv6_sysctl::set_disable_ipv6("veth0", false));
    expect("disable_ipv6", 0);
}

TEST_F(Ipv6SysctlTest, UnknownLinkIsNoSuchFile) {
    auto r = ipv6_sysctl::set_accept_ra("nosuch0", AcceptRa::On);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().sys_errno, ENOENT);
    EXPECT_NE(r.error().message.find("set ipv6 accept_ra nosuch0 to 1"), std::string::npos) << r.error().message;
}

TEST_F(Ipv6SysctlTest, NamesThatAreNotInterfaceNamesAreRefused) {
    for (const char* name : {"../all", "a/b", "", "way-too-long-interface-name"}) {
        auto r = ipv6_sysctl::set_disable_ipv6(name, true);
        ASSERT_FALSE(r) << name;
        EXPECT_EQ(r.error().code, ErrorCode::Invalid) << name;
    }
    EXPECT_EQ(ipv6_sysctl::get("lo", "../../ipv4/ip_forward").error().code, ErrorCode::Invalid);
}

TEST_F(Ipv6SysctlTest, OutOfRangeValueIsRefusedByTheKernel) {
    add_veth("veth0", "veth1");
    auto r = ipv6_sysctl::set_addr_gen_mode("veth0", static_cast<AddrGenMode>(9));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().sys_errno, EINVAL);
}

}  // namespace
}  // namespace earlynet::netlink
