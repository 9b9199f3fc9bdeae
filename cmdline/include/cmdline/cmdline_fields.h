// Splitting kernel command line values into fields, the way dracut and
// nm-initrd-generator do: separators inside [...] do not split (IPv6 literals),
// and a field that is exactly "[...]" loses its brackets.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace earlynet::cmdline {

class FieldReader {
public:
    explicit FieldReader(std::string_view text) : rest_(text) {}

    // The next field up to `separator` (not included). Returns an empty view for an
    // empty field and once the input is exhausted.
    std::string_view next(char separator);

    // True once every character has been consumed (a trailing separator consumes
    // the input too: "eth0:" is one field, as in the reference).
    bool at_end() const { return rest_.empty(); }

    // Everything not consumed yet, verbatim.
    std::string_view rest() const { return rest_; }

private:
    std::string_view rest_;
};

// Splits the contents of /proc/cmdline into words the way the kernel does:
// whitespace separates, double quotes group (and are removed), and a bare
// "--" ends the kernel's parameters (the rest is init's).
std::vector<std::string> split_kernel_cmdline(std::string_view cmdline);

// Splits "tag=value" at the first '='. nullopt value: no '=' at all.
struct TaggedArgument {
    std::string_view tag;
    std::optional<std::string_view> value;
};
TaggedArgument split_tag(std::string_view argument);

}  // namespace earlynet::cmdline
