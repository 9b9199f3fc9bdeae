// parse_call / parse_reply / encode_*: what a message must be, and what is a
// protocol error (ErrorCode::Malformed: the server then disconnects).
#include "varlink/message.h"

#include <gtest/gtest.h>

#include <string>

namespace earlynet::varlink {
namespace {

using nlohmann::json;

TEST(ParseCallTest, ReadsMethodParametersAndMode) {
    auto call = parse_call(R"({"method":"org.example.Foo.Bar","parameters":{"a":1},"more":true})");
    ASSERT_TRUE(call) << call.error().message;
    EXPECT_EQ(call->method, "org.example.Foo.Bar");
    EXPECT_EQ(call->parameters, json({{"a", 1}}));
    EXPECT_EQ(call->mode, CallMode::More);
    EXPECT_FALSE(call->upgrade);
}

TEST(ParseCallTest, MissingOrNullParametersAreEmpty) {
    for (const char* text : {R"({"method":"a.b.C"})", R"({"method":"a.b.C","parameters":null})"}) {
        auto call = parse_call(text);
        ASSERT_TRUE(call) << text;
        EXPECT_EQ(call->parameters, json::object()) << text;
        EXPECT_EQ(call->mode, CallMode::Plain);
    }
}

TEST(ParseCallTest, OnewayAndFalseFlags) {
    auto call = parse_call(R"({"method":"a.b.C","oneway":true,"more":false})");
    ASSERT_TRUE(call);
    EXPECT_EQ(call->mode, CallMode::Oneway);
}

TEST(ParseCallTest, UnknownKeysAreIgnored) {
    auto call = parse_call(R"({"method":"a.b.C","future":[1,2]})");
    ASSERT_TRUE(call);
}

TEST(ParseCallTest, ProtocolErrorsAreMalformed) {
    for (const char* text : {
             "",                                                 // empty
             "{",                                                // broken JSON
             R"({"method":"a.b.C"} trailing)",                   // garbage after the object
             "[]",                                               // not an object
             R"("a.b.C")",                                       // not an object
             "null",                                             //
             R"({"parameters":{}})",                             // no method
             R"({"method":42})",                                 // method not a string
             R"({"method":"a.b.C","parameters":[]})",            // parameters not an object
             R"({"method":"a.b.C","parameters":"x"})",           //
             R"({"method":"a.b.C","more":1})",                   // flag not a boolean
             R"({"method":"a.b.C","oneway":"yes"})",             //
             R"({"method":"a.b.C","upgrade":null})",             //
             R"({"method":"a.b.C","more":true,"oneway":true})",  // both
             "{\"method\":\"a.b.\xff\"}",                        // invalid UTF-8
         }) {
        auto call = parse_call(text);
        ASSERT_FALSE(call) << text;
        EXPECT_EQ(call.error().code, ErrorCode::Malformed) << text;
    }
}

TEST(ParseCallTest, NestingBeyondTheLimitIsMalformed) {
    auto nested = [](std::size_t depth) {
        return R"({"method":"a.b.C","parameters":{"x":)" + std::string(depth, '[') + std::string(depth, ']') + "}}";
    };
    EXPECT_TRUE(parse_call(nested(kMaxJsonDepth - 3)));
    EXPECT_FALSE(parse_call(nested(kMaxJsonDepth + 1)));
    EXPECT_FALSE(parse_call(nested(60000)));
}

TEST(ParseReplyTest, ReadsParametersErrorAndContinues) {
    auto reply = parse_reply(R"({"parameters":{"x":"y"},"continues":true})");
    ASSERT_TRUE(reply);
    EXPECT_TRUE(reply->ok());
    EXPECT_TRUE(reply->continues);
    EXPECT_EQ(reply->parameters, json({{"x", "y"}}));

    auto error = parse_reply(R"({"error":"org.varlink.service.InvalidParameter","parameters":{"parameter":"p"}})");
    ASSERT_TRUE(error);
    EXPECT_FALSE(error->ok());
    EXPECT_EQ(error->error, "org.varlink.service.InvalidParameter");
    EXPECT_EQ(error->parameters["parameter"], "p");
}

TEST(ParseReplyTest, ProtocolErrorsAreMalformed) {
    for (const char* text : {"[]", R"({"error":1})", R"({"error":""})", R"({"continues":"x"})", R"({"parameters":1})"})
        EXPECT_FALSE(parse_reply(text)) << text;
}

TEST(EncodeTest, CallRoundTrips) {
    for (CallMode mode : {CallMode::Plain, CallMode::More, CallMode::Oneway}) {
        Call call{"io.earlynet.Network.Describe", {{"device", "eth0"}, {"n", 3}}, mode, false};
        auto back = parse_call(encode_call(call));
        ASSERT_TRUE(back);
        EXPECT_EQ(back->method, call.method);
        EXPECT_EQ(back->parameters, call.parameters);
        EXPECT_EQ(back->mode, mode);
    }
}

TEST(EncodeTest, ReplyRoundTripsAndOmitsDefaults) {
    Reply reply{"", {{"pi", 3.141592653589793}}, true};
    std::string text = encode_reply(reply);
    EXPECT_EQ(text.find("error"), std::string::npos);
    auto back = parse_reply(text);
    ASSERT_TRUE(back);
    EXPECT_TRUE(back->continues);
    // Doubles survive exactly: the certification compares pi with ==.
    EXPECT_EQ(back->parameters["pi"].get<double>(), 3.141592653589793);
    EXPECT_EQ(encode_reply(Reply{}), R"({"parameters":{}})");
}

TEST(EncodeTest, InvalidUtf8DoesNotThrow) {
    Reply reply{"", {{"name", std::string("a\xff")}}, false};
    std::string text;
    EXPECT_NO_THROW(text = encode_reply(reply));
    EXPECT_TRUE(parse_reply(text));
}

}  // namespace
}  // namespace earlynet::varlink
