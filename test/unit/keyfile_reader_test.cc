#include "profile/keyfile_reader.h"

#include <gtest/gtest.h>

#include "profile/keyfile_writer.h"

using namespace earlynet;
using namespace earlynet::profile;

namespace {

// Verbatim output of Debian 12's nm-initrd-generator 1.42.4 for
// "bond=bond0:eth1,eth2:mode=active-backup,miimon=100 ip=bond0:dhcp nameserver=1.1.1.1".
constexpr const char* kReferenceBond = R"(# Created by nm-initrd-generator

[connection]
id=bond0
uuid=26b239f0-9107-484a-8c16-156c165d9053
type=bond
autoconnect-priority=-100
autoconnect-retries=1
interface-name=bond0
multi-connect=1

[ethernet]

[bond]
miimon=100
mode=active-backup

[ipv4]
dhcp-timeout=90
dns=1.1.1.1;
may-fail=false
method=auto

[ipv6]
dhcp-timeout=90
method=auto

[proxy]

[user]
org.freedesktop.NetworkManager.origin=nm-initrd-generator
)";

constexpr const char* kReferencePort = R"([connection]
id=eth1
uuid=ecb1296e-04e1-4447-bb20-acfed836d4c1
type=ethernet
autoconnect-priority=-100
autoconnect-retries=1
interface-name=eth1
master=26b239f0-9107-484a-8c16-156c165d9053
multi-connect=1
slave-type=bond

[ethernet]

[user]
org.freedesktop.NetworkManager.origin=nm-initrd-generator
)";

}  // namespace

TEST(KeyfileReaderTest, ReadsReferenceBondProfile) {
    auto p = read_keyfile(kReferenceBond, "bond0", "bond0.nmconnection");
    ASSERT_TRUE(p.has_value()) << p.error().message;
    EXPECT_EQ(p->id, "bond0");
    EXPECT_EQ(p->uuid, "26b239f0-9107-484a-8c16-156c165d9053");
    EXPECT_EQ(p->type, ConnectionType::Bond);
    EXPECT_EQ(p->interface_name, "bond0");
    EXPECT_EQ(p->autoconnect_priority, -100);
    EXPECT_EQ(p->multi_connect, MultiConnect::Single);
    ASSERT_TRUE(p->bond.has_value());
    EXPECT_EQ(p->bond->options.at("mode"), "active-backup");
    EXPECT_EQ(p->bond->options.at("miimon"), "100");
    EXPECT_EQ(p->ipv4.method, IpMethod::Auto);
    EXPECT_FALSE(p->ipv4.may_fail);
    EXPECT_EQ(p->ipv4.dhcp_timeout, 90);
    ASSERT_EQ(p->ipv4.dns.size(), 1u);
    EXPECT_EQ(p->ipv4.dns[0].to_string(), "1.1.1.1");
    EXPECT_TRUE(p->ipv6.may_fail);
}

TEST(KeyfileReaderTest, ReferenceProfileWritesBackIdentically) {
    auto p = read_keyfile(kReferenceBond, "bond0", "x");
    ASSERT_TRUE(p.has_value());
    std::string body = std::string(kReferenceBond).substr(std::string(kReferenceBond).find('['));
    EXPECT_EQ(write_keyfile(*p), body);
}

TEST(KeyfileReaderTest, ReadsPortWithOldControllerNames) {
    auto p = read_keyfile(kReferencePort, "eth1", "x");
    ASSERT_TRUE(p.has_value()) << p.error().message;
    EXPECT_EQ(p->controller, "26b239f0-9107-484a-8c16-156c165d9053");
    ASSERT_TRUE(p->port_type.has_value());
    EXPECT_EQ(*p->port_type, PortType::Bond);
    EXPECT_EQ(write_keyfile(*p), kReferencePort);
}

TEST(KeyfileReaderTest, ReadsAddressesGatewayRoutesAndEscapes) {
    auto p = read_keyfile(
        "[connection]\nid=\\sspaced\\\\name\ntype=ethernet\n[ipv4]\naddress2=10.0.0.6/8\naddress1=10.0.0.5/"
        "24,10.0.0.1\n"
        "route1=10.1.0.0/16,10.0.0.254,100\nroute2=192.0.2.0/24\nmethod=manual\n[ipv6]\nmethod=ignore\n",
        "x", "x");
    ASSERT_TRUE(p.has_value()) << p.error().message;
    EXPECT_EQ(p->id, " spaced\\name");
    ASSERT_EQ(p->ipv4.addresses.size(), 2u);
    EXPECT_EQ(p->ipv4.addresses[0].to_string(), "10.0.0.5/24");
    EXPECT_EQ(p->ipv4.addresses[1].to_string(), "10.0.0.6/8");
    EXPECT_EQ(p->ipv4.gateway->to_string(), "10.0.0.1");
    ASSERT_EQ(p->ipv4.routes.size(), 2u);
    EXPECT_EQ(p->ipv4.routes[0].metric, 100);
    EXPECT_EQ(p->ipv4.routes[0].next_hop->to_string(), "10.0.0.254");
    EXPECT_FALSE(p->ipv4.routes[1].next_hop.has_value());
    EXPECT_EQ(p->ipv6.method, IpMethod::Ignore);
}

