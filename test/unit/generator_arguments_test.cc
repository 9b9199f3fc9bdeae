// The arguments other than ip=: controllers, VLANs, routes, DNS, BOOTIF,
// bootdev, rd.neednet and network roots, timeouts, rd.ethtool, rd.znet, ifname=.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>

#include "test/unit/generator_test_util.h"

using namespace earlynet;
using namespace earlynet::cmdline;
using namespace earlynet::profile;
using namespace earlynet::cmdline::testing;

TEST(GeneratorArgumentsTest, BondWithPortsOptionsAndMtu) {
    auto c = read("rd.route=192.0.2.53::bond0 bond=bond0:eth0,eth1:mode=1,miimon=100:9000 nameserver=203.0.113.53");
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_EQ(c->profiles.size(), 3u);
    const Profile* bond = find(*c, "bond0");
    ASSERT_TRUE(bond && bond->bond);
    EXPECT_EQ(bond->type, ConnectionType::Bond);
    EXPECT_EQ(bond->bond->options.at("mode"), "active-backup");  // number -> name
    EXPECT_EQ(bond->bond->options.at("miimon"), "100");
    EXPECT_EQ(bond->ethernet->mtu, 9000u);
    EXPECT_EQ(bond->ipv4.routes.at(0).destination.to_string(), "192.0.2.53/32");
    EXPECT_FALSE(bond->ipv4.routes.at(0).next_hop);
    EXPECT_EQ(bond->ipv4.dns.at(0).to_string(), "203.0.113.53");
    for (const char* port : {"eth0", "eth1"}) {
        const Profile* p = find(*c, port);
        ASSERT_TRUE(p);
        EXPECT_EQ(p->controller, bond->uuid);
        EXPECT_EQ(p->port_type, PortType::Bond);
    }
}

TEST(GeneratorArgumentsTest, BareBondBridgeTeamUseTheReferenceDefaults) {
    auto bond = read("bond");
    auto bridge = read("bridge");
    auto team = read("team");
    ASSERT_TRUE(bond && bridge && team);
    EXPECT_TRUE(find(*bond, "bond0") && find(*bond, "eth0"));
    EXPECT_EQ(find(*bond, "bond0")->bond->options.at("mode"), "balance-rr");
    ASSERT_TRUE(find(*bridge, "br0"));
    EXPECT_FALSE(find(*bridge, "br0")->bridge->stp);
    EXPECT_EQ(find(*bridge, "eth0")->port_type, PortType::Bridge);
    ASSERT_TRUE(find(*team, "team0"));
    EXPECT_TRUE(find(*team, "team0")->team);
}

TEST(GeneratorArgumentsTest, BondMultiValuedTargetsAreJoined) {
    auto c = read(
        "bond=bond3:eth6,eth7:arp_interval=100,arp_ip_target=10.0.0.1;10.0.0.2 "
        "bond=bond0:eth0,eth1:arp_interval=100,ns_ip6_target=[fc08::1];[fc08::2]");
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(find(*c, "bond3")->bond->options.at("arp_ip_target"), "10.0.0.1,10.0.0.2");
    EXPECT_EQ(find(*c, "bond0")->bond->options.at("ns_ip6_target"), "fc08::1,fc08::2");
}

TEST(GeneratorArgumentsTest, BondOptionErrorsNameTheOption) {
    EXPECT_NE(rejection("bond=bond0:eth0:bogus=1").find("field 'options': 'bogus=1' is not a known bonding option"),
              std::string::npos);
    EXPECT_NE(rejection("bond=bond0:eth0:mode=7").find("'mode=7'"), std::string::npos);
    EXPECT_NE(rejection("bond=bond0:eth0:lacp_rate=fast").find("needs mode 802.3ad"), std::string::npos);
    EXPECT_NE(rejection("bond=bond0:eth0,eth1 bond=bond1:eth1").find("already a port of another controller"),
              std::string::npos);
}

