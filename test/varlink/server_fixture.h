// In-process fixtures for the server tests: an sd-event loop driven by the
// test, a Server on a socket in a temp directory serving a test interface,
// and RawPeer, a client socket that writes and reads raw bytes, so that the
// tests can send what a well-behaved client never would (broken JSON, half
// messages, no reads).
#pragma once

#include <dirent.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <systemd/sd-event.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/c_handle.h"
#include "base/fd.h"
#include "varlink/message.h"
#include "varlink/parameters.h"
#include "varlink/server.h"
#include "varlink/service_errors.h"

namespace earlynet::varlink::test {

using EventLoop = CHandle<sd_event, sd_event_unref>;

inline std::size_t open_fd_count() {
    std::size_t n = 0;
    DIR* d = ::opendir("/proc/self/fd");
    while (dirent* e = ::readdir(d))
        if (e->d_name[0] != '.') ++n;
    ::closedir(d);
    return n - 1;  // the directory stream itself
}

class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "varlink-test-XXXXXX").string();
        path_ = ::mkdtemp(pattern.data()) ? pattern : std::string();
    }
    ~TempDir() { std::filesystem::remove_all(path_); }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

// A client socket with raw bytes in and out; non-blocking, so that the test
// can run the server's loop between its steps.
class RawPeer {
public:
    explicit RawPeer(const std::string& path) : fd_(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) {
        sockaddr_un sa{};
        sa.sun_family = AF_UNIX;
        std::strncpy(sa.sun_path, path.c_str(), sizeof(sa.sun_path) - 1);
        connected_ = ::connect(fd_.get(), reinterpret_cast<const sockaddr*>(&sa), sizeof(sa)) == 0;
    }
    bool connected() const { return connected_; }
    int fd() const { return fd_.get(); }
    void close() { fd_.reset(); }
    // Says it will send nothing more; replies may still come.
    void shutdown_write() { ::shutdown(fd_.get(), SHUT_WR); }

    bool write(std::string_view bytes) {
        return ::send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
    }
    bool write_call(const Call& call) { return write(encode_call(call) + std::string(1, '\0')); }

    // Reads what is there; false at end of stream (the server closed).
    bool read_available() {
        char buffer[65536];
        for (;;) {
            ssize_t n = ::recv(fd_.get(), buffer, sizeof(buffer), MSG_DONTWAIT);
            if (n > 0) {
                input_.append(buffer, static_cast<std::size_t>(n));
                continue;
            }
            if (n == 0) return false;
            return errno == EAGAIN;
        }
    }
    // A complete reply received so far, parsed.
    std::optional<Reply> take_reply() {
        auto nul = input_.find('\0');
        if (nul == std::string::npos) return std::nullopt;
        auto reply = parse_reply(std::string_view(input_).substr(0, nul));
        input_.erase(0, nul + 1);
        if (!reply) return Reply{"unparsable reply: " + reply.error().message, {}, false};
        return *reply;
    }

private:
    Fd fd_;
    bool connected_ = false;
    std::string input_;
};

// Runs the loop until done() holds or the deadline passes (then false).
inline bool run_until(sd_event* loop, const std::function<bool()>& done,
                      std::chrono::milliseconds limit = std::chrono::milliseconds(5000)) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        if (sd_event_run(loop, 1000) < 0) return false;  // 1 ms: the peers are not on the loop
    }
    return true;
}

// The next reply for peer, running the loop meanwhile; nullopt when the
// server closed the connection first, or on timeout.
inline std::optional<Reply> next_reply(sd_event* loop, RawPeer& peer) {
    std::optional<Reply> reply;
    bool open = true;
    run_until(loop, [&] {
        if (!open) return true;
        open = peer.read_available();
        reply = peer.take_reply();
        return reply.has_value();
    });
    return reply;
}

// True once the server has closed peer's connection (end of stream).
inline bool closed_by_server(sd_event* loop, RawPeer& peer) {
    return run_until(loop, [&] {
        bool open = peer.read_available();
        while (peer.take_reply()) {
        }
        return !open;
    });
}

