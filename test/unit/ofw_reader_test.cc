// The Open Firmware chosen node parser (daemon/ofw_reader.h), without a device tree.
#include "cmdline/ofw_reader.h"

#include <gtest/gtest.h>

#include <string>

namespace earlynet::cmdline {

using namespace profile;
namespace {

OfwProperties with_bootpath(const std::string& bootpath) {
    OfwProperties p;
    p.base = "/sys/firmware/devicetree/base";
    p.bootpath = bootpath + std::string(1, '\0');
    return p;
}

std::string bytes(std::initializer_list<int> b) {
    std::string s;
    for (int c : b) s += static_cast<char>(c);
    return s;
}

TEST(OfwReader, StaticBootpathWithNetmaskSlotAndSpeed) {
    auto r = ofw_profile(with_bootpath(
        "/ethernet:speed=100,duplex=full,192.168.32.1,yaboot,192.168.32.2,192.168.32.1,5,5,255.255.000.000,512"));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->basename, "ofw");
    EXPECT_EQ(r->id, "OpenFirmware Connection");
    EXPECT_EQ(r->autoconnect_priority, kPriorityFirmware);
    EXPECT_EQ(r->ipv4.method, IpMethod::Manual);
    ASSERT_EQ(r->ipv4.addresses.size(), 1u);
    EXPECT_EQ(r->ipv4.addresses[0].to_string(), "192.168.32.2/16");
    EXPECT_EQ(r->ipv4.gateway->to_string(), "192.168.32.1");
    EXPECT_EQ(r->ipv6.method, IpMethod::Disabled);
    EXPECT_EQ(r->ethernet->speed, 100u);
    EXPECT_EQ(r->ethernet->duplex, "full");
}

TEST(OfwReader, PrefixLengthSlotAndNoGateway) {
    auto r = ofw_profile(with_bootpath("/l-lan:speed=auto,duplex=auto,10.0.0.1,,10.0.0.5,0.0.0.0,5,5,24"));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->ipv4.addresses[0].to_string(), "10.0.0.5/24");
    EXPECT_FALSE(r->ipv4.gateway);
    EXPECT_EQ(r->ethernet->speed, 0u);  // speed=auto
    EXPECT_EQ(r->ethernet->duplex, "");
}

TEST(OfwReader, BootpIsDhcpWithTheClientName) {
    auto p = with_bootpath("/ethernet:bootp,10.0.0.1,,10.0.0.5,10.0.0.254,255.255.255.0");
    p.client_name = bytes({'n', 'o', 'd', 'e', 0});
    p.mac_address = bytes({0x52, 0x54, 0x00, 0x12, 0x34, 0x56});
    p.local_mac_address = p.mac_address;
    auto r = ofw_profile(p);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->ipv4.method, IpMethod::Auto);
    EXPECT_EQ(r->ipv6.method, IpMethod::Auto);
    EXPECT_EQ(r->ipv4.dhcp_hostname, "node");
    EXPECT_EQ(r->ipv6.dhcp_hostname, "node");
    EXPECT_EQ(r->ethernet->mac_address->to_string(), "52:54:00:12:34:56");
    EXPECT_EQ(r->ethernet->cloned_mac_address, "");  // same as mac-address
}

TEST(OfwReader, DynamicWithoutClientAddress) {
    for (const char* path : {"/ethernet", "/ethernet:", "/ethernet:10.0.0.1,file", "/ethernet:10.0.0.1,,,10.0.0.254"}) {
        auto r = ofw_profile(with_bootpath(path));
        ASSERT_TRUE(r) << path << ": " << r.error().message;
        EXPECT_EQ(r->ipv4.method, IpMethod::Auto) << path;
    }
    auto p = with_bootpath("/ethernet:10.0.0.1,,10.0.0.5,,24");
    p.bootp_response = true;
    EXPECT_EQ(ofw_profile(p)->ipv4.method, IpMethod::Auto);
}

