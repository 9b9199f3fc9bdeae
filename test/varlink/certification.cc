#include "certification.h"

#include <cmath>

namespace earlynet::varlink::certification {

namespace {

using nlohmann::json;

json my_type() {
    return {
        {"object",
         {{"method", "org.varlink.certification.Test09"}, {"parameters", {{"map", {{"foo", "Foo"}, {"bar", "Bar"}}}}}}},
        {"enum", "two"},
        {"struct", {{"first", 1}, {"second", "2"}}},
        {"array", {"one", "two", "three"}},
        {"dictionary", {{"foo", "Foo"}, {"bar", "Bar"}}},
        {"stringset", {{"one", json::object()}, {"two", json::object()}, {"three", json::object()}}},
        {"nullable", nullptr},
        {"nullable_array_struct", nullptr},
        {"interface",
         {{"foo", {nullptr, {{"Foo", "foo"}, {"Bar", "bar"}}, nullptr, {{"one", "foo"}, {"two", "bar"}}}},
          {"anon", {{"foo", true}, {"bar", false}}}}},
    };
}

std::vector<Step> make_steps() {
    const json five = {{"bool", false}, {"int", 2}, {"float", M_PI}, {"string", "a lot of string"}};
    const json map = {{"map", {{"foo", "Foo"}, {"bar", "Bar"}}}};
    const json set = {{"set", {{"one", json::object()}, {"two", json::object()}, {"three", json::object()}}}};
    const json mytype = {{"mytype", my_type()}};
    std::vector<json> ten;
    json names = json::array();
    for (int i = 1; i <= 10; ++i) {
        ten.push_back({{"string", "Reply number " + std::to_string(i)}});
        names.push_back("Reply number " + std::to_string(i));
    }
    return {
        {"Test01", json::object(), {{{"bool", true}}}},
        {"Test02", {{"bool", true}}, {{{"int", 1}}}},
        {"Test03", {{"int", 1}}, {{{"float", 1.0}}}},
        {"Test04", {{"float", 1.0}}, {{{"string", "ping"}}}},
        {"Test05", {{"string", "ping"}}, {five}},
        {"Test06", five, {{{"struct", five}}}},
        {"Test07", {{"struct", five}}, {map}},
        {"Test08", map, {set}},
        {"Test09", set, {mytype}},
        {"Test10", mytype, ten, StepMode::More},
        {"Test11", {{"last_more_replies", names}}, {}, StepMode::Oneway},
        {"End", json::object(), {{{"all_ok", true}}}},
    };
}

}  // namespace

const std::vector<Step>& steps() {
    static const std::vector<Step> table = make_steps();
    return table;
}

json normalized(const json& value) {
    if (value.is_object()) {
        json out = json::object();
        for (const auto& [key, member] : value.items())
            if (!member.is_null()) out[key] = normalized(member);
        return out;
    }
    if (value.is_array()) {
        json out = json::array();
        for (const auto& element : value) out.push_back(normalized(element));
        return out;
    }
    return value;
}

bool same(const json& a, const json& b) {
    return normalized(a) == normalized(b);
}

}  // namespace earlynet::varlink::certification