inline constexpr std::string_view kTestInterface = R"(# Methods for the server tests.
interface org.example.test

# Replies with its parameter.
method Echo(value: object) -> (value: object)
# Only with "more": count replies, the last one final.
method Ticks(count: int) -> (tick: int)
# Only with "more": replies of `size` bytes until the client is disconnected
# (bounded by count).
method Flood(size: int, count: int) -> (data: string)
# Kept by the test (held_calls), which answers it later.
method Later() -> ()
# The caller's credentials.
method WhoAmI() -> (uid: int, pid: int)
# Returns without an answer.
method Abandon() -> ()
# Throws.
method Throw() -> ()
# Defined, without a handler.
method Unimplemented() -> ()
)";

class ServerTest : public ::testing::Test {
protected:
    void SetUp() override {
        sd_event* loop = nullptr;
        ASSERT_GE(sd_event_new(&loop), 0);
        loop_.reset(loop);
        path_ = dir_.path() + "/test.socket";
        auto server =
            Server::listen(loop_.get(), path_, {"earlynet", "varlink test", "1", "https://example.org"}, limits());
        ASSERT_TRUE(server) << server.error().message;
        server_ = std::move(*server);
        server_->set_problem_sink([this](const Error& e) { problems_.push_back(e.message); });
        ASSERT_TRUE(server_->add_interface(kTestInterface));
        add("Echo", [](MethodCall call) {
            ParameterReader in(call.parameters());
            auto value = in.required<nlohmann::json>("value");
            if (auto invalid = in.finish()) return (void)call.reply_error(*invalid);
            (void)call.reply({{"value", value}});
        });
        add("Ticks", [](MethodCall call) {
            if (!call.wants_more()) return (void)call.reply_error(errors::expected_more());
            ParameterReader in(call.parameters());
            auto count = in.required<std::int64_t>("count");
            if (auto invalid = in.finish()) return (void)call.reply_error(*invalid);
            for (std::int64_t i = 1; i < count; ++i) (void)call.reply_continues({{"tick", i}});
            (void)call.reply({{"tick", count}});
        });
        add("Flood", [this](MethodCall call) {
            ParameterReader in(call.parameters());
            auto size = in.required<std::int64_t>("size");
            auto count = in.required<std::int64_t>("count");
            if (auto invalid = in.finish()) return (void)call.reply_error(*invalid);
            std::string data(static_cast<std::size_t>(size), 'x');
            for (flood_sent_ = 0; flood_sent_ < count; ++flood_sent_)
                if (!call.reply_continues({{"data", data}})) return;
            (void)call.reply({{"data", ""}});
        });
        add("Later", [this](MethodCall call) { held_calls_.push_back(std::move(call)); });
        add("WhoAmI", [](MethodCall call) { (void)call.reply({{"uid", call.peer().uid}, {"pid", call.peer().pid}}); });
        add("Abandon", [](MethodCall) {});
        add("Throw", [](MethodCall) { throw std::runtime_error("thrown by a handler"); });
    }

    virtual ServerLimits limits() const { return {}; }

    void add(const std::string& member, Server::Handler handler) {
        ASSERT_TRUE(server_->add_method("org.example.test." + member, std::move(handler)));
    }

    // Sends one call from peer and returns the reply (nullopt: disconnected).
    std::optional<Reply> call(RawPeer& peer, const std::string& method, nlohmann::json parameters = {},
                              CallMode mode = CallMode::Plain) {
        if (parameters.is_null()) parameters = nlohmann::json::object();
        EXPECT_TRUE(peer.write_call(Call{method, std::move(parameters), mode, false}));
        return next_reply(loop_.get(), peer);
    }

    TempDir dir_;
    std::string path_;
    EventLoop loop_;
    std::unique_ptr<Server> server_;
    std::vector<std::string> problems_;
    std::vector<MethodCall> held_calls_;
    std::int64_t flood_sent_ = 0;
};

}  // namespace earlynet::varlink::test
