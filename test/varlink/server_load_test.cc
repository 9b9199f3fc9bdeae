// Server under load and abuse: many clients at once, a client that never
// reads a stream, a client that leaves in the middle of one, calls waiting
// while the loop has other work. After each the
// server holds no connection and the process no file descriptor it did not
// hold before.
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/resource.h>

#include <algorithm>

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

// Counts the turns of the loop (sd_event_run calls) and the calls served in
// each; the server's Echo handler reports to it.
struct TurnCounter {
    std::size_t served = 0;
    std::size_t most_in_one_turn = 0;

    void turn(sd_event* loop) {
        std::size_t before = served;
        ASSERT_GE(sd_event_run(loop, 1000), 0);
        most_in_one_turn = std::max(most_in_one_turn, served - before);
    }
};

// 200 clients with a call each, and one with 200 calls sent at once.
std::vector<std::unique_ptr<RawPeer>> waiting_clients(const std::string& path) {
    std::vector<std::unique_ptr<RawPeer>> peers;
    for (int i = 0; i < 200; ++i) {
        peers.push_back(std::make_unique<RawPeer>(path));
        EXPECT_TRUE(peers.back()->write_call(Call{"org.example.test.Echo", {{"value", i}}, CallMode::Plain, false}));
    }
    std::string pipelined;
    for (int i = 0; i < 200; ++i)
        pipelined += encode_call(Call{"org.example.test.Echo", {{"value", i}}, CallMode::Plain, false}) + '\0';
    peers.push_back(std::make_unique<RawPeer>(path));
    EXPECT_TRUE(peers.back()->write(pipelined));
    return peers;
}

// The daemon's DHCP and netlink share the server's loop: however many calls
// wait, a source of the loop's default priority that becomes ready runs at
// the next turn, and no turn serves more than calls_per_turn calls.
TEST_F(ServerLoadTest, WaitingCallsYieldToTheLoopsOwnSources) {
    TurnCounter turns;
    add("Echo", [&](MethodCall call) {
        ++turns.served;
        (void)call.reply({{"value", call.parameters()["value"]}});
    });
    auto peers = waiting_clients(path_);
    int ends[2];
    ASSERT_EQ(::pipe2(ends, O_CLOEXEC | O_NONBLOCK), 0);
    Fd read_end(ends[0]), write_end(ends[1]);
    struct Ready {
        TurnCounter* turns;
        std::optional<std::size_t> served_then;
    } ready{&turns, std::nullopt};
    sd_event_source* source = nullptr;
    ASSERT_GE(sd_event_add_io(
                  loop_.get(), &source, read_end.get(), EPOLLIN,
                  [](sd_event_source* s, int, std::uint32_t, void* userdata) {
                      auto* r = static_cast<Ready*>(userdata);
                      r->served_then = r->turns->served;
                      return sd_event_source_set_enabled(s, SD_EVENT_OFF);
                  },
                  &ready),
              0);
    CHandle<sd_event_source, sd_event_source_disable_unref> pipe_source(source);

    while (turns.served < 50) turns.turn(loop_.get());
    std::size_t served_before = turns.served;
    ASSERT_EQ(::write(write_end.get(), "x", 1), 1);
    while (!ready.served_then) turns.turn(loop_.get());
    EXPECT_EQ(*ready.served_then, served_before) << "calls were served before a ready source of higher priority";

    // Every call is still answered, each client's in order.
    for (std::size_t i = 0; i < 100000 && turns.served < 400; ++i) turns.turn(loop_.get());
    EXPECT_EQ(turns.served, 400u);
    EXPECT_LE(turns.most_in_one_turn, server_->limits().calls_per_turn);
    for (auto& peer : peers) ASSERT_TRUE(peer->read_available());
    for (std::size_t p = 0; p < 200; ++p) {
        auto reply = peers[p]->take_reply();
        ASSERT_TRUE(reply) << p;
        EXPECT_EQ(reply->parameters["value"], p);
    }
    for (int i = 0; i < 200; ++i) {
        auto reply = next_reply(loop_.get(), *peers[200]);
        ASSERT_TRUE(reply) << i;
        EXPECT_EQ(reply->parameters["value"], i);
    }
    pipe_source.reset();
    read_end.reset();
    write_end.reset();
    expect_everything_released(peers);
}

// Calls left for a later turn are answered even when the client said
// (shutdown) that it sends nothing more.
TEST_F(ServerLoadTest, CallsLeftForALaterTurnAreAnsweredAfterTheClientsEnd) {
    RawPeer peer(path_);
    std::string pipelined;
    for (int i = 0; i < 50; ++i)
        pipelined += encode_call(Call{"org.example.test.Echo", {{"value", i}}, CallMode::Plain, false}) + '\0';
    ASSERT_TRUE(peer.write(pipelined));
    peer.shutdown_write();
    for (int i = 0; i < 50; ++i) {
        auto reply = next_reply(loop_.get(), peer);
        ASSERT_TRUE(reply) << "the server closed before answering call " << i;
        EXPECT_EQ(reply->parameters["value"], i);
    }
    EXPECT_TRUE(closed_by_server(loop_.get(), peer));
}

}  // namespace
}  // namespace earlynet::varlink::test
