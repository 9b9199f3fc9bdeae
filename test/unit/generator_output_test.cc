// Keyfile writing and the generate verb's output: NetworkManager's layout,
// defaults omitted, atomic files.
#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "cmdline/generated_output.h"
#include "profile/keyfile_writer.h"
#include "test/unit/generator_test_util.h"

using namespace earlynet;
using namespace earlynet::cmdline;
using namespace earlynet::profile;
using namespace earlynet::cmdline::testing;

namespace {
std::string keyfile_of(const std::string& cmdline, const std::string& basename) {
    auto c = read(cmdline);
    EXPECT_TRUE(c) << c.error().message;
    const Profile* p = c ? find(*c, basename) : nullptr;
    EXPECT_NE(p, nullptr) << basename;
    std::string kf = p ? write_keyfile(*p) : std::string();
    // uuids are random: blank them for comparison
    auto at = kf.find("uuid=");
    if (at != std::string::npos) kf.replace(at + 5, 36, "U");
    auto master = kf.find("master=");
    if (master != std::string::npos) kf.replace(master + 7, 36, "U");
    return kf;
}
}  // namespace

TEST(KeyfileWriterTest, StaticProfileMatchesTheReferenceText) {
    EXPECT_EQ(keyfile_of("ip=10.0.0.5::10.0.0.1:24:myhost:eth0:none", "eth0"),
              "[connection]\nid=eth0\nuuid=U\ntype=ethernet\nautoconnect-priority=-100\nautoconnect-retries=1\n"
              "interface-name=eth0\nmulti-connect=1\n\n[ethernet]\n\n[ipv4]\naddress1=10.0.0.5/24,10.0.0.1\n"
              "dhcp-hostname=myhost\ndhcp-timeout=90\nmay-fail=false\nmethod=manual\n\n[ipv6]\n"
              "dhcp-hostname=myhost\ndhcp-timeout=90\nmethod=disabled\n\n[proxy]\n\n[user]\n"
              "org.freedesktop.NetworkManager.origin=nm-initrd-generator\n");
}

TEST(KeyfileWriterTest, PortHasNoIpGroupsButControllerAndPortType) {
    std::string kf = keyfile_of("bridge=br0:eth0", "eth0");
    EXPECT_NE(kf.find("master=U\n"), std::string::npos);
    EXPECT_NE(kf.find("slave-type=bridge\n"), std::string::npos);
    EXPECT_NE(kf.find("[bridge-port]\n"), std::string::npos);
    EXPECT_EQ(kf.find("[ipv4]"), std::string::npos);
    EXPECT_EQ(kf.find("[proxy]"), std::string::npos);
}

TEST(KeyfileWriterTest, DefaultsAreOmitted) {
    std::string kf = keyfile_of("ip=eth0:auto", "eth0");
    EXPECT_EQ(kf.find("may-fail"), std::string::npos);  // true is the default
    EXPECT_EQ(kf.find("ignore-auto-dns"), std::string::npos);
    EXPECT_EQ(kf.find("wait-device-timeout"), std::string::npos);
    EXPECT_NE(kf.find("required-timeout=20000"), std::string::npos);  // v4 only
    EXPECT_EQ(kf.find("required-timeout", kf.find("[ipv6]")), std::string::npos);
}

TEST(KeyfileWriterTest, DnsListRoutesVlanBondAndS390Groups) {
    std::string a = keyfile_of("ip=eth0:dhcp:1.1.1.1:8.8.8.8 rd.route=10.1.0.0/16:192.168.1.1:eth0", "eth0");
    EXPECT_NE(a.find("dns=1.1.1.1;8.8.8.8;\n"), std::string::npos);
    EXPECT_NE(a.find("route1=10.1.0.0/16,192.168.1.1\n"), std::string::npos);
    std::string v = keyfile_of("vlan=vlan5:eth0", "vlan5");
    EXPECT_NE(v.find("[ethernet]\n\n[vlan]\nflags=1\nid=5\nparent=eth0\n"), std::string::npos) << v;
    std::string b = keyfile_of("bond=bond0:eth0:mode=802.3ad,lacp_rate=fast", "bond0");
    EXPECT_NE(b.find("[bond]\nlacp_rate=fast\nmode=802.3ad\n"), std::string::npos) << b;
    std::string z = keyfile_of("ip=enc800:dhcp rd.znet=qeth,0.0.0800,0.0.0801,0.0.0802,portno=1", "enc800");
    EXPECT_NE(z.find("s390-subchannels=0.0.0800;0.0.0801;0.0.0802;\n\n[ethernet-s390-options]\nportno=1\n"),
              std::string::npos)
        << z;
}

TEST(KeyfileWriterTest, RouteWithMetricButNoNextHop) {
    Profile p;
    p.id = "x";
    p.ipv4.routes.push_back({IpPrefix{*IpAddress::parse("10.0.0.0"), 8}, std::nullopt, 50});
    EXPECT_NE(write_keyfile(p).find("route1=10.0.0.0/8,,50\n"), std::string::npos);
}

