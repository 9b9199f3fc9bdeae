#include "varlink/frame_reader.h"

#include <cstring>

namespace earlynet::varlink {

Result<void> FrameReader::feed(std::string_view bytes) {
    if (failed_) return unexpected(ErrorCode::Malformed, "message longer than the limit");
    if (bytes.empty()) return {};
    const void* last_nul = ::memrchr(bytes.data(), '\0', bytes.size());
    if (last_nul) {
        tail_bytes_ = bytes.size() - (static_cast<const char*>(last_nul) - bytes.data()) - 1;
    } else {
        tail_bytes_ += bytes.size();
    }
    // Checked before appending: what a peer sends past the cap never costs memory.
    if (tail_bytes_ > max_message_bytes_) {
        failed_ = true;
        return unexpected(ErrorCode::Malformed, "message longer than " + std::to_string(max_message_bytes_) +
                                                    " bytes without its terminating NUL");
    }
    // Reclaim what next() consumed before growing: the buffer stays near one
    // message however long the connection lives.
    if (start_ > 0 && start_ >= buffer_.size() / 2) {
        buffer_.erase(0, start_);
        scanned_ -= start_;
        start_ = 0;
    }
    buffer_.append(bytes);
    return {};
}

Result<std::optional<std::string>> FrameReader::next() {
    if (failed_) return unexpected(ErrorCode::Malformed, "message longer than the limit");
    std::size_t end = buffer_.find('\0', scanned_);
    if (end == std::string::npos) {
        scanned_ = buffer_.size();
        return std::optional<std::string>{};
    }
    // feed() bounds the message still incomplete; one that a chunk completed
    // (60 KiB, then 10 KiB ending in its NUL) is bounded here.
    if (end - start_ > max_message_bytes_) {
        failed_ = true;
        return unexpected(ErrorCode::Malformed, "message longer than " + std::to_string(max_message_bytes_) + " bytes");
    }
    std::optional<std::string> message(std::in_place, buffer_, start_, end - start_);
    start_ = end + 1;
    scanned_ = start_;
    if (start_ == buffer_.size()) {
        buffer_.clear();
        start_ = 0;
        scanned_ = 0;
    }
    return message;
}

}  // namespace earlynet::varlink
