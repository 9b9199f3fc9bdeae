// InterfaceDescription: a varlink interface definition (the text of a
// .varlink file, served as it is by GetInterfaceDescription) and what the
// server reads from it: the interface's name and its methods' names, which
// tell an unknown method (MethodNotFound) from one without a handler
// (MethodNotImplemented). Types are not checked against the text: methods
// validate their parameters with ParameterReader.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "base/result.h"

namespace earlynet::varlink {

struct InterfaceDescription {
    std::string name;               // "org.varlink.certification"
    std::set<std::string> methods;  // "Start", "Test01", ...
    std::string text;               // the definition as written

    // ErrorCode::Malformed when the text has no "interface NAME" line or a
    // name does not follow the varlink syntax.
    [[nodiscard]] static Result<InterfaceDescription> parse(std::string_view text);
};

// "org.varlink.service": reverse-domain words of [A-Za-z0-9-], at least two,
// each starting with a letter (varlink.org, "Interface Name").
bool is_interface_name(std::string_view name);
// "GetInfo": starts with an upper-case letter, then letters and digits.
bool is_member_name(std::string_view name);

}  // namespace earlynet::varlink
