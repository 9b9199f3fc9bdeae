#include "varlink/interface_description.h"

#include <cctype>

namespace earlynet::varlink {

namespace {

bool is_alpha(char c) {
    return std::isalpha(static_cast<unsigned char>(c));
}
bool is_alnum(char c) {
    return std::isalnum(static_cast<unsigned char>(c));
}

// The words of a line before its comment, split at blanks and at '(' so
// that "method Start()" gives "method", "Start".
std::pair<std::string_view, std::string_view> first_two_words(std::string_view line) {
    line = line.substr(0, line.find('#'));
    auto word = [&line]() {
        std::size_t begin = line.find_first_not_of(" \t\r");
        if (begin == std::string_view::npos) return std::string_view{};
        std::size_t end = line.find_first_of(" \t\r(", begin);
        std::string_view w = line.substr(begin, end == std::string_view::npos ? line.size() - begin : end - begin);
        line = end == std::string_view::npos ? std::string_view{} : line.substr(end);
        return w;
    };
    std::string_view keyword = word();
    return {keyword, word()};
}

}  // namespace

bool is_interface_name(std::string_view name) {
    std::size_t words = 0;
    std::size_t start = 0;
    while (start <= name.size()) {
        std::size_t end = name.find('.', start);
        if (end == std::string_view::npos) end = name.size();
        std::string_view word = name.substr(start, end - start);
        if (word.empty() || !is_alpha(word.front()) || word.back() == '-') return false;
        for (char c : word)
            if (!is_alnum(c) && c != '-') return false;
        ++words;
        start = end + 1;
    }
    return words >= 2;
}

bool is_member_name(std::string_view name) {
    if (name.empty() || !std::isupper(static_cast<unsigned char>(name.front()))) return false;
    for (char c : name)
        if (!is_alnum(c)) return false;
    return true;
}

Result<InterfaceDescription> InterfaceDescription::parse(std::string_view text) {
    InterfaceDescription description;
    description.text = std::string(text);
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        auto [keyword, name] = first_two_words(text.substr(start, end - start));
        start = end + 1;
        if (keyword == "interface") {
            if (!description.name.empty()) return unexpected(ErrorCode::Malformed, "two \"interface\" lines");
            if (!is_interface_name(name))
                return unexpected(ErrorCode::Malformed, "'" + std::string(name) + "' is not an interface name");
            description.name = std::string(name);
        } else if (keyword == "method") {
            if (!is_member_name(name))
                return unexpected(ErrorCode::Malformed, "'" + std::string(name) + "' is not a method name");
            description.methods.insert(std::string(name));
        }
    }
    if (description.name.empty()) return unexpected(ErrorCode::Malformed, "no \"interface\" line");
    return description;
}

}  // namespace earlynet::varlink
