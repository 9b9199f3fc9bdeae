// ip= in all its forms, read as nm-initrd-generator 1.42 reads it.
#include <gtest/gtest.h>

#include "test/unit/generator_test_util.h"

using namespace earlynet;
using namespace earlynet::cmdline;
using namespace earlynet::profile;
using namespace earlynet::cmdline::testing;

namespace {
const Profile& only(const GeneratedConfig& c) {
    EXPECT_EQ(c.profiles.size(), 1u);
    return c.profiles.front();
}
}  // namespace

TEST(GeneratorIpTest, BareDhcpMakesTheDefaultConnectionForEveryNic) {
    auto c = read("ip=dhcp");
    ASSERT_TRUE(c) << c.error().message;
    const Profile& p = only(*c);
    EXPECT_EQ(p.basename, "default_connection");
    EXPECT_EQ(p.id, "Wired Connection");
    EXPECT_TRUE(p.interface_name.empty());
    EXPECT_EQ(p.multi_connect, MultiConnect::Multiple);
    EXPECT_EQ(p.ipv4.method, IpMethod::Auto);
    EXPECT_FALSE(p.ipv4.may_fail);
    EXPECT_EQ(p.ipv4.required_timeout, -1);
    EXPECT_EQ(p.ipv6.method, IpMethod::Auto);
    EXPECT_TRUE(p.ipv6.may_fail);
    EXPECT_EQ(p.ipv4.dhcp_timeout, 90);
}

TEST(GeneratorIpTest, AutoKeepsIpv4RequiredTimeout) {
    auto c = read("ip=auto");
    ASSERT_TRUE(c);
    EXPECT_EQ(only(*c).ipv4.required_timeout, kIpRequiredTimeoutMs);
    EXPECT_TRUE(only(*c).ipv4.may_fail);
}

TEST(GeneratorIpTest, Dhcp6DisablesIpv4AndRequiresIpv6) {
    auto c = read("ip=eth1:dhcp6");
    ASSERT_TRUE(c);
    const Profile& p = only(*c);
    EXPECT_EQ(p.basename, "eth1");
    EXPECT_EQ(p.interface_name, "eth1");
    EXPECT_EQ(p.ipv4.method, IpMethod::Disabled);
    EXPECT_EQ(p.ipv6.method, IpMethod::Auto);
    EXPECT_FALSE(p.ipv6.may_fail);
}

TEST(GeneratorIpTest, Either6IsIpv6AutoconfOnly) {
    auto c = read("ip=eth0:either6");
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(only(*c).ipv4.method, IpMethod::Disabled);
    EXPECT_EQ(only(*c).ipv6.method, IpMethod::Auto);
}

TEST(GeneratorIpTest, Link6IsLinkLocalOnly) {
    auto c = read("ip=eth5:link6");
    ASSERT_TRUE(c);
    EXPECT_EQ(only(*c).ipv6.method, IpMethod::LinkLocal);
    EXPECT_EQ(only(*c).ipv4.method, IpMethod::Disabled);
}

TEST(GeneratorIpTest, DhcpAndDhcp6ListTriesBothFamiliesForTheRequiredTime) {
    auto c = read("ip=eth0:dhcp,dhcp6:1666");
    ASSERT_TRUE(c);
    const Profile& p = only(*c);
    EXPECT_EQ(p.ipv4.method, IpMethod::Auto);
    EXPECT_EQ(p.ipv6.method, IpMethod::Auto);
    EXPECT_EQ(p.ipv4.required_timeout, kIpRequiredTimeoutMs);
    EXPECT_EQ(p.ipv6.required_timeout, kIpRequiredTimeoutMs);
    ASSERT_TRUE(p.ethernet);
    EXPECT_EQ(p.ethernet->mtu, 1666u);
}

