// ParameterReader: a method names its parameters and types, and the first
// one missing, mistyped or unknown becomes InvalidParameter.
#include "varlink/parameters.h"

#include <gtest/gtest.h>

#include "varlink/service_errors.h"

namespace earlynet::varlink {
namespace {

using nlohmann::json;

std::string invalid_parameter_of(const std::optional<Reply>& reply) {
    if (!reply) return "";
    EXPECT_EQ(reply->error, errors::kInvalidParameter);
    return reply->parameters.value("parameter", "?");
}

TEST(ParameterReaderTest, ReadsEveryType) {
    json p = {{"b", true}, {"i", -3}, {"d", 1.5}, {"s", "x"}, {"o", {{"k", 1}}}, {"u", 7}};
    ParameterReader in(p);
    EXPECT_EQ(in.required<bool>("b"), true);
    EXPECT_EQ(in.required<std::int64_t>("i"), -3);
    EXPECT_EQ(in.required<double>("d"), 1.5);
    EXPECT_EQ(in.required<std::string>("s"), "x");
    EXPECT_EQ(in.required<json>("o"), json({{"k", 1}}));
    EXPECT_EQ(in.optional<double>("u"), 7.0);  // an integer is a number
    EXPECT_EQ(in.optional<std::string>("absent"), std::nullopt);
    EXPECT_EQ(in.finish(), std::nullopt);
}

TEST(ParameterReaderTest, MissingRequiredIsInvalid) {
    json p = json::object();
    ParameterReader in(p);
    (void)in.required<std::string>("interface");
    EXPECT_EQ(invalid_parameter_of(in.finish()), "interface");
}

TEST(ParameterReaderTest, NullRequiredIsInvalidNullOptionalIsAbsent) {
    json p = {{"a", nullptr}, {"b", nullptr}};
    ParameterReader in(p);
    EXPECT_EQ(in.optional<bool>("b"), std::nullopt);
    (void)in.required<bool>("a");
    EXPECT_EQ(invalid_parameter_of(in.finish()), "a");
}

TEST(ParameterReaderTest, MistypedIsInvalid) {
    struct Case {
        json value;
        const char* type;
    };
    for (const auto& [value, type] : std::vector<Case>{{"1", "int"},
                                                       {1.5, "int"},
                                                       {18446744073709551615u, "int"},
                                                       {1, "bool"},
                                                       {"true", "bool"},
                                                       {1, "string"},
                                                       {"1.0", "double"}}) {
        json p = {{"x", value}};
        ParameterReader in(p);
        if (std::string(type) == "int") (void)in.required<std::int64_t>("x");
        if (std::string(type) == "bool") (void)in.optional<bool>("x");
        if (std::string(type) == "string") (void)in.required<std::string>("x");
        if (std::string(type) == "double") (void)in.required<double>("x");
        EXPECT_EQ(invalid_parameter_of(in.finish()), "x") << value.dump() << " as " << type;
    }
}

TEST(ParameterReaderTest, UnknownParameterIsInvalid) {
    json p = {{"known", 1}, {"zzz", 2}, {"extra", 3}};
    ParameterReader in(p);
    (void)in.required<std::int64_t>("known");
    EXPECT_EQ(invalid_parameter_of(in.finish()), "extra");
}

TEST(ParameterReaderTest, FirstBadOneInReadingOrderWins) {
    json p = {{"a", "x"}, {"b", "y"}};
    ParameterReader in(p);
    (void)in.required<bool>("b");
    (void)in.required<bool>("a");
    EXPECT_EQ(invalid_parameter_of(in.finish()), "b");
}

}  // namespace
}  // namespace earlynet::varlink