TEST(KeyfileWriterTest, EscapesLikeGKeyFile) {
    EXPECT_EQ(escape_keyfile_value(" a\\b\nc\td"), "\\sa\\\\b\\nc\\td");
    EXPECT_EQ(escape_keyfile_value("a b"), "a b");
}

TEST(GeneratedOutputTest, StdoutLayoutIsTheReferences) {
    auto c = read("ip=::::host1::dhcp");
    ASSERT_TRUE(c);
    std::string out = render_stdout(*c);
    EXPECT_EQ(out.rfind("\n*** Hostname 'host1' ***\n\n*** Configuration '15-carrier-timeout.conf' ***\n\n"
                        "[device-15-carrier-timeout]\nmatch-device=*\ncarrier-wait-timeout=10000\n\n"
                        "[.config]\nenable=env:initrd\n\n\n*** Connection 'default_connection' ***\n\n[connection]\n",
                        0),
              0u)
        << out;
}

TEST(GeneratedOutputTest, GivenCarrierTimeoutAppliesBeyondTheInitrd) {
    auto c = read("rd.net.timeout.carrier=20");
    ASSERT_TRUE(c);
    std::string out = render_stdout(*c);
    EXPECT_NE(out.find("carrier-wait-timeout=20000\n"), std::string::npos);
    EXPECT_EQ(out.find("enable=env:initrd"), std::string::npos);
}

TEST(GeneratedOutputTest, FilesAreWrittenWithModesAndNoTemporariesLeft) {
    char dir[] = "/tmp/earlynet-out-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    std::string root = dir;
    OutputDirs dirs{root + "/c", root + "/i", root + "/r"};
    auto c = read("ip=10.0.0.5::10.0.0.1:24:myhost:eth0:none");
    ASSERT_TRUE(c);
    ASSERT_TRUE(write_files(render_files(*c, dirs)));
    struct stat st {};
    ASSERT_EQ(::stat((root + "/c/eth0.nmconnection").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    ASSERT_EQ(::stat((root + "/r/15-carrier-timeout.conf").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0644u);
    std::ifstream host(root + "/i/hostname");
    std::stringstream ss;
    ss << host.rdbuf();
    EXPECT_EQ(ss.str(), "myhost\n");
    for (const char* d : {"/c", "/i", "/r"}) {
        DIR* dh = ::opendir((root + d).c_str());
        ASSERT_NE(dh, nullptr);
        while (dirent* e = ::readdir(dh))
            EXPECT_EQ(std::string(e->d_name).find(".tmp"), std::string::npos) << e->d_name;
        ::closedir(dh);
    }
    (void)std::system(("rm -rf " + root).c_str());
}

TEST(GeneratedOutputTest, UnwritableDirectoryIsAnErrorAndLeavesNothing) {
    char dir[] = "/tmp/earlynet-out-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    std::string root = dir;
    std::ofstream(root + "/file") << "x";  // a file where a directory must go
    // The profiles come last, so the snippet and hostname are already staged
    // when the profile directory fails: none of them may appear.
    OutputDirs dirs{root + "/file/c", root + "/i", root + "/r"};
    auto c = read("ip=10.0.0.5::10.0.0.1:24:myhost:eth0:none");
    ASSERT_TRUE(c);
    auto w = write_files(render_files(*c, dirs));
    EXPECT_FALSE(w);
    struct stat st {};
    EXPECT_NE(::stat((root + "/r/15-carrier-timeout.conf").c_str(), &st), 0);
    EXPECT_NE(::stat((root + "/i/hostname").c_str(), &st), 0);
    DIR* dh = ::opendir((root + "/r").c_str());
    ASSERT_NE(dh, nullptr);
    while (dirent* e = ::readdir(dh)) {
        std::string name = e->d_name;
        EXPECT_TRUE(name == "." || name == "..") << "left behind: " << name;
    }
    ::closedir(dh);
    (void)std::system(("rm -rf " + root).c_str());
}

// ifname= crosses switch_root as a .link file udev reads in both roots; none
// is written without a link directory (generate on a person's machine).
TEST(GeneratedOutputTest, IfnameBecomesALinkFileOnlyWithALinkDirectory) {
    auto c = read("ifname=net0:52:54:00:AB:CD:EF ip=net0:dhcp");
    ASSERT_TRUE(c) << c.error().message;
    OutputDirs dirs;
    for (const auto& f : render_files(*c, dirs)) EXPECT_EQ(f.name.find(".link"), std::string::npos) << f.name;
    dirs.link_files = "/run/systemd/network";
    int links = 0;
    for (const auto& f : render_files(*c, dirs)) {
        if (f.name.find(".link") == std::string::npos) continue;
        ++links;
        EXPECT_EQ(f.dir, "/run/systemd/network");
        EXPECT_EQ(f.name, "10-earlynet-net0.link");
        EXPECT_NE(f.content.find("\n[Match]\nMACAddress=52:54:00:ab:cd:ef\n\n[Link]\nName=net0\n"), std::string::npos)
            << f.content;
    }
    EXPECT_EQ(links, 1);
}
