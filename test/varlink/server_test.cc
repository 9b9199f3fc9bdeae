// Server: framing, dispatch and the standard errors, seen from a raw client
// socket, with the server's loop run in process by the test.
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "server_fixture.h"

namespace earlynet::varlink::test {
namespace {

using nlohmann::json;

constexpr const char* kEcho = "org.example.test.Echo";

TEST_F(ServerTest, EchoAnswers) {
    RawPeer peer(path_);
    auto reply = call(peer, kEcho, {{"value", {{"a", 1}}}});
    ASSERT_TRUE(reply);
    EXPECT_TRUE(reply->ok()) << reply->error;
    EXPECT_EQ(reply->parameters, json({{"value", {{"a", 1}}}}));
    EXPECT_FALSE(reply->continues);
}

TEST_F(ServerTest, MalformedJsonDisconnectsAndOthersAreStillServed) {
    RawPeer bad(path_);
    RawPeer good(path_);
    ASSERT_TRUE(bad.write(std::string("{\"method\": \"org.example.test.Echo\"", 33) + std::string(1, '\0')));
    EXPECT_TRUE(closed_by_server(loop_.get(), bad));
    EXPECT_EQ(problems_.size(), 1u);
    auto reply = call(good, kEcho, {{"value", 1}});
    ASSERT_TRUE(reply);
    EXPECT_TRUE(reply->ok());
}

TEST_F(ServerTest, CallWithoutMethodDisconnects) {
    RawPeer peer(path_);
    ASSERT_TRUE(peer.write(std::string(R"({"parameters":{}})") + std::string(1, '\0')));
    EXPECT_TRUE(closed_by_server(loop_.get(), peer));
}

TEST_F(ServerTest, NonObjectDisconnects) {
    RawPeer peer(path_);
    ASSERT_TRUE(peer.write(std::string(R"(["org.example.test.Echo"])") + std::string(1, '\0')));
    EXPECT_TRUE(closed_by_server(loop_.get(), peer));
}

TEST_F(ServerTest, OversizedMessageDisconnects) {
    RawPeer peer(path_);
    std::string big = R"({"method":"org.example.test.Echo","parameters":{"value":")" +
                      std::string(server_->limits().max_message_bytes, 'x') + "\"}}";
    // Written in pieces as the socket takes them, the loop reading meanwhile.
    std::size_t sent = 0;
    bool closed = !run_until(loop_.get(), [&] {
        ssize_t n = ::send(peer.fd(), big.data() + sent, big.size() - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n > 0) sent += static_cast<std::size_t>(n);
        return sent == big.size() || (n < 0 && errno != EAGAIN);
    });
    EXPECT_FALSE(closed);
    EXPECT_TRUE(closed_by_server(loop_.get(), peer));
    EXPECT_EQ(server_->connection_count(), 0u);
}

TEST_F(ServerTest, MessageAtTheCapIsServed) {
    RawPeer peer(path_);
    std::string prefix = R"({"method":"org.example.test.Echo","parameters":{"value":")";
    std::string value(server_->limits().max_message_bytes - prefix.size() - 3, 'x');
    std::string message = prefix + value + "\"}}";
    ASSERT_EQ(message.size(), server_->limits().max_message_bytes);
    std::size_t sent = 0;
    ASSERT_TRUE(run_until(loop_.get(), [&] {
        ssize_t n = ::send(peer.fd(), message.data() + sent, message.size() - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n > 0) sent += static_cast<std::size_t>(n);
        return sent == message.size();
    }));
    ASSERT_TRUE(peer.write(std::string(1, '\0')));
    auto reply = next_reply(loop_.get(), peer);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->parameters["value"], value);
}

TEST_F(ServerTest, CallInPiecesIsOneCall) {
    RawPeer peer(path_);
    std::string message = encode_call(Call{kEcho, {{"value", "split"}}, CallMode::Plain, false}) + std::string(1, '\0');
    for (std::size_t i = 0; i < message.size(); i += 7) {
        ASSERT_TRUE(peer.write(message.substr(i, 7)));
        sd_event_run(loop_.get(), 0);
        if (i + 7 < message.size()) {
            ASSERT_TRUE(peer.read_available());
            ASSERT_FALSE(peer.take_reply()) << "a reply before the call was complete";
        }
    }
    auto reply = next_reply(loop_.get(), peer);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->parameters["value"], "split");
}

TEST_F(ServerTest, TwoCallsInOneWriteAreAnsweredInOrder) {
    RawPeer peer(path_);
    std::string both = encode_call(Call{kEcho, {{"value", 1}}, CallMode::Plain, false}) + std::string(1, '\0') +
                       encode_call(Call{kEcho, {{"value", 2}}, CallMode::Plain, false}) + std::string(1, '\0');
    ASSERT_TRUE(peer.write(both));
    auto first = next_reply(loop_.get(), peer);
    auto second = next_reply(loop_.get(), peer);
    ASSERT_TRUE(first && second);
    EXPECT_EQ(first->parameters["value"], 1);
    EXPECT_EQ(second->parameters["value"], 2);
}

