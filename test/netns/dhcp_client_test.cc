// The DHCPv4 client against a real dnsmasq across a veth (client in the
// test's namespace, server in a peer namespace; both removed by the fixture).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "base/fd.h"
#include "dhcp/ip_udp.h"
#include "dhcp/message.h"
#include "dhcp/packet_socket.h"
#include "netlink/address.h"
#include "netlink/link.h"
#include "test/netns/dhcp_test_client.h"
#include "test/netns/dnsmasq_server.h"
#include "test/netns/netns_fixture.h"

namespace earlynet::test {
namespace {

using namespace std::chrono_literals;
using dhcp::ClientState;

Ipv4Address v4(const char* s) {
    return *Ipv4Address::parse(s);
}

class DhcpClientTest : public NetnsTest {
protected:
    void SetUp() override {
        NetnsTest::SetUp();
        if (HasFatalFailure()) return;
        eth0_ = add_veth("eth0", "srv0").first;
        ip("link set srv0 netns " + peer_namespace().name());
        ip_in(peer_namespace(), "addr add 10.77.0.1/24 dev srv0");
        ip_in(peer_namespace(), "link set srv0 up");
        ip("link set eth0 up");
    }

    std::unique_ptr<DnsmasqServer> serve(DnsmasqConfig config) {
        if (config.interface.empty()) config.interface = "srv0";
        return DnsmasqServer::start(peer_namespace(), config);
    }

    dhcp::ClientConfig config_for(IfIndex ifindex) {
        dhcp::ClientConfig c;
        auto l = netlink::link::get(sock(), ifindex);
        EXPECT_TRUE(l);
        if (l && l->mac) c.mac = *l->mac;
        c.client_id = dhcp::default_client_id(c.mac);
        c.timeout = 20s;
        return c;
    }

    std::vector<netlink::Address> v4_addresses(IfIndex ifindex) {
        auto list = netlink::address::list(sock(), {AddressFamily::V4, ifindex});
        EXPECT_TRUE(list);
        return list ? *list : std::vector<netlink::Address>{};
    }

