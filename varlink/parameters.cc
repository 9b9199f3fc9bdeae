#include "varlink/parameters.h"

#include "varlink/service_errors.h"

namespace earlynet::varlink {

namespace {

using nlohmann::json;

template <typename T>
bool has_type(const json& value);
template <>
bool has_type<bool>(const json& value) {
    return value.is_boolean();
}
template <>
bool has_type<std::int64_t>(const json& value) {
    // Unsigned values above INT64_MAX do not fit.
    return value.is_number_integer() &&
           (!value.is_number_unsigned() || value.get<std::uint64_t>() <= static_cast<std::uint64_t>(INT64_MAX));
}
template <>
bool has_type<double>(const json& value) {
    return value.is_number();
}
template <>
bool has_type<std::string>(const json& value) {
    return value.is_string();
}
template <>
bool has_type<json>(const json&) {
    return true;
}

}  // namespace

template <typename T>
std::optional<T> ParameterReader::convert(const std::string& name, const json& value) {
    if (has_type<T>(value)) return value.get<T>();
    if (!first_invalid_) first_invalid_ = name;
    return std::nullopt;
}

template <typename T>
T ParameterReader::required(const std::string& name) {
    read_.insert(name);
    auto it = parameters_.find(name);
    if (it == parameters_.end() || it->is_null()) {
        if (!first_invalid_) first_invalid_ = name;
        return T{};
    }
    return convert<T>(name, *it).value_or(T{});
}

template <typename T>
std::optional<T> ParameterReader::optional(const std::string& name) {
    read_.insert(name);
    auto it = parameters_.find(name);
    if (it == parameters_.end() || it->is_null()) return std::nullopt;
    return convert<T>(name, *it);
}

std::optional<Reply> ParameterReader::finish() const {
    if (first_invalid_) return errors::invalid_parameter(*first_invalid_);
    if (!parameters_.is_object()) return errors::invalid_parameter("parameters");
    for (const auto& [name, value] : parameters_.items())
        if (!read_.count(name)) return errors::invalid_parameter(name);
    return std::nullopt;
}

template bool ParameterReader::required<bool>(const std::string&);
template std::int64_t ParameterReader::required<std::int64_t>(const std::string&);
template double ParameterReader::required<double>(const std::string&);
template std::string ParameterReader::required<std::string>(const std::string&);
template json ParameterReader::required<json>(const std::string&);
template std::optional<bool> ParameterReader::optional<bool>(const std::string&);
template std::optional<std::int64_t> ParameterReader::optional<std::int64_t>(const std::string&);
template std::optional<double> ParameterReader::optional<double>(const std::string&);
template std::optional<std::string> ParameterReader::optional<std::string>(const std::string&);
template std::optional<json> ParameterReader::optional<json>(const std::string&);

}  // namespace earlynet::varlink