TEST_F(ServerTest, UnknownInterface) {
    RawPeer peer(path_);
    auto reply = call(peer, "org.example.nothere.Echo");
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->error, "org.varlink.service.InterfaceNotFound");
    EXPECT_EQ(reply->parameters, json({{"interface", "org.example.nothere"}}));
}

TEST_F(ServerTest, UnknownMethod) {
    RawPeer peer(path_);
    auto reply = call(peer, "org.example.test.Nope");
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->error, "org.varlink.service.MethodNotFound");
    EXPECT_EQ(reply->parameters, json({{"method", "org.example.test.Nope"}}));
    reply = call(peer, "org.varlink.service.Nope");
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->error, "org.varlink.service.MethodNotFound");
}

TEST_F(ServerTest, MethodWithoutHandlerIsNotImplemented) {
    RawPeer peer(path_);
    auto reply = call(peer, "org.example.test.Unimplemented");
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->error, "org.varlink.service.MethodNotImplemented");
    EXPECT_EQ(reply->parameters, json({{"method", "org.example.test.Unimplemented"}}));
}

TEST_F(ServerTest, MethodNameOutsideTheSyntaxIsAnInvalidParameter) {
    RawPeer peer(path_);
    for (const char* name : {"Echo", "org.example.test.", ".Echo", "org.example.test.echo", ""}) {
        auto reply = call(peer, name);
        ASSERT_TRUE(reply) << name;
        EXPECT_EQ(reply->error, "org.varlink.service.InvalidParameter") << name;
        EXPECT_EQ(reply->parameters, json({{"parameter", "method"}})) << name;
    }
}

TEST_F(ServerTest, BadParametersAreInvalidParameter) {
    RawPeer peer(path_);
    struct Case {
        json parameters;
        const char* bad;
    };
    for (const auto& [parameters, bad] : std::vector<Case>{
             {json::object(), "value"}, {{{"value", 1}, {"other", 2}}, "other"}, {{{"count", "3"}}, "count"}}) {
        auto reply = call(peer, parameters.contains("count") ? "org.example.test.Ticks" : kEcho, parameters,
                          parameters.contains("count") ? CallMode::More : CallMode::Plain);
        ASSERT_TRUE(reply);
        EXPECT_EQ(reply->error, "org.varlink.service.InvalidParameter") << parameters.dump();
        EXPECT_EQ(reply->parameters, json({{"parameter", bad}})) << parameters.dump();
    }
}

TEST_F(ServerTest, StreamingMethodWithoutMoreIsExpectedMore) {
    RawPeer peer(path_);
    auto reply = call(peer, "org.example.test.Ticks", {{"count", 3}});
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->error, "org.varlink.service.ExpectedMore");
}

TEST_F(ServerTest, MoreRepliesContinueThenEnd) {
    RawPeer peer(path_);
    ASSERT_TRUE(peer.write_call(Call{"org.example.test.Ticks", {{"count", 3}}, CallMode::More, false}));
    for (int i = 1; i <= 3; ++i) {
        auto reply = next_reply(loop_.get(), peer);
        ASSERT_TRUE(reply);
        EXPECT_EQ(reply->parameters["tick"], i);
        EXPECT_EQ(reply->continues, i < 3);
    }
}

TEST_F(ServerTest, OnewayCallGetsNoReply) {
    RawPeer peer(path_);
    ASSERT_TRUE(peer.write_call(Call{kEcho, {{"value", "oneway"}}, CallMode::Oneway, false}));
    ASSERT_TRUE(peer.write_call(Call{kEcho, {{"value", "plain"}}, CallMode::Plain, false}));
    auto reply = next_reply(loop_.get(), peer);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->parameters["value"], "plain");
    // Nor do errors of a oneway call.
    ASSERT_TRUE(peer.write_call(Call{"org.example.test.Nope", json::object(), CallMode::Oneway, false}));
    ASSERT_TRUE(peer.write_call(Call{kEcho, {{"value", "after"}}, CallMode::Plain, false}));
    reply = next_reply(loop_.get(), peer);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->parameters["value"], "after");
}

TEST_F(ServerTest, UpgradeIsRefused) {
    RawPeer peer(path_);
    ASSERT_TRUE(peer.write(std::string(R"({"method":"org.example.test.Echo","upgrade":true})") + std::string(1, '\0')));
    auto reply = next_reply(loop_.get(), peer);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->parameters, json({{"parameter", "upgrade"}}));
}

