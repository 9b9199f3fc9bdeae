// FrameReader: messages are cut at NUL bytes whatever the reads cut them
// into, and the cap holds however the bytes arrive.
#include "varlink/frame_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace earlynet::varlink {
namespace {

std::vector<std::string> drain(FrameReader& reader) {
    std::vector<std::string> messages;
    for (;;) {
        auto next = reader.next();
        EXPECT_TRUE(next);
        if (!next || !*next) return messages;
        messages.push_back(**next);
    }
}

TEST(FrameReaderTest, MessageInPiecesIsReturnedOnceComplete) {
    FrameReader reader(1024);
    ASSERT_TRUE(reader.feed("{\"meth"));
    EXPECT_TRUE(drain(reader).empty());
    ASSERT_TRUE(reader.feed("od\":\"a.b.C\"}"));
    EXPECT_TRUE(drain(reader).empty());
    ASSERT_TRUE(reader.feed(std::string_view("\0", 1)));
    EXPECT_EQ(drain(reader), std::vector<std::string>{"{\"method\":\"a.b.C\"}"});
    EXPECT_EQ(reader.buffered(), 0u);
}

TEST(FrameReaderTest, TwoMessagesAndAPieceInOneRead) {
    FrameReader reader(1024);
    ASSERT_TRUE(reader.feed(std::string_view("one\0two\0thr", 11)));
    EXPECT_EQ(drain(reader), (std::vector<std::string>{"one", "two"}));
    EXPECT_EQ(reader.buffered(), 3u);
    ASSERT_TRUE(reader.feed(std::string_view("ee\0", 3)));
    EXPECT_EQ(drain(reader), std::vector<std::string>{"three"});
}

TEST(FrameReaderTest, EveryByteSeparately) {
    std::string stream("{\"a\":1}\0{}\0\0x\0", 14);
    FrameReader reader(16);
    std::vector<std::string> messages;
    for (char c : stream) {
        ASSERT_TRUE(reader.feed(std::string_view(&c, 1)));
        for (auto& m : drain(reader)) messages.push_back(m);
    }
    EXPECT_EQ(messages, (std::vector<std::string>{"{\"a\":1}", "{}", "", "x"}));
}

TEST(FrameReaderTest, IncompleteMessageOverTheCapIsAnError) {
    FrameReader reader(8);
    ASSERT_TRUE(reader.feed("12345678"));
    auto fed = reader.feed("9");
    ASSERT_FALSE(fed);
    EXPECT_EQ(fed.error().code, ErrorCode::Malformed);
    EXPECT_FALSE(reader.next());
    EXPECT_FALSE(reader.feed(std::string_view("\0", 1)));  // unusable after the error
}

TEST(FrameReaderTest, MessageCompletedInOneChunkOverTheCapIsAnError) {
    // 6 bytes, then 6 more with the NUL: each chunk passes the incomplete-tail
    // check, the 11-byte message does not.
    FrameReader reader(8);
    ASSERT_TRUE(reader.feed("abcdef"));
    ASSERT_TRUE(reader.feed(std::string_view("ghijk\0", 6)));
    auto next = reader.next();
    ASSERT_FALSE(next);
    EXPECT_EQ(next.error().code, ErrorCode::Malformed);
}

TEST(FrameReaderTest, MessagesAtTheCapPassAndTheBufferStaysSmall) {
    FrameReader reader(8);
    std::string message = "12345678";
    for (int i = 0; i < 10000; ++i) {
        ASSERT_TRUE(reader.feed(message + std::string(1, '\0')));
        ASSERT_EQ(drain(reader), std::vector<std::string>{message});
    }
    EXPECT_EQ(reader.buffered(), 0u);
}

}  // namespace
}  // namespace earlynet::varlink