TEST(GeneratorIpTest, CommaListWithAutoIsAuto) {
    auto c = read("ip=dhcp,on");
    ASSERT_TRUE(c);
    EXPECT_EQ(only(*c).ipv4.required_timeout, kIpRequiredTimeoutMs);
}

TEST(GeneratorIpTest, OffDisablesBothFamilies) {
    auto c = read("ip=ens3:off");
    ASSERT_TRUE(c);
    EXPECT_EQ(only(*c).ipv4.method, IpMethod::Disabled);
    EXPECT_EQ(only(*c).ipv6.method, IpMethod::Disabled);
}

TEST(GeneratorIpTest, MtuAndMacTailTakesTheRestOfTheValueAsMac) {
    auto c = read("ip=eth2:auto6:2048:00:53:ef:12:34:56");
    ASSERT_TRUE(c);
    const Profile& p = only(*c);
    EXPECT_EQ(p.ethernet->mtu, 2048u);
    EXPECT_EQ(p.ethernet->cloned_mac_address, "00:53:EF:12:34:56");
}

TEST(GeneratorIpTest, DnsTailAfterMethodSetsServers) {
    auto c = read("ip=eth0:dhcp:1.1.1.1:8.8.8.8");
    ASSERT_TRUE(c);
    const Profile& p = only(*c);
    ASSERT_EQ(p.ipv4.dns.size(), 2u);
    EXPECT_EQ(p.ipv4.dns[1].to_string(), "8.8.8.8");
    EXPECT_EQ(p.ethernet->mtu, 0u);
}

TEST(GeneratorIpTest, StaticIpv4WithDottedNetmaskGatewayHostnameAndDns) {
    auto c = read("ip=192.0.2.2::192.0.2.1:255.255.255.0:hostname0.example.com:eth3:none:192.0.2.53");
    ASSERT_TRUE(c);
    const Profile& p = only(*c);
    EXPECT_EQ(p.ipv4.method, IpMethod::Manual);
    EXPECT_FALSE(p.ipv4.may_fail);
    ASSERT_EQ(p.ipv4.addresses.size(), 1u);
    EXPECT_EQ(p.ipv4.addresses[0].to_string(), "192.0.2.2/24");
    EXPECT_EQ(p.ipv4.gateway->to_string(), "192.0.2.1");
    EXPECT_EQ(p.ipv4.dns[0].to_string(), "192.0.2.53");
    EXPECT_EQ(p.ipv6.method, IpMethod::Disabled);
    EXPECT_EQ(p.ipv4.dhcp_hostname, "hostname0.example.com");
    EXPECT_EQ(*c->hostname, "hostname0.example.com");
    EXPECT_EQ(p.multi_connect, MultiConnect::Single);
}

TEST(GeneratorIpTest, StaticIpv4WithoutNetmaskGetsClassfulPrefix) {
    auto a = read("ip=10.1.2.3:::::eth0:none");
    auto b = read("ip=172.16.1.1:::::eth0:none");
    auto c = read("ip=192.168.1.1:::::eth0:none");
    ASSERT_TRUE(a && b && c);
    EXPECT_EQ(only(*a).ipv4.addresses[0].prefix, 8);
    EXPECT_EQ(only(*b).ipv4.addresses[0].prefix, 16);
    EXPECT_EQ(only(*c).ipv4.addresses[0].prefix, 24);
}

TEST(GeneratorIpTest, BracketedIpv6KeepsItsPrefix) {
    auto c = read("ip=[2001:0db8::02]/56::[2001:0db8::01]::h:eth4::[2001:0db8::53]");
    ASSERT_TRUE(c) << c.error().message;
    const Profile& p = only(*c);
    EXPECT_EQ(p.ipv6.addresses[0].to_string(), "2001:db8::2/56");
    EXPECT_EQ(p.ipv6.gateway->to_string(), "2001:db8::1");
    EXPECT_EQ(p.ipv6.dns[0].to_string(), "2001:db8::53");
    EXPECT_EQ(p.ipv6.method, IpMethod::Manual);
    EXPECT_EQ(p.ipv4.method, IpMethod::Auto);  // empty kind: v4 stays auto
}

