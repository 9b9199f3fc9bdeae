// The varlink wire messages (https://varlink.org): a call from a client and a
// reply from a service, each one JSON object. Parsing and encoding are pure
// functions of their arguments (no I/O, no state) so that they can be fuzzed;
// the NUL byte that ends each message on the socket is frame_reader.h's.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/result.h"

namespace earlynet::varlink {

// How deep JSON may nest in a message. nlohmann's parser keeps its own stack,
// but dumping and comparing values recurse: a 64 KiB "[[[[…" must not reach them.
inline constexpr std::size_t kMaxJsonDepth = 64;

enum class CallMode {
    Plain,   // exactly one reply
    More,    // replies with "continues": true, then a final one
    Oneway,  // no reply at all
};

struct Call {
    std::string method;  // "interface.Method"; not validated here, see dispatch
    nlohmann::json parameters = nlohmann::json::object();
    CallMode mode = CallMode::Plain;
    bool upgrade = false;  // asked for a protocol upgrade; we support none
};

// A reply to a call: success (error empty) or a varlink error.
struct Reply {
    std::string error;  // the error's fully qualified name; empty on success
    nlohmann::json parameters = nlohmann::json::object();
    bool continues = false;

    bool ok() const { return error.empty(); }
};

// One message without its NUL. ErrorCode::Malformed when it is not a JSON
// object, nests deeper than kMaxJsonDepth, lacks a string "method", has
// "parameters" that are not an object (null counts as none) or flags that are
// not booleans, or sets both "more" and "oneway". Never throws.
[[nodiscard]] Result<Call> parse_call(std::string_view message);
// The same rules for a service's reply ("error" a string, "continues" a boolean).
[[nodiscard]] Result<Reply> parse_reply(std::string_view message);

// Encodings without the trailing NUL. Strings that are not valid UTF-8 are
// written with U+FFFD in their place instead of throwing.
std::string encode_call(const Call& call);
std::string encode_reply(const Reply& reply);

}  // namespace earlynet::varlink