    EventLoop loop_;
    IfIndex eth0_;
};

TEST_F(DhcpClientTest, LeaseCarriesEveryOptionTheServerSends) {
    auto server =
        serve({.arguments = {
                   "--dhcp-option=option:router,10.77.0.1",
                   "--dhcp-option=option:dns-server,10.77.0.1,10.77.0.2",
                   "--dhcp-option=option:domain-name,boot.example",
                   "--dhcp-option=option:domain-search,boot.example,lab.example",
                   "--dhcp-option=option:root-path,10.77.0.1:/srv/root",
                   "--dhcp-option=option:mtu,1400",
                   "--dhcp-option=option:ntp-server,10.77.0.3",
                   "--dhcp-option=option:classless-static-route,192.168.50.0/24,10.77.0.1,0.0.0.0/0,10.77.0.1",
                   "--dhcp-boot=pxelinux.0,bootsrv,10.77.0.9",
               }});
    ASSERT_TRUE(server);
    DhcpTestClient client(loop_.get(), sock(), eth0_, config_for(eth0_), "full-lease");
    client.note("server: " + server->command_line());
    client.note("special: every option the lease decodes, BOOTP siaddr/sname/file, classless routes");
    client.adapter().start();
    client.drain();
    ASSERT_TRUE(loop_.run_until([&] { return !client.bound().empty(); })) << server->log();

    const dhcp::Lease& lease = client.bound().front();
    EXPECT_EQ(lease.address.to_string().rfind("10.77.0.", 0), 0u) << lease.address.to_string();
    EXPECT_EQ(lease.prefix_length, 24);
    EXPECT_EQ(lease.server_id, v4("10.77.0.1"));
    EXPECT_EQ(lease.lease_time, 3600s);
    EXPECT_EQ(lease.t1, 1800s);
    EXPECT_EQ(lease.t2, 3150s);
    EXPECT_EQ(lease.routers, std::vector<Ipv4Address>{v4("10.77.0.1")});
    EXPECT_EQ(lease.dns_servers, (std::vector<Ipv4Address>{v4("10.77.0.1"), v4("10.77.0.2")}));
    EXPECT_EQ(lease.domain_name, "boot.example");
    EXPECT_EQ(lease.domain_search, (std::vector<std::string>{"boot.example", "lab.example"}));
    EXPECT_EQ(lease.root_path, "10.77.0.1:/srv/root");
    EXPECT_EQ(lease.mtu, std::optional<std::uint16_t>(1400));
    EXPECT_EQ(lease.ntp_servers, std::vector<Ipv4Address>{v4("10.77.0.3")});
    ASSERT_EQ(lease.classless_routes.size(), 2u);
    EXPECT_EQ(lease.classless_routes[0], (dhcp::ClasslessRoute{v4("192.168.50.0"), 24, v4("10.77.0.1")}));
    EXPECT_EQ(lease.classless_routes[1], (dhcp::ClasslessRoute{v4("0.0.0.0"), 0, v4("10.77.0.1")}));
    EXPECT_EQ(lease.next_server, v4("10.77.0.9"));
    // We ask for 66 and 67, so dnsmasq sends the boot server and file as
    // options rather than in BOOTP's sname and file fields.
    EXPECT_EQ(lease.tftp_server_name, "bootsrv");
    EXPECT_EQ(lease.bootfile_name, "pxelinux.0");
    EXPECT_EQ(client.adapter().engine().state(), ClientState::Bound);

    // The kernel has the address, and the server's lease file has us by MAC
    // and by the client identifier we sent (01 + MAC).
    auto addresses = v4_addresses(eth0_);
    ASSERT_EQ(addresses.size(), 1u);
    EXPECT_EQ(addresses[0].local.address, IpAddress(lease.address));
    std::string mac = client.adapter().engine().config().mac.to_string();
    std::transform(mac.begin(), mac.end(), mac.begin(), ::tolower);
    EXPECT_NE(server->leases().find(mac + " " + lease.address.to_string()), std::string::npos) << server->leases();
    EXPECT_NE(server->leases().find("01:" + mac), std::string::npos) << server->leases();
    // One exchange: DISCOVER, REQUEST.
    EXPECT_EQ(client.count_sent(dhcp::MessageType::Discover), 1);
    EXPECT_EQ(client.count_sent(dhcp::MessageType::Request), 1);
}

TEST_F(DhcpClientTest, RenewsAtServerT1WithoutLosingTheAddress) {
    // dnsmasq's shortest lease is 2 minutes; options 58/59 bring T1/T2 close.
    auto server =
        serve({.lease_time = "2m", .arguments = {"--dhcp-option=option:T1,3", "--dhcp-option=option:T2,100"}});
    ASSERT_TRUE(server);
    DhcpTestClient client(loop_.get(), sock(), eth0_, config_for(eth0_), "renewal");
    client.note("server: " + server->command_line());
    client.note("special: T1 3 s from option 58; the renewal REQUEST unicast from the leased address, and its ACK");
    client.adapter().start();
    client.drain();
    ASSERT_TRUE(loop_.run_until([&] { return !client.bound().empty(); })) << server->log();
    EXPECT_EQ(client.bound()[0].t1, 3s);
    ASSERT_TRUE(loop_.run_until([&] { return !client.extended().empty(); }, 15s)) << server->log();

    const dhcp::Lease& renewed = client.extended().front();
    EXPECT_EQ(renewed.address, client.bound()[0].address);
    EXPECT_GE(renewed.acquired_at - client.bound()[0].acquired_at, 3s);
    EXPECT_TRUE(client.saw_state(ClientState::Renewing));
    EXPECT_EQ(client.adapter().engine().state(), ClientState::Bound);
    // On the wire, as the server saw it: a second REQUEST for our address
    // and a second ACK, and no second DISCOVER.
    EXPECT_EQ(server->count_in_log("DHCPACK(srv0)"), 2) << server->log();
    EXPECT_EQ(server->count_in_log("DHCPREQUEST(srv0) " + renewed.address.to_string()), 2) << server->log();
    EXPECT_EQ(client.count_sent(dhcp::MessageType::Discover), 1);
}

TEST_F(DhcpClientTest, NakForAnUnknownAddressLeadsToAFreshAcquisition) {
    auto server = serve({});
    ASSERT_TRUE(server);
    DhcpTestClient client(loop_.get(), sock(), eth0_, config_for(eth0_), "init-reboot-nak");
    client.note("server: " + server->command_line());
    client.note("special: INIT-REBOOT for 10.99.0.5, outside the server's network: NAK, then DISCOVER to ACK");
    client.adapter().start_init_reboot(v4("10.99.0.5"));  // not the server's network
    client.drain();
    ASSERT_TRUE(loop_.run_until([&] { return !client.bound().empty(); })) << server->log();

    EXPECT_TRUE(client.saw_state(ClientState::Rebooting));
    EXPECT_EQ(server->count_in_log("DHCPNAK(srv0) 10.99.0.5"), 1) << server->log();
    EXPECT_EQ(client.count_sent(dhcp::MessageType::Discover), 1);
    EXPECT_NE(client.bound()[0].address, v4("10.99.0.5"));
    EXPECT_EQ(client.bound()[0].address.to_string().rfind("10.77.0.", 0), 0u);
}

// RFC 2131 4.3.2 lets a server stay silent to an INIT-REBOOT REQUEST (no
// record of the client). dnsmasq ACKs a free address instead, so silence is
// no server at all until both INIT-REBOOT REQUESTs went unanswered: the
// client must retransmit, then fall back to DISCOVER.
TEST_F(DhcpClientTest, InitRebootToASilentServerFallsBackToDiscover) {
    DhcpTestClient client(loop_.get(), sock(), eth0_, config_for(eth0_));
    client.adapter().start_init_reboot(v4("10.77.0.99"));
    client.drain();
    auto started = std::chrono::steady_clock::now();
    std::unique_ptr<DnsmasqServer> server;
    ASSERT_TRUE(loop_.run_until(
        [&] {
            if (!server && client.count_sent(dhcp::MessageType::Request) >= 2 &&
                std::chrono::steady_clock::now() - started > std::chrono::seconds(5))
                server = serve({});
            return !client.bound().empty();
        },
        std::chrono::seconds(30)));
    EXPECT_GE(client.count_sent(dhcp::MessageType::Discover), 1);
    EXPECT_GE(client.count_sent(dhcp::MessageType::Request), 3) << "two INIT-REBOOT REQUESTs, then the selecting one";
    ASSERT_TRUE(server);
    EXPECT_GE(server->count_in_log("DHCPDISCOVER"), 1) << server->log();
}

TEST_F(DhcpClientTest, InitRebootKeepsAKnownAddress) {
    auto server = serve({});
    ASSERT_TRUE(server);
    Ipv4Address first;
    {
        DhcpTestClient client(loop_.get(), sock(), eth0_, config_for(eth0_));
        client.adapter().start();
        client.drain();
        ASSERT_TRUE(loop_.run_until([&] { return !client.bound().empty(); })) << server->log();
        first = client.bound()[0].address;
    }
    DhcpTestClient again(loop_.get(), sock(), eth0_, config_for(eth0_));
    again.adapter().start_init_reboot(first);
    again.drain();
    ASSERT_TRUE(loop_.run_until([&] { return !again.bound().empty(); })) << server->log();
    EXPECT_EQ(again.bound()[0].address, first);
    EXPECT_EQ(again.count_sent(dhcp::MessageType::Discover), 0);
}

TEST_F(DhcpClientTest, NoServerFailsAfterTheConfiguredTimeout) {
    auto config = config_for(eth0_);
    config.timeout = 3s;
    DhcpTestClient client(loop_.get(), sock(), eth0_, config);
    auto started = boot_time_now();
    client.adapter().start();
    client.drain();
    ASSERT_TRUE(loop_.run_until([&] { return client.failure().has_value(); }, 10s));
    auto took = boot_time_now() - started;
    EXPECT_GE(took, 3s);
    EXPECT_LT(took, 4s);
    EXPECT_EQ(client.failure()->code, ErrorCode::Timeout);
    EXPECT_NE(client.failure()->message.find("after 3s"), std::string::npos) << client.failure()->message;
    EXPECT_EQ(client.adapter().engine().state(), ClientState::Stopped);
    // DISCOVER at 0 s and once more at 4 s +- 1 s at most.
    EXPECT_GE(client.count_sent(dhcp::MessageType::Discover), 1);
    EXPECT_LE(client.count_sent(dhcp::MessageType::Discover), 2);
    EXPECT_TRUE(v4_addresses(eth0_).empty());
}

TEST_F(DhcpClientTest, TwoClientsOnOneSegmentGetTheirOwnLeases) {
    // srv0 and srv1 bridged in the server's namespace: one segment, two clients.
    IfIndex eth1 = add_veth("eth1", "srv1").first;
    ip("link set srv1 netns " + peer_namespace().name());
    ip_in(peer_namespace(), "addr flush dev srv0");
    ip_in(peer_namespace(), "link add br0 type bridge");
    ip_in(peer_namespace(), "link set srv0 master br0");
    ip_in(peer_namespace(), "link set srv1 master br0");
    ip_in(peer_namespace(), "link set srv1 up");
    ip_in(peer_namespace(), "addr add 10.77.0.1/24 dev br0");
    ip_in(peer_namespace(), "link set br0 up");
    ip("link set eth1 up");
    auto server = serve({.interface = "br0"});
    ASSERT_TRUE(server);

    DhcpTestClient a(loop_.get(), sock(), eth0_, config_for(eth0_));
    DhcpTestClient b(loop_.get(), sock(), eth1, config_for(eth1));
    a.adapter().start();
    a.drain();
    b.adapter().start();
    b.drain();
    ASSERT_TRUE(loop_.run_until([&] { return !a.bound().empty() && !b.bound().empty(); })) << server->log();
    EXPECT_NE(a.bound()[0].address, b.bound()[0].address);
    EXPECT_EQ(v4_addresses(eth0_).at(0).local.address, IpAddress(a.bound()[0].address));
    EXPECT_EQ(v4_addresses(eth1).at(0).local.address, IpAddress(b.bound()[0].address));
    EXPECT_EQ(server->count_in_log("DHCPACK(br0)"), 2) << server->log();
}

// Where many clients share a segment, every broadcast reply reaches each of
// them; the kernel filter drops those for another chaddr before they wake us.
// Two replies to port 68 from the other end of a veth, another host's first:
// only ours is queued.
TEST_F(DhcpClientTest, PacketSocketQueuesOnlyRepliesForItsOwnChaddr) {
    auto [p0, p1] = add_veth("p0", "p1");
    ip("link set p0 up");
    ip("link set p1 up");
    auto mac = netlink::link::get(sock(), p0);
    ASSERT_TRUE(mac && mac->mac);
    auto socket = dhcp::PacketSocket::open(p0, mac->mac->bytes());
    ASSERT_TRUE(socket) << socket.error().message;

    Fd sender(::socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_IP)));
    ASSERT_TRUE(sender);
    auto send_reply = [&](const HardwareAddress& chaddr) {
        dhcp::Message m;
        m.op = dhcp::BootpOp::Reply;
        m.htype = 1;
        m.hlen = 6;
        std::copy_n(chaddr.bytes().begin(), 6, m.chaddr.begin());
        m.options[dhcp::option::kMessageType] = {static_cast<std::uint8_t>(dhcp::MessageType::Offer)};
        auto packet = dhcp::build_ipv4_udp(v4("10.77.0.1"), 67, Ipv4Address::from_host(0xffffffff), 68,
                                           dhcp::serialize_message(m));
        sockaddr_ll to{};
        to.sll_family = AF_PACKET;
        to.sll_protocol = htons(ETH_P_IP);
        to.sll_ifindex = p1.value;
        to.sll_halen = ETH_ALEN;
        std::memset(to.sll_addr, 0xff, ETH_ALEN);
        ASSERT_GT(::sendto(sender.get(), packet.data(), packet.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
                  0)
            << std::strerror(errno);
    };
    send_reply(*HardwareAddress::parse("02:00:00:00:00:99"));
    send_reply(*mac->mac);

    pollfd readable{socket->fd(), POLLIN, 0};
    ASSERT_EQ(::poll(&readable, 1, 2000), 1);
    auto first = socket->receive();
    ASSERT_TRUE(first) << first.error().message;
    auto message = dhcp::parse_message(*first);
    ASSERT_TRUE(message);
    EXPECT_TRUE(std::equal(mac->mac->bytes().begin(), mac->mac->bytes().end(), message->chaddr.begin()))
        << "the other host's reply was queued";
    auto second = socket->receive();
    EXPECT_FALSE(second) << "a second reply was queued";
}

}  // namespace
}  // namespace earlynet::test