TEST(GeneratorIpTest, Ipv6WithoutPrefixIsSlash64) {
    auto c = read("ip=[2001:db8::8]:::::ens5:off");
    ASSERT_TRUE(c);
    EXPECT_EQ(only(*c).ipv6.addresses[0].prefix, 64);
    EXPECT_EQ(only(*c).ipv4.method, IpMethod::Disabled);
}

TEST(GeneratorIpTest, SeveralIpForOneInterfaceMerge) {
    auto c = read("ip=192.0.2.2/16:::::eth0 ip=[2001:db8::2]:::56::eth0");
    ASSERT_TRUE(c);
    const Profile& p = only(*c);
    EXPECT_EQ(p.ipv4.addresses[0].to_string(), "192.0.2.2/16");
    EXPECT_EQ(p.ipv6.addresses[0].to_string(), "2001:db8::2/56");
}

TEST(GeneratorIpTest, StaticAddressWithDhcpKeepsTheAddressAndDhcp) {
    auto c = read("ip=172.25.1.1::172.25.1.2:24:myhostname:eth0:dhcp rd.net.timeout.dhcp=10");
    ASSERT_TRUE(c);
    const Profile& p = only(*c);
    EXPECT_EQ(p.ipv4.method, IpMethod::Auto);
    EXPECT_EQ(p.ipv4.addresses.size(), 1u);
    EXPECT_EQ(p.ipv4.dhcp_timeout, 10);
}

TEST(GeneratorIpTest, MacAsInterfaceMatchesByMac) {
    auto c = read("ip=[2001:0db8::42]/64::[2001:0db8::01]::hostname0:00-11-22-33-44-55::[2001:0db8::53]");
    ASSERT_TRUE(c);
    const Profile& p = only(*c);
    EXPECT_EQ(p.basename, "00:11:22:33:44:55");
    EXPECT_TRUE(p.interface_name.empty());
    EXPECT_EQ(p.ethernet->mac_address->to_string(), "00:11:22:33:44:55");
}

TEST(GeneratorIpTest, InfinibandByNameAndByLongMac) {
    auto a = read("ip=ib1:dhcp");
    auto b = read("ip=00-11-22-33-44-55-66-77-88-99-aa-bb-cc-dd-ee-ff-00-11-22-33:dhcp");
    ASSERT_TRUE(a && b);
    EXPECT_EQ(only(*a).type, ConnectionType::Infiniband);
    EXPECT_EQ(only(*b).type, ConnectionType::Infiniband);
    EXPECT_EQ(only(*b).infiniband->mac_address->size(), 20u);
}

TEST(GeneratorIpTest, EmptyInterfaceTargetsDefaultConnectionSingle) {
    auto c = read("ip=192.0.2.2::192.0.2.1:24:::");
    ASSERT_TRUE(c);
    EXPECT_EQ(only(*c).basename, "default_connection");
    EXPECT_EQ(only(*c).multi_connect, MultiConnect::Single);
}

TEST(GeneratorIpRejectTest, NonContiguousNetmaskNamesArgumentFieldAndValue) {
    std::string m = rejection("ip=10.0.0.5::10.0.0.1:255.0.255.0::eth0:none");
    EXPECT_EQ(m,
              "ip=10.0.0.5::10.0.0.1:255.0.255.0::eth0:none: field 'netmask': '255.0.255.0' is not a contiguous mask");
}