TEST(GeneratorArgumentsTest, VlanIdFromTrailingDigitsInEveryNamingStyle) {
    for (auto [arg, id] : {std::pair{"vlan=vlan5:eth0", 5u},
                           {"vlan=vlan0005:eth0", 5u},
                           {"vlan=eth0.100:eth0", 100u},
                           {"vlan=eth0.0005:eth0", 5u}}) {
        auto c = read(arg);
        ASSERT_TRUE(c) << arg;
        const Profile& v = c->profiles.front();
        ASSERT_TRUE(v.vlan) << arg;
        EXPECT_EQ(v.vlan->id, id) << arg;
        EXPECT_EQ(v.vlan->parent, "eth0");
        EXPECT_TRUE(v.ethernet.has_value());  // as NetworkManager normalises VLANs
    }
}

TEST(GeneratorArgumentsTest, VlanParentIsDisabledUnlessItHasItsOwnIp) {
    auto plain = read("ip=eth0.100:dhcp vlan=eth0.100:eth0");
    auto own = read("vlan=eth0.100:eth0 ip=eth0:dhcp");
    ASSERT_TRUE(plain && own);
    EXPECT_EQ(find(*plain, "eth0")->ipv4.method, IpMethod::Disabled);
    EXPECT_EQ(find(*plain, "eth0")->ipv6.method, IpMethod::Disabled);
    EXPECT_EQ(find(*own, "eth0")->ipv4.method, IpMethod::Auto);
}

TEST(GeneratorArgumentsTest, VlanErrors) {
    EXPECT_NE(rejection("vlan=vlan4095:eth0").find("outside 0..4094"), std::string::npos);
    EXPECT_NE(rejection("vlan=myvlan:eth0").find("does not end in a VLAN id"), std::string::npos);
    EXPECT_NE(rejection("vlan=vlan12").find("field 'phydevice': '' is missing"), std::string::npos);
    EXPECT_NE(rejection("vlan=vlan5:eth0 vlan=vlan5:eth1").find("contradicts the parent eth0"), std::string::npos);
}

TEST(GeneratorArgumentsTest, InfinibandPartition) {
    auto c = read("ib.pkey=ib0.8004 ip=ib0.8004:dhcp");
    ASSERT_TRUE(c);
    ASSERT_EQ(c->profiles.size(), 1u);
    const Profile& p = c->profiles.front();
    EXPECT_EQ(p.infiniband->p_key, 0x8004);
    EXPECT_EQ(p.infiniband->parent, "ib0");
}

TEST(GeneratorArgumentsTest, RouteTargetsNamedThenBootdevThenFirstThenDefault) {
    auto named = read("ip=eth0:dhcp rd.route=10.0.0.0/8:192.0.2.1:eth9");
    auto bootdev = read("ip=eth0:dhcp bootdev=eth1 rd.route=10.0.0.0/8:192.0.2.1");
    auto first = read("ip=eth0:dhcp ip=eth1:dhcp rd.route=10.0.0.0/8:192.0.2.1");
    auto none = read("rd.route=10.0.0.0/8:192.0.2.1");
    ASSERT_TRUE(named && bootdev && first && none);
    EXPECT_EQ(find(*named, "eth9")->ipv4.routes.size(), 1u);  // created as a full DHCP profile
    EXPECT_EQ(find(*bootdev, "eth1")->ipv4.routes.size(), 1u);
    EXPECT_EQ(find(*first, "eth0")->ipv4.routes.size(), 1u);
    EXPECT_EQ(find(*none, "default_connection")->ipv4.routes.size(), 1u);
}

TEST(GeneratorArgumentsTest, RouteIpv6AndDottedNetmask) {
    auto c = read("rd.route=[2001:DB8:3::/48]:[2001:DB8:2::1]:ens10 rd.route=10.0.0.0/255.0.0.0:10.0.0.1:ens10");
    ASSERT_TRUE(c) << c.error().message;
    const Profile* p = find(*c, "ens10");
    EXPECT_EQ(p->ipv6.routes.at(0).destination.to_string(), "2001:db8:3::/48");
    EXPECT_EQ(p->ipv6.routes.at(0).next_hop->to_string(), "2001:db8:2::1");
    EXPECT_EQ(p->ipv4.routes.at(0).destination.to_string(), "10.0.0.0/8");
}

