// libFuzzer target: varlink messages as a server reads them from a client
// socket (any local user may connect to /run/earlynet/io.earlynet.Network).
// Input = the bytes of a stream. Whatever they are, framing and parsing must
// not crash, and:
// - the messages do not depend on how reads cut the stream (the same bytes
//   fed whole and in two pieces give the same messages, and the cap is
//   passed in both or in neither);
// - no message longer than the cap comes out;
// - a message that parses as a call encodes and parses back to the same
//   call, and the same for a reply (what the client reads).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "varlink/frame_reader.h"
#include "varlink/message.h"

namespace {

using earlynet::varlink::FrameReader;

void require(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "invariant violated: %s\n", what);
        std::abort();
    }
}

// A small cap, so that the fuzzer reaches it with small inputs.
constexpr std::size_t kCap = 512;

struct Framed {
    std::vector<std::string> messages;
    bool failed = false;  // a message passed the cap
};

Framed frames(std::string_view stream, std::size_t cut) {
    FrameReader reader(kCap);
    Framed out;
    for (std::string_view piece : {stream.substr(0, cut), stream.substr(cut)}) {
        bool fed = bool(reader.feed(piece));
        for (;;) {
            auto next = reader.next();
            if (!next) {
                out.failed = true;
                return out;
            }
            if (!*next) break;
            require((*next)->size() <= kCap, "no message is longer than the cap");
            out.messages.push_back(std::move(**next));
        }
        if (!fed) {
            out.failed = true;
            return out;
        }
    }
    return out;
}

bool is_prefix(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    return a.size() <= b.size() && std::equal(a.begin(), a.end(), b.begin());
}

void check_call(std::string_view message) {
    auto call = earlynet::varlink::parse_call(message);
    if (!call) {
        require(call.error().code == earlynet::ErrorCode::Malformed, "a rejected call is Malformed");
        return;
    }
    auto again = earlynet::varlink::parse_call(earlynet::varlink::encode_call(*call));
    require(again.has_value(), "an encoded call parses");
    require(again->method == call->method && again->parameters == call->parameters && again->mode == call->mode &&
                again->upgrade == call->upgrade,
            "call -> encode -> parse gives the same call");
}

void check_reply(std::string_view message) {
    auto reply = earlynet::varlink::parse_reply(message);
    if (!reply) return;
    auto again = earlynet::varlink::parse_reply(earlynet::varlink::encode_reply(*reply));
    require(again.has_value(), "an encoded reply parses");
    require(
        again->error == reply->error && again->parameters == reply->parameters && again->continues == reply->continues,
        "reply -> encode -> parse gives the same reply");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 4 * kCap) return 0;
    std::string_view stream(reinterpret_cast<const char*>(data), size);
    auto whole = frames(stream, size);
    // Cut where the first byte says: the cut must not change the messages.
    // Only when the cap is passed may one run show fewer messages than the
    // other (a feed() past the cap is refused whole; the connection is
    // closed then anyway): the shorter list is a prefix of the longer.
    std::size_t cut = size == 0 ? 0 : data[0] % (size + 1);
    auto split = frames(stream, cut);
    require(split.failed == whole.failed, "the cap is passed however reads cut the stream");
    if (whole.failed) {
        require(is_prefix(whole.messages, split.messages) || is_prefix(split.messages, whole.messages),
                "messages before the cap do not depend on the cut");
    } else {
        require(split.messages == whole.messages, "framing does not depend on how reads cut the stream");
    }
    for (const auto& message : split.messages) {
        check_call(message);
        check_reply(message);
    }
    return 0;
}
