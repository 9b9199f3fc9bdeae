// Server under load and abuse: many clients at once, a client that never
// reads a stream, a client that leaves in the middle of one. After each the
// server holds no connection and the process no file descriptor it did not
// hold before.
#include <sys/resource.h>

#include "server_fixture.h"

namespace earlynet::varlink::test {
namespace {

using nlohmann::json;

constexpr std::size_t kClients = 1000;

class ServerLoadTest : public ServerTest {
protected:
    void SetUp() override {
        // 1,000 client sockets and 1,000 accepted ones in this one process.
        rlimit limit{};
        ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
        ASSERT_GE(limit.rlim_max, 2 * kClients + 64) << "the hard RLIMIT_NOFILE is too low for this test";
        limit.rlim_cur = limit.rlim_max;
        ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &limit), 0);
        ServerTest::SetUp();
        fds_before_ = open_fd_count();
    }

    // Closes the peers and waits until the server has let go of everything.
    void expect_everything_released(std::vector<std::unique_ptr<RawPeer>>& peers) {
        peers.clear();
        EXPECT_TRUE(run_until(loop_.get(), [&] { return server_->connection_count() == 0; }));
        // One more turn of the loop frees what the last closes left.
        EXPECT_TRUE(run_until(loop_.get(), [&] { return open_fd_count() == fds_before_; }))
            << open_fd_count() << " file descriptors open, " << fds_before_ << " before";
    }

    std::size_t fds_before_ = 0;
};

TEST_F(ServerLoadTest, ThousandClientsAtOnceEachGetTheirReply) {
    std::vector<std::unique_ptr<RawPeer>> peers;
    for (std::size_t i = 0; i < kClients; ++i) {
        peers.push_back(std::make_unique<RawPeer>(path_));
        ASSERT_TRUE(peers.back()->connected()) << i;
        ASSERT_TRUE(peers.back()->write_call(Call{"org.example.test.Echo", {{"value", i}}, CallMode::Plain, false}));
    }
    std::vector<std::optional<Reply>> replies(kClients);
    std::size_t answered = 0;
    ASSERT_TRUE(run_until(
        loop_.get(),
        [&] {
            for (std::size_t i = 0; i < kClients; ++i) {
                if (replies[i]) continue;
                EXPECT_TRUE(peers[i]->read_available()) << "client " << i << " was disconnected";
                if ((replies[i] = peers[i]->take_reply())) ++answered;
            }
            return answered == kClients;
        },
        std::chrono::seconds(60)))
        << answered << " of " << kClients << " answered";
    EXPECT_EQ(server_->connection_count(), kClients);
    for (std::size_t i = 0; i < kClients; ++i) {
        EXPECT_TRUE(replies[i]->ok()) << i << ": " << replies[i]->error;
        EXPECT_EQ(replies[i]->parameters["value"], i);
    }
    EXPECT_TRUE(problems_.empty());
    expect_everything_released(peers);
}

TEST_F(ServerLoadTest, ClientThatNeverReadsIsDroppedAtTheOutputCap) {
    std::vector<std::unique_ptr<RawPeer>> peers;
    peers.push_back(std::make_unique<RawPeer>(path_));
    RawPeer& sleeper = *peers.back();
    peers.push_back(std::make_unique<RawPeer>(path_));
    RawPeer& other = *peers.back();
    // 1 KiB replies, far more than the socket buffer and the cap hold.
    constexpr std::int64_t kReplies = 1000000;
    ASSERT_TRUE(sleeper.write_call(
        Call{"org.example.test.Flood", {{"size", 1024}, {"count", kReplies}}, CallMode::More, false}));
    ASSERT_TRUE(run_until(loop_.get(), [&] { return server_->connection_count() == 1; }));
    // The stream stopped at the cap (plus what the socket took), not at its end.
    EXPECT_GT(flood_sent_, 100);
    EXPECT_LT(static_cast<std::size_t>(flood_sent_) * 1024, server_->limits().max_output_bytes + 8 * 1024 * 1024);
    ASSERT_EQ(problems_.size(), 1u);
    EXPECT_NE(problems_[0].find("reads its replies too slowly"), std::string::npos);
    // The others are still served.
    auto reply = call(other, "org.example.test.Echo", {{"value", "still here"}});
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->parameters["value"], "still here");
    // The sleeper finds its stream cut short when it finally reads.
    EXPECT_TRUE(closed_by_server(loop_.get(), sleeper));
    expect_everything_released(peers);
}

TEST_F(ServerLoadTest, ClientLeavingInTheMiddleOfAStreamIsCleanedUp) {
    std::vector<std::unique_ptr<RawPeer>> peers;
    peers.push_back(std::make_unique<RawPeer>(path_));
    RawPeer& peer = *peers.back();
    ASSERT_TRUE(peer.write_call(Call{"org.example.test.Later", json::object(), CallMode::More, false}));
    ASSERT_TRUE(run_until(loop_.get(), [&] { return held_calls_.size() == 1; }));
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(held_calls_[0].reply_continues({{"n", i}}));
        auto reply = next_reply(loop_.get(), peer);
        ASSERT_TRUE(reply);
        EXPECT_TRUE(reply->continues);
    }
    peer.close();
    // The server notices on its own, without another reply to write.
    ASSERT_TRUE(run_until(loop_.get(), [&] { return server_->connection_count() == 0; }));
    EXPECT_FALSE(held_calls_[0].connected());
    EXPECT_FALSE(held_calls_[0].reply_continues({{"n", 3}}));
    held_calls_.clear();
    expect_everything_released(peers);
    EXPECT_TRUE(problems_.empty());
}

TEST_F(ServerLoadTest, ManyStreamsLeavingAtOnce) {
    std::vector<std::unique_ptr<RawPeer>> peers;
    for (std::size_t i = 0; i < kClients; ++i) {
        peers.push_back(std::make_unique<RawPeer>(path_));
        ASSERT_TRUE(peers.back()->write_call(Call{"org.example.test.Later", json::object(), CallMode::More, false}));
    }
    ASSERT_TRUE(run_until(
        loop_.get(), [&] { return held_calls_.size() == kClients; }, std::chrono::seconds(60)));
    for (auto& held : held_calls_) ASSERT_TRUE(held.reply_continues({{"n", 0}}));
    expect_everything_released(peers);
    for (auto& held : held_calls_) EXPECT_FALSE(held.connected());
}

}  // namespace
}  // namespace earlynet::varlink::test