TEST(GeneratorArgumentsTest, RouteErrors) {
    EXPECT_NE(rejection("rd.route=10.0.0.0/8:[2001:db8::1]:eth0").find("destination's address family"),
              std::string::npos);
    EXPECT_NE(rejection("rd.route=10.0.0.0/40:192.0.2.1:eth0").find("field 'net': '10.0.0.0/40'"), std::string::npos);
    EXPECT_NE(rejection("rd.route=10.0.0.0/8:192.0.2.1:eth0:extra").find("field 'extra': 'extra'"), std::string::npos);
}

TEST(GeneratorArgumentsTest, NameserversGoToEveryProfileWhoseFamilyIsOn) {
    auto c = read(
        "nameserver=1.1.1.1 ip=eth0:dhcp ip=eth1:auto6 ip=10.11.12.13::10.11.12.1:24:foo:eth2:none "
        "nameserver=1.0.0.1 nameserver=[2606:4700:4700::1111] nameserver=1.1.1.1");
    ASSERT_TRUE(c);
    EXPECT_EQ(find(*c, "eth0")->ipv4.dns.size(), 2u);  // duplicates dropped
    EXPECT_TRUE(find(*c, "eth1")->ipv4.dns.empty());   // IPv4 disabled there
    EXPECT_EQ(find(*c, "eth1")->ipv6.dns.at(0).to_string(), "2606:4700:4700::1111");
    EXPECT_EQ(find(*c, "eth2")->ipv4.dns.size(), 2u);
}

TEST(GeneratorArgumentsTest, PeerdnsOffIgnoresAutomaticDnsOnBothFamilies) {
    auto c = read("rd.peerdns=0 ip=eth1:dhcp");
    ASSERT_TRUE(c);
    EXPECT_TRUE(c->profiles.front().ipv4.ignore_auto_dns);
    EXPECT_TRUE(c->profiles.front().ipv6.ignore_auto_dns);
    EXPECT_NE(rejection("rd.peerdns=bogus").find("is not a boolean"), std::string::npos);
}

TEST(GeneratorArgumentsTest, BootifPinsTheDefaultConnectionOrMakesItsOwn) {
    auto pinned = read("BOOTIF=01-00-53-AB-cd-02-03 ip=dhcp");
    auto separate = read("ip=eth0:dhcp BOOTIF=00-00-53-Ab-cD-02-03");
    auto off = read("BOOTIF=01-00-53-AB-cd-02-03 rd.bootif=0");
    ASSERT_TRUE(pinned && separate && off);
    ASSERT_EQ(pinned->profiles.size(), 1u);
    EXPECT_EQ(pinned->profiles[0].ethernet->mac_address->to_string(), "00:53:AB:CD:02:03");
    const Profile* b = find(*separate, "bootif_connection");
    ASSERT_TRUE(b);
    EXPECT_EQ(b->id, "BOOTIF Connection");
    EXPECT_EQ(b->autoconnect_priority, kPriorityFirmware);
    EXPECT_EQ(b->ethernet->mac_address->to_string(), "00:53:AB:CD:02:03");
    EXPECT_TRUE(off->profiles.empty());
    EXPECT_NE(rejection("BOOTIF=02-52-54-00-12-34-56").find("field 'BOOTIF'"), std::string::npos);
}

TEST(GeneratorArgumentsTest, BootifIsReadInAnyCase) {
    // PXELINUX writes BOOTIF; the reference compares the name ignoring case.
    auto c = read("bootif=01-00-53-ab-cd-02-03");
    ASSERT_TRUE(c);
    ASSERT_EQ(c->profiles.size(), 1u);
    EXPECT_EQ(c->profiles[0].ethernet->mac_address->to_string(), "00:53:AB:CD:02:03");
    EXPECT_NE(rejection("BootIf=").find("field 'BOOTIF': '' is missing"), std::string::npos);
}