TEST(OfwReader, BinaryPropertiesWin) {
    auto p = with_bootpath("/ethernet:10.0.0.1,,10.9.9.9,10.9.9.1,255.0.0.0");
    p.client_ip = bytes({10, 43, 2, 3});
    p.netmask_ip = bytes({255, 255, 255, 0});
    p.local_mac_address = bytes({0x02, 0, 0, 0, 0, 0x01});
    auto r = ofw_profile(p);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->ipv4.addresses[0].to_string(), "10.43.2.3/24");
    EXPECT_EQ(r->ipv4.gateway->to_string(), "10.9.9.1");  // no gateway-ip: the bootpath's
    EXPECT_EQ(r->ethernet->cloned_mac_address, "02:00:00:00:00:01");
    p.gateway_ip = bytes({10, 43, 2, 254});
    EXPECT_EQ(ofw_profile(p)->ipv4.gateway->to_string(), "10.43.2.254");
    p.client_ip.reset();  // a mask without an address: dynamic
    EXPECT_EQ(ofw_profile(p)->ipv4.method, IpMethod::Auto);
}

TEST(OfwReader, Ipv6) {
    auto r = ofw_profile(with_bootpath("/ethernet:,,2001:db8::5,2001:db8::1,5,5,64"));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->ipv6.method, IpMethod::Manual);
    EXPECT_EQ(r->ipv6.addresses[0].to_string(), "2001:db8::5/64");
    EXPECT_EQ(r->ipv4.method, IpMethod::Disabled);
    auto p = with_bootpath("/ethernet");
    p.client_ip = std::string("\x20\x01\x0d\xb8", 4) + std::string(11, '\0') + "\x07";
    p.netmask_ip = std::string(7, '\xff') + std::string(9, '\0');
    EXPECT_EQ(ofw_profile(p)->ipv6.addresses[0].to_string(), "2001:db8::7/56");
}

TEST(OfwReader, ErrorsNameTheFileAndTheValue) {
    auto error = [](const OfwProperties& p) {
        auto r = ofw_profile(p);
        return r ? std::string() : r.error().message;
    };
    EXPECT_NE(
        error(with_bootpath("/e:1.1.1.1,,10.0.0.300,,5,5,24")).find("chosen/bootpath: client address '10.0.0.300'"),
        std::string::npos);
    EXPECT_NE(error(with_bootpath("/e:1.1.1.1,,10.0.0.5,gw,5,5,24")).find("gateway 'gw'"), std::string::npos);
    EXPECT_NE(error(with_bootpath("/e:1.1.1.1,,10.0.0.5,10.0.0.1")).find("no netmask"), std::string::npos);
    EXPECT_NE(error(with_bootpath("/e:1.1.1.1,,10.0.0.5,,255.0.255.0")).find("netmask '255.0.255.0'"),
              std::string::npos);
    EXPECT_NE(error(with_bootpath("/e:1.1.1.1,,10.0.0.5,,5,5,33")).find("netmask '33'"), std::string::npos);
    EXPECT_NE(error(with_bootpath("/e:speed=fast,bootp")).find("speed 'fast'"), std::string::npos);
    auto p = with_bootpath("/e");
    p.client_ip = bytes({10, 0, 0});
    EXPECT_NE(error(p).find("chosen/client-ip: 3 bytes (0a 00 00)"), std::string::npos);
    p.client_ip = bytes({10, 0, 0, 1});
    EXPECT_NE(error(p).find("chosen/netmask-ip: missing"), std::string::npos);
    p = with_bootpath("/e:bootp");
    p.mac_address = bytes({1, 2, 3});
    EXPECT_NE(error(p).find("/sys/firmware/devicetree/base/e/mac-address: 3 bytes"), std::string::npos);
}

TEST(OfwReader, NoDeviceTreeNoProfile) {
    auto r = read_ofw("/nonexistent-sysfs");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_FALSE(*r);
}

}  // namespace
}  // namespace earlynet::cmdline
