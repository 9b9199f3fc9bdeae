// FrameReader: splits a byte stream into varlink messages, each ended by a NUL
// byte, whatever the reads cut it into (a message in pieces, several in one
// read). Bounded: a message longer than the cap is an error, so a peer that
// never sends a NUL cannot grow the buffer without end.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace earlynet::varlink {

class FrameReader {
public:
    explicit FrameReader(std::size_t max_message_bytes) : max_message_bytes_(max_message_bytes) {}

    // Appends bytes. ErrorCode::Malformed once the message being received
    // (the bytes after the last NUL) is longer than the cap; the reader is
    // then unusable, and the connection should be closed.
    [[nodiscard]] Result<void> feed(std::string_view bytes);

    // The next complete message without its NUL, or nullopt when none is
    // complete yet. ErrorCode::Malformed when a message is longer than the cap.
    [[nodiscard]] Result<std::optional<std::string>> next();

    // Bytes received and not yet returned by next().
    std::size_t buffered() const { return buffer_.size() - start_; }

private:
    std::size_t max_message_bytes_;
    std::string buffer_;
    std::size_t start_ = 0;       // where the next message begins in buffer_
    std::size_t scanned_ = 0;     // buffer_[start_, scanned_) holds no NUL
    std::size_t tail_bytes_ = 0;  // bytes after the last NUL received
    bool failed_ = false;
};

}  // namespace earlynet::varlink