TEST(GeneratorIpRejectTest, MalformedInputIsRejectedWithFieldAndValue) {
    struct Case {
        const char* cmdline;
        const char* field_and_value;
    };
    for (const Case& c : {
             Case{"ip=eth0:dhcp:1500:zz:zz:zz:zz:zz:zz", "field 'macaddr': 'zz:zz:zz:zz:zz:zz'"},
             Case{"ip=eth0:bogus", "field 'autoconf': 'bogus'"},
             Case{"ip=bogus", "field 'autoconf': 'bogus'"},
             Case{"ip=dhcp,link6", "field 'autoconf': 'dhcp,link6'"},
             Case{"ip=eth0:", "field 'autoconf': ''"},
             Case{"ip=averyveryverylongifname0:dhcp", "field 'interface': 'averyveryverylongifname0'"},
             Case{"ip=eth0:dhcp:65536", "field 'mtu': '65536'"},
             Case{"ip=eth0:dhcp:67", "field 'mtu': '67'"},
             Case{"ip=10.0.0.5::10.0.0.1:33::eth0:none", "field 'netmask': '33'"},
             Case{"ip=10.0.0.256:::24::eth0:none", "field 'client IP': '10.0.0.256'"},
             Case{"ip=10.0.0.5::10.0.0.1:24:bad_host!:eth0:none", "field 'hostname': 'bad_host!'"},
             Case{"ip=10.0.0.5::10.0.0.1:24:-host:eth0:none", "field 'hostname': '-host'"},
             Case{"ip=::10.0.0.1:::eth1:dhcp", "field 'gateway': '10.0.0.1'"},
             Case{"ip=eth0:dhcp:10.0.0.53:bogus", "field 'dns2': 'bogus'"},
             Case{"ip=10.0.0.5/24:::255.255.0.0::eth0:none", "field 'netmask': '255.255.0.0'"},
             Case{"ip=2001:db8::5::::::none", "not in brackets"},
             Case{"ip=", "field 'ip': ''"},
         }) {
        std::string m = rejection(c.cmdline);
        EXPECT_NE(m.find(c.cmdline), std::string::npos) << c.cmdline << " -> " << m;
        EXPECT_NE(m.find(c.field_and_value), std::string::npos) << c.cmdline << " -> " << m;
    }
}

TEST(GeneratorIpRejectTest, ContradictoryDefinitionsForOneInterface) {
    EXPECT_NE(rejection("ip=eth0:dhcp ip=eth0:dhcp6").find("contradicts 'ip=eth0:dhcp'"), std::string::npos);
    EXPECT_NE(rejection("ip=eth0:dhcp:1500 ip=eth0:dhcp:9000").find("field 'mtu': '9000' contradicts"),
              std::string::npos);
    EXPECT_NE(rejection("ip=[fe80::5]:::64::eth0:link6").find("contradicts the static IPv6"), std::string::npos);
    EXPECT_TRUE(rejection("ip=eth0:dhcp ip=eth0:dhcp").empty());
}

TEST(GeneratorIpRejectTest, IpForABondPortIsAnError) {
    std::string m = rejection("bond=bond0:eth0,eth1 ip=eth0:dhcp");
    EXPECT_NE(m.find("ip=eth0:dhcp: field 'interface': 'eth0' is a port of a bond"), std::string::npos) << m;
}

TEST(GeneratorIpTest, InterfaceMacMustBeEthernetOrInfinibandLength) {
    // Found by the command line fuzzer: a 19-byte address became an [ethernet]
    // mac-address that no keyfile reader (ours, NetworkManager's) accepts.
    EXPECT_EQ(rejection("ip=00-11-22-33-44-55-66-77-88-99-aa-bb-cc-dd-ee-ff-00-11-23:dhcp"),
              "ip=00-11-22-33-44-55-66-77-88-99-aa-bb-cc-dd-ee-ff-00-11-23:dhcp: field 'interface': "
              "'00-11-22-33-44-55-66-77-88-99-aa-bb-cc-dd-ee-ff-00-11-23' is not an Ethernet (6 bytes) or "
              "InfiniBand (20 bytes) address");
    EXPECT_EQ(rejection("ip=00-11-22-33-44-55:dhcp"), "");
}
