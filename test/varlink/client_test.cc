// Client: addresses, timeouts, a service that goes away, and replies that
// arrive together, against a listening socket the test answers by hand (the
// client blocks, so the "service" is whatever the test wrote beforehand).
#include "varlink/client.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <chrono>

#include "child_process.h"
#include "server_fixture.h"

namespace earlynet::varlink::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

class ClientTest : public ::testing::Test {
protected:
    void SetUp() override {
        path_ = dir_.path() + "/service.socket";
        listening_ = listening_socket(path_);
        ASSERT_TRUE(listening_.valid());
    }

    // The service's end of the client's connection (already in the backlog).
    Fd accept_client() { return Fd(::accept4(listening_.get(), nullptr, nullptr, SOCK_CLOEXEC)); }

    static void write_all(const Fd& fd, std::string_view bytes) {
        ASSERT_EQ(::send(fd.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size()));
    }

    // What the client sent, up to its first NUL.
    static std::string read_call(const Fd& fd) {
        std::string text;
        char c;
        while (::recv(fd.get(), &c, 1, 0) == 1 && c != '\0') text.push_back(c);
        return text;
    }

    TempDir dir_;
    std::string path_;
    Fd listening_;
};

TEST(UnixSocketPathTest, ReadsUnixAddresses) {
    EXPECT_EQ(unix_socket_path("unix:/run/earlynet/io.earlynet.Network").value_or(""),
              "/run/earlynet/io.earlynet.Network");
    EXPECT_EQ(unix_socket_path("unix:/tmp/s;mode=0666").value_or(""), "/tmp/s");
    for (const char* bad : {"", "unix:", "tcp:127.0.0.1:12345", "/run/x", "unix:;mode=0600"}) {
        auto path = unix_socket_path(bad);
        ASSERT_FALSE(path) << bad;
        EXPECT_EQ(path.error().code, ErrorCode::Invalid) << bad;
    }
}

TEST_F(ClientTest, ConnectToNothingFails) {
    auto client = Client::connect("unix:" + dir_.path() + "/nothing", 1s);
    ASSERT_FALSE(client);
    EXPECT_EQ(client.error().code, ErrorCode::System);
    EXPECT_EQ(client.error().sys_errno, ENOENT);
}

TEST_F(ClientTest, CallSendsTheMessageAndReadsTheReply) {
    auto client = Client::connect("unix:" + path_, 1s);
    ASSERT_TRUE(client) << client.error().message;
    Fd service = accept_client();
    write_all(service, std::string(R"({"parameters":{"x":1}})") + std::string(1, '\0'));
    auto reply = client->call("org.example.test.Echo", {{"value", 1}}, 1s);
    ASSERT_TRUE(reply) << reply.error().message;
    EXPECT_TRUE(reply->ok());
    EXPECT_EQ(reply->parameters, json({{"x", 1}}));
    auto sent = parse_call(read_call(service));
    ASSERT_TRUE(sent);
    EXPECT_EQ(sent->method, "org.example.test.Echo");
    EXPECT_EQ(sent->parameters, json({{"value", 1}}));
    EXPECT_EQ(sent->mode, CallMode::Plain);
}

TEST_F(ClientTest, ErrorReplyIsAReplyNotAFailure) {
    auto client = Client::connect("unix:" + path_, 1s);
    ASSERT_TRUE(client);
    Fd service = accept_client();
    write_all(service, encode_reply(errors::invalid_parameter("value")) + std::string(1, '\0'));
    auto reply = client->call("org.example.test.Echo", json::object(), 1s);
    ASSERT_TRUE(reply);
    EXPECT_FALSE(reply->ok());
    EXPECT_EQ(reply->error, "org.varlink.service.InvalidParameter");
    EXPECT_EQ(reply->parameters["parameter"], "value");
}

TEST_F(ClientTest, ServiceThatDoesNotAnswerTimesOut) {
    auto client = Client::connect("unix:" + path_, 1s);
    ASSERT_TRUE(client);
    auto start = std::chrono::steady_clock::now();
    auto reply = client->call("org.example.test.Echo", json::object(), 200ms);
    ASSERT_FALSE(reply);
    EXPECT_EQ(reply.error().code, ErrorCode::Timeout);
    EXPECT_GE(std::chrono::steady_clock::now() - start, 200ms);
}

TEST_F(ClientTest, ServiceClosingIsAnError) {
    auto client = Client::connect("unix:" + path_, 1s);
    ASSERT_TRUE(client);
    accept_client().reset();
    auto reply = client->call("org.example.test.Echo", json::object(), 1s);
    ASSERT_FALSE(reply);
    EXPECT_EQ(reply.error().code, ErrorCode::System);
}

TEST_F(ClientTest, MoreRepliesArriveTogetherAndEndAtTheFinalOne) {
    auto client = Client::connect("unix:" + path_, 1s);
    ASSERT_TRUE(client);
    Fd service = accept_client();
    std::string nul(1, '\0');
    write_all(service, R"({"parameters":{"n":1},"continues":true})" + nul +
                           R"({"parameters":{"n":2},"continues":true})" + nul + R"({"parameters":{"n":3}})" + nul +
                           R"({"parameters":{"next":true}})" + nul);
    std::vector<int> seen;
    auto done = client->call_more("org.example.test.Ticks", {{"count", 3}}, 1s, [&](const Reply& r) {
        seen.push_back(r.parameters["n"]);
        return true;
    });
    ASSERT_TRUE(done) << done.error().message;
    EXPECT_EQ(seen, (std::vector<int>{1, 2, 3}));
    EXPECT_EQ(parse_call(read_call(service))->mode, CallMode::More);
    // The reply after the final one belongs to the next call.
    auto next = client->call("org.example.test.Echo", json::object(), 1s);
    ASSERT_TRUE(next);
    EXPECT_EQ(next->parameters, json({{"next", true}}));
}

TEST_F(ClientTest, OnewayWaitsForNothing) {
    auto client = Client::connect("unix:" + path_, 1s);
    ASSERT_TRUE(client);
    Fd service = accept_client();
    ASSERT_TRUE(client->call_oneway("org.example.test.Echo", {{"value", 1}}, 1s));
    EXPECT_EQ(parse_call(read_call(service))->mode, CallMode::Oneway);
}

TEST_F(ClientTest, ReplyWithoutNulBeyondTheCapIsAnError) {
    auto client = Client::connect("unix:" + path_, 1s);
    ASSERT_TRUE(client);
    Fd service = accept_client();
    std::string endless(64 * 1024, ' ');
    // More than the cap: a child process writes it while the (blocking)
    // client reads.
    pid_t writer = ::fork();
    if (writer == 0) {
        for (std::size_t sent = 0; sent <= Client::kMaxReplyBytes;) {
            ssize_t n = ::send(service.get(), endless.data(), endless.size(), MSG_NOSIGNAL);
            if (n <= 0) ::_exit(0);
            sent += static_cast<std::size_t>(n);
        }
        ::_exit(0);
    }
    auto reply = client->receive(10s);
    ::kill(writer, SIGKILL);
    ::waitpid(writer, nullptr, 0);
    ASSERT_FALSE(reply);
    EXPECT_EQ(reply.error().code, ErrorCode::Malformed);
}

}  // namespace
}  // namespace earlynet::varlink::test
