// org.varlink.certification (org.varlink.certification.varlink, the
// varlink project's interface for testing implementations): the sequence a
// client runs, Start, Test01 … Test11, End, where each call's parameters are
// the previous call's reply, and what every step must carry. One table read
// by our test service (which checks the client) and our test client (which
// checks the service).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace earlynet::varlink::certification {

inline constexpr const char* kInterface = "org.varlink.certification";

enum class StepMode { Plain, More, Oneway };

struct Step {
    std::string method;                   // "Test01"
    nlohmann::json parameters;            // the call's, without client_id
    std::vector<nlohmann::json> replies;  // one, ten for Test10, none for Test11
    StepMode mode = StepMode::Plain;
};

// Test01 … Test11, End (Start is apart: it only hands out the client id).
const std::vector<Step>& steps();

// Values as the certification compares them: a member that is null is the
// same as a missing one (an optional field), integers equal floats of the
// same value (nlohmann's == does that already).
nlohmann::json normalized(const nlohmann::json& value);
bool same(const nlohmann::json& a, const nlohmann::json& b);

}  // namespace earlynet::varlink::certification