TEST(GeneratorArgumentsTest, BootdevWaitsForItsDevice) {
    auto c = read("vlan=vlan2:ens5 bootdev=ens3");
    ASSERT_TRUE(c);
    EXPECT_EQ(find(*c, "ens3")->wait_device_timeout, kWaitDeviceTimeoutMs);
    EXPECT_EQ(find(*c, "vlan2")->wait_device_timeout, -1);
}

TEST(GeneratorArgumentsTest, NeednetMakesACatchAllUnlessPersistentProfilesExist) {
    char dir[] = "/tmp/earlynet-persistent-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    auto without = read("rd.neednet");
    auto with = read("rd.neednet", "/nonexistent-sysfs", dir);
    ::rmdir(dir);
    ASSERT_TRUE(without && with);
    ASSERT_EQ(without->profiles.size(), 1u);
    EXPECT_EQ(without->profiles[0].wait_device_timeout, kWaitDeviceTimeoutMs);
    EXPECT_TRUE(with->profiles.empty());
}

TEST(GeneratorArgumentsTest, NetworkRootImpliesNeednet) {
    for (const char* root : {"root=dhcp", "root=nfs:192.0.2.1:/srv", "netroot=iscsi:192.0.2.1::::iqn.x:y",
                             "root=nbd:192.0.2.1:10809", "root=/dev/nfs"}) {
        auto c = read(root);
        ASSERT_TRUE(c) << root;
        EXPECT_TRUE(c->network_root) << root;
        ASSERT_EQ(c->profiles.size(), 1u) << root;
        EXPECT_EQ(c->profiles[0].basename, "default_connection");
    }
    auto local = read("root=UUID=1234 ip=eth0:dhcp");
    ASSERT_TRUE(local);
    EXPECT_FALSE(local->network_root);
    EXPECT_EQ(local->profiles[0].wait_device_timeout, -1);
}

TEST(GeneratorArgumentsTest, DhcpTimeoutIsTimeoutTimesRetries) {
    auto a = read("ip=dhcp rd.net.dhcp.retry=3 rd.net.timeout.dhcp=40");
    auto b = read("ip=dhcp rd.net.timeout.dhcp=infinity rd.net.dhcp.retry=100");
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->profiles[0].ipv4.dhcp_timeout, 120);
    EXPECT_EQ(a->profiles[0].ipv6.dhcp_timeout, 120);
    EXPECT_EQ(b->profiles[0].ipv4.dhcp_timeout, 2147483647);
    EXPECT_NE(rejection("rd.net.timeout.dhcp=foobar").find("'foobar'"), std::string::npos);
    EXPECT_NE(rejection("rd.net.dhcp.retry=0").find("'0'"), std::string::npos);
}

TEST(GeneratorArgumentsTest, CarrierTimeoutAndVendorClass) {
    auto c = read("rd.net.timeout.carrier=20 rd.net.dhcp.vendor-class=testvci ip=eno1:dhcp");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->carrier_timeout_s, 20);
    EXPECT_EQ(c->profiles[0].ipv4.dhcp_vendor_class, "testvci");
    EXPECT_NE(rejection("rd.net.dhcp.vendor-class=" + std::string(256, 'A')).find("longer than 255"),
              std::string::npos);
}

TEST(GeneratorArgumentsTest, EthtoolSettingsAndLaterOverrides) {
    auto c = read("rd.ethtool=eth0:on:100 rd.ethtool=eth1:off:100 rd.ethtool=eth1:");
    ASSERT_TRUE(c);
    const EthernetSettings& e0 = *find(*c, "eth0")->ethernet;
    EXPECT_EQ(e0.auto_negotiate, true);
    EXPECT_EQ(e0.speed, 100u);
    EXPECT_EQ(e0.duplex, "full");
    const EthernetSettings& e1 = *find(*c, "eth1")->ethernet;
    EXPECT_EQ(e1.auto_negotiate, false);
    EXPECT_EQ(e1.speed, 100u);  // "eth1:" sets neither, so the earlier values stay
    EXPECT_NE(rejection("rd.ethtool=eth0:randomstring").find("field 'autoneg'"), std::string::npos);
    EXPECT_NE(rejection("rd.ethtool=:::").find("field 'interface'"), std::string::npos);
}