TEST_F(ServerTest, GetInfoListsTheInterfaces) {
    RawPeer peer(path_);
    auto reply = call(peer, "org.varlink.service.GetInfo");
    ASSERT_TRUE(reply);
    EXPECT_TRUE(reply->ok()) << reply->error;
    EXPECT_EQ(reply->parameters, json({{"vendor", "earlynet"},
                                       {"product", "varlink test"},
                                       {"version", "1"},
                                       {"url", "https://example.org"},
                                       {"interfaces", {"org.example.test", "org.varlink.service"}}}));
    reply = call(peer, "org.varlink.service.GetInfo", {{"unexpected", 1}});
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->parameters, json({{"parameter", "unexpected"}}));
}

TEST_F(ServerTest, GetInterfaceDescriptionServesTheEmbeddedText) {
    RawPeer peer(path_);
    auto reply = call(peer, "org.varlink.service.GetInterfaceDescription", {{"interface", "org.example.test"}});
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->parameters, json({{"description", kTestInterface}}));
    reply = call(peer, "org.varlink.service.GetInterfaceDescription", {{"interface", "org.varlink.service"}});
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->parameters["description"].get<std::string>().rfind("# The Varlink Service Interface", 0), 0u);
    EXPECT_NE(reply->parameters["description"].get<std::string>().find("error ExpectedMore ()"), std::string::npos);
    reply = call(peer, "org.varlink.service.GetInterfaceDescription", {{"interface", "org.example.nothere"}});
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->error, "org.varlink.service.InterfaceNotFound");
    reply = call(peer, "org.varlink.service.GetInterfaceDescription");
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->parameters, json({{"parameter", "interface"}}));
}

TEST_F(ServerTest, HandlerSeesThePeersCredentials) {
    RawPeer peer(path_);
    auto reply = call(peer, "org.example.test.WhoAmI");
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->parameters["uid"], ::getuid());
    EXPECT_EQ(reply->parameters["pid"], ::getpid());
}

TEST_F(ServerTest, LaterReplyKeepsTheOrderOfCalls) {
    RawPeer peer(path_);
    ASSERT_TRUE(peer.write_call(Call{"org.example.test.Later", json::object(), CallMode::Plain, false}));
    ASSERT_TRUE(peer.write_call(Call{kEcho, {{"value", "second"}}, CallMode::Plain, false}));
    ASSERT_TRUE(run_until(loop_.get(), [&] { return held_calls_.size() == 1; }));
    // The second call waits for the first one's answer.
    for (int i = 0; i < 20; ++i) sd_event_run(loop_.get(), 1000);
    ASSERT_TRUE(peer.read_available());
    EXPECT_FALSE(peer.take_reply());
    ASSERT_TRUE(held_calls_[0].reply({{"first", true}}));
    auto first = next_reply(loop_.get(), peer);
    auto second = next_reply(loop_.get(), peer);
    ASSERT_TRUE(first && second);
    EXPECT_EQ(first->parameters, json({{"first", true}}));
    EXPECT_EQ(second->parameters["value"], "second");
    EXPECT_FALSE(held_calls_[0].reply({}));  // answered already
}

TEST_F(ServerTest, AbandonedCallDisconnectsItsClient) {
    RawPeer peer(path_);
    ASSERT_TRUE(peer.write_call(Call{"org.example.test.Abandon", json::object(), CallMode::Plain, false}));
    EXPECT_TRUE(closed_by_server(loop_.get(), peer));
    ASSERT_EQ(problems_.size(), 1u);
    EXPECT_NE(problems_[0].find("org.example.test.Abandon was never answered"), std::string::npos);
}

TEST_F(ServerTest, ThrowingHandlerLosesOnlyItsClient) {
    RawPeer thrower(path_);
    RawPeer other(path_);
    ASSERT_TRUE(thrower.write_call(Call{"org.example.test.Throw", json::object(), CallMode::Plain, false}));
    EXPECT_TRUE(closed_by_server(loop_.get(), thrower));
    bool reported = false;
    for (const auto& p : problems_) reported |= p.find("thrown by a handler") != std::string::npos;
    EXPECT_TRUE(reported);
    auto reply = call(other, kEcho, {{"value", 1}});
    ASSERT_TRUE(reply);
    EXPECT_TRUE(reply->ok());
}

TEST_F(ServerTest, ReplyToAClientThatLeftFails) {
    RawPeer peer(path_);
    ASSERT_TRUE(peer.write_call(Call{"org.example.test.Later", json::object(), CallMode::More, false}));
    ASSERT_TRUE(run_until(loop_.get(), [&] { return held_calls_.size() == 1; }));
    EXPECT_TRUE(held_calls_[0].connected());
    EXPECT_EQ(held_calls_[0].peer().uid, ::getuid());
    peer.close();
    ASSERT_TRUE(run_until(loop_.get(), [&] { return server_->connection_count() == 0; }));
    EXPECT_FALSE(held_calls_[0].connected());
    EXPECT_FALSE(held_calls_[0].reply_continues({{"x", 1}}));
}