TEST(KeyfileReaderTest, MalformedValueNamesFileGroupKeyAndValue) {
    auto p = read_keyfile("[connection]\nid=a\ntype=ethernet\n[ipv4]\nmethod=manual\naddress1=10.0.0.300/24\n", "a",
                          "a.nmconnection");
    ASSERT_FALSE(p.has_value());
    EXPECT_NE(p.error().message.find("a.nmconnection"), std::string::npos);
    EXPECT_NE(p.error().message.find("[ipv4] address1"), std::string::npos);
    EXPECT_NE(p.error().message.find("10.0.0.300/24"), std::string::npos);
}

TEST(KeyfileReaderTest, UnsupportedTypeIsReportedNotGuessed) {
    auto p = read_keyfile("[connection]\nid=w\ntype=wifi\n", "w", "w.nmconnection");
    ASSERT_FALSE(p.has_value());
    EXPECT_EQ(p.error().code, ErrorCode::NotSupported);
    EXPECT_NE(p.error().message.find("wifi"), std::string::npos);
}

TEST(KeyfileReaderTest, KeyOutsideGroupIsMalformed) {
    auto p = read_keyfile("id=x\n[connection]\n", "x", "x.nmconnection");
    ASSERT_FALSE(p.has_value());
    EXPECT_NE(p.error().message.find("x.nmconnection:1"), std::string::npos);
}

TEST(KeyfileReaderTest, DadTimeoutIsReadAndWrittenBack) {
    const char* text = "[connection]\nid=a\ntype=ethernet\n[ipv4]\ndad-timeout=0\nmethod=auto\n";
    auto p = read_keyfile(text, "a", "a.nmconnection");
    ASSERT_TRUE(p.has_value()) << p.error().message;
    EXPECT_EQ(p->ipv4.dad_timeout, 0);
    EXPECT_NE(write_keyfile(*p).find("dad-timeout=0\n"), std::string::npos);
    auto unset = read_keyfile("[connection]\nid=a\ntype=ethernet\n", "a", "a");
    ASSERT_TRUE(unset.has_value());
    EXPECT_EQ(unset->ipv4.dad_timeout, -1);
    auto too_long = read_keyfile("[connection]\nid=a\ntype=ethernet\n[ipv4]\ndad-timeout=30001\n", "a", "a");
    EXPECT_FALSE(too_long.has_value());
}

// Found by the keyfile fuzz target (test/fuzz/corpus/keyfile/crash-*): each
// profile read, written and read again must be the same profile.
namespace {
Profile read_write_read(const char* text) {
    auto p = read_keyfile(text, "a", "a.nmconnection");
    EXPECT_TRUE(p.has_value()) << p.error().message;
    if (!p) return {};
    auto again = read_keyfile(write_keyfile(*p), "a", "again");
    EXPECT_TRUE(again.has_value()) << again.error().message;
    if (!again) return {};
    EXPECT_EQ(*again, *p);
    return *again;
}
}  // namespace

TEST(KeyfileReaderTest, TrailingSpaceOfAValueSurvivesWriteAndRead) {
    EXPECT_EQ(read_write_read("[connection]\nid=trailing\\s\nuuid=u\ntype=ethernet\n").id, "trailing ");
    EXPECT_EQ(escape_keyfile_value(" a b "), "\\sa b\\s");
}

TEST(KeyfileReaderTest, UuidAndControllerAreEscapedWhenWritten) {
    Profile p = read_write_read("[connection]\nid=x\nuuid=a\\nb\nmaster=c\\nd\nslave-type=bond\ntype=ethernet\n");
    EXPECT_EQ(p.uuid, "a\nb");
    EXPECT_EQ(p.controller, "c\nd");
}

TEST(KeyfileReaderTest, AutoNegotiateFalseIsTheDefaultTheWriterOmits) {
    Profile p = read_write_read("[connection]\nid=x\nuuid=u\ntype=ethernet\n[ethernet]\nauto-negotiate=false\n");
    ASSERT_TRUE(p.ethernet.has_value());
    EXPECT_FALSE(p.ethernet->auto_negotiate.has_value());
    Profile on = read_write_read("[connection]\nid=x\nuuid=u\ntype=ethernet\n[ethernet]\nauto-negotiate=true\n");
    EXPECT_EQ(on.ethernet->auto_negotiate, std::optional<bool>(true));
}