TEST(GeneratorArgumentsTest, ZnetAddsS390SettingsToExistingProfiles) {
    auto c = read(
        "ip=10.11.12.13::10.11.12.1:24:foo.example.com:enc800:none ip=slc600:dhcp "
        "rd.znet=qeth,0.0.0800,0.0.0801,0.0.0802,layer2=0,portno=1 rd.znet=ctc,0.0.0600,0.0.0601");
    ASSERT_TRUE(c) << c.error().message;
    const EthernetSettings& q = *find(*c, "enc800")->ethernet;
    EXPECT_EQ(q.s390_nettype, "qeth");
    EXPECT_EQ(q.s390_subchannels.size(), 3u);
    EXPECT_EQ(q.s390_options.at("portno"), "1");
    EXPECT_EQ(find(*c, "slc600")->ethernet->s390_subchannels.size(), 2u);
    auto legacy = read("ip=eth0:dhcp rd.znet=qeth,0.0.0800,0.0.0801,0.0.0802 net.ifnames=0");
    ASSERT_TRUE(legacy);
    EXPECT_EQ(find(*legacy, "eth0")->ethernet->s390_nettype, "qeth");
    auto no_ip = read("rd.znet=qeth,0.0.0800,0.0.0801,0.0.0802,layer2=0,portno=1");
    ASSERT_TRUE(no_ip);
    EXPECT_TRUE(no_ip->profiles.empty());
}

TEST(GeneratorArgumentsTest, IfnameIsValidatedAndKept) {
    auto c = read("ifname=lan0:52-54-00-12-34-56 ip=lan0:dhcp");
    ASSERT_TRUE(c);
    ASSERT_EQ(c->renames.size(), 1u);
    EXPECT_EQ(c->renames[0].name, "lan0");
    EXPECT_EQ(c->renames[0].mac.to_string(), "52:54:00:12:34:56");
    EXPECT_NE(rejection("ifname=net0:zz:54:00:12:34:56").find("field 'MAC'"), std::string::npos);
}

TEST(GeneratorArgumentsTest, UnknownAndTaglessArgumentsAreIgnored) {
    auto c = read("= =foo BOOT_IMAGE=(hd0,msdos2)/boot/vmlinuz root=UUID=ff25 ro rhgb quiet pci = nomsi, noaer");
    ASSERT_TRUE(c);
    EXPECT_TRUE(c->profiles.empty());
}

TEST(GeneratorArgumentsTest, IbftFromSysfs) {
    char dir[] = "/tmp/earlynet-sysfs-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    std::string root = dir;
    for (const char* d : {"/firmware", "/firmware/ibft", "/firmware/ibft/ethernet0"}) ::mkdir((root + d).c_str(), 0755);
    auto put = [&](const char* name, const char* value) {
        std::ofstream(root + "/firmware/ibft/ethernet0/" + name) << value << "\n";
    };
    put("mac", "52:54:00:1b:f7:01");
    put("index", "0");
    put("ip-addr", "10.77.0.2");
    put("prefix-len", "24");
    put("gateway", "10.77.0.1");
    put("primary-dns", "10.77.0.53");
    put("origin", "1");
    put("vlan", "0");
    auto c = read("ip=ibft", root);
    std::string rm = "rm -rf " + root;
    (void)std::system(rm.c_str());
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_EQ(c->profiles.size(), 1u);
    const Profile& p = c->profiles[0];
    EXPECT_EQ(p.basename, "ibft0");
    EXPECT_EQ(p.id, "iBFT Connection 0");
    EXPECT_EQ(p.autoconnect_priority, kPriorityFirmware);
    EXPECT_EQ(p.ipv4.method, IpMethod::Manual);
    EXPECT_EQ(p.ipv4.addresses.at(0).to_string(), "10.77.0.2/24");
    EXPECT_EQ(p.ipv6.method, IpMethod::Disabled);
    EXPECT_EQ(p.ethernet->mac_address->to_string(), "52:54:00:1B:F7:01");
}
