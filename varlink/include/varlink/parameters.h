// ParameterReader: reads a call's parameters by name and type, and names the
// first one that is missing, mistyped or unknown, for an
// org.varlink.service.InvalidParameter reply:
//
//   ParameterReader in(call.parameters());
//   auto name = in.required<std::string>("interface");
//   auto timeout = in.optional<std::int64_t>("timeout_usec");
//   if (auto invalid = in.finish()) return call.reply(*invalid);
//
// Every parameter the method knows must be read before finish(): those not
// read are unknown. After an error the values read are empty placeholders,
// never used because finish() reports the error.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "varlink/message.h"

namespace earlynet::varlink {

class ParameterReader {
public:
    // The parameters must outlive the reader.
    explicit ParameterReader(const nlohmann::json& parameters) : parameters_(parameters) {}

    // T is one of bool, std::int64_t, double, std::string, nlohmann::json (any
    // value). An integer is a JSON integer (1.0 is not one); a double is any number.
    template <typename T>
    T required(const std::string& name);
    // Missing and null are both nullopt.
    template <typename T>
    std::optional<T> optional(const std::string& name);

    // InvalidParameter naming the first bad parameter, in the order read;
    // else the first unknown one (alphabetical); else nullopt.
    std::optional<Reply> finish() const;

private:
    template <typename T>
    std::optional<T> convert(const std::string& name, const nlohmann::json& value);

    const nlohmann::json& parameters_;
    std::set<std::string> read_;
    std::optional<std::string> first_invalid_;
};

}  // namespace earlynet::varlink