TEST_F(ServerTest, HalfClosedClientStillGetsItsReplies) {
    RawPeer peer(path_);
    ASSERT_TRUE(peer.write_call(Call{"org.example.test.Ticks", {{"count", 2}}, CallMode::More, false}));
    ASSERT_EQ(::shutdown(peer.fd(), SHUT_WR), 0);
    auto one = next_reply(loop_.get(), peer);
    auto two = next_reply(loop_.get(), peer);
    ASSERT_TRUE(one && two);
    EXPECT_EQ(two->parameters["tick"], 2);
    EXPECT_TRUE(closed_by_server(loop_.get(), peer));
}

TEST_F(ServerTest, SocketIsWorldWritableAndAStaleOneIsReplaced) {
    struct stat st {};
    ASSERT_EQ(::stat(path_.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0666u);
    server_.reset();  // leaves the socket file behind, as a crash would
    auto again = Server::listen(loop_.get(), path_, {});
    ASSERT_TRUE(again) << again.error().message;
}

TEST_F(ServerTest, AddMethodNeedsAnInterfaceThatDefinesIt) {
    EXPECT_FALSE(server_->add_method("org.example.test.Missing", [](MethodCall) {}));
    EXPECT_FALSE(server_->add_method("org.example.other.Echo", [](MethodCall) {}));
    EXPECT_FALSE(server_->add_method("org.varlink.service.GetInfo", [](MethodCall) {}));
    EXPECT_FALSE(server_->add_interface(kTestInterface));  // twice
    EXPECT_FALSE(server_->add_interface("no interface line"));
}

}  // namespace
}  // namespace earlynet::varlink::test

namespace earlynet::varlink::test {
namespace {

TEST_F(ServerTest, ClientLeavingWithHalfAMessageIsClosed) {
    RawPeer peer(path_);
    ASSERT_TRUE(peer.write(R"({"method":"org.example.test.Echo","para)"));
    ASSERT_EQ(::shutdown(peer.fd(), SHUT_WR), 0);
    EXPECT_TRUE(closed_by_server(loop_.get(), peer));
    EXPECT_EQ(server_->connection_count(), 0u);
}

class SmallServerTest : public ServerTest {
protected:
    ServerLimits limits() const override {
        ServerLimits small;
        small.max_connections = 2;
        return small;
    }
};

TEST_F(SmallServerTest, ConnectionsBeyondTheLimitAreClosed) {
    RawPeer first(path_);
    RawPeer second(path_);
    ASSERT_TRUE(run_until(loop_.get(), [&] { return server_->connection_count() == 2; }));
    RawPeer third(path_);
    EXPECT_TRUE(closed_by_server(loop_.get(), third));
    EXPECT_EQ(server_->connection_count(), 2u);
    auto reply = call(second, "org.example.test.Echo", {{"value", 2}});
    ASSERT_TRUE(reply);
    EXPECT_TRUE(reply->ok());
}

}  // namespace
}  // namespace earlynet::varlink::test

namespace earlynet::varlink::test {
namespace {

// What the daemon relies on to refuse changing methods to users other than
// root: the uid a handler sees is the connecting process's, and any local
// user may connect (the socket is 0666).
TEST_F(ServerTest, HandlerSeesAnotherUsersUid) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to become another user";
    constexpr uid_t kNobody = 65534;
    ASSERT_EQ(::chmod(dir_.path().c_str(), 0755), 0);
    pid_t child = ::fork();
    if (child == 0) {
        if (::setgroups(0, nullptr) < 0 || ::setresgid(kNobody, kNobody, kNobody) < 0 ||
            ::setresuid(kNobody, kNobody, kNobody) < 0)
            ::_exit(10);
        RawPeer peer(path_);
        if (!peer.connected()) ::_exit(11);
        if (!peer.write_call(Call{"org.example.test.WhoAmI", nlohmann::json::object(), CallMode::Plain, false}))
            ::_exit(12);
        for (int i = 0; i < 5000; ++i) {
            pollfd p{peer.fd(), POLLIN, 0};
            ::poll(&p, 1, 1);
            if (!peer.read_available()) ::_exit(13);
            if (auto reply = peer.take_reply()) ::_exit(reply->parameters.value("uid", 0) == kNobody ? 0 : 14);
        }
        ::_exit(15);
    }
    int status = -1;
    ASSERT_TRUE(run_until(loop_.get(), [&] { return ::waitpid(child, &status, WNOHANG) == child; }));
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "10: could not become nobody, 11: could not connect, 14: wrong uid";
}

}  // namespace
}  // namespace earlynet::varlink::test
