#include "cmdline/cmdline_fields.h"

#include <algorithm>

namespace earlynet::cmdline {

std::string_view FieldReader::next(char separator) {
    int depth = 0;
    std::size_t i = 0;
    for (; i < rest_.size(); ++i) {
        char c = rest_[i];
        if (c == '[')
            ++depth;
        else if (c == ']' && depth > 0)
            --depth;
        else if (c == separator && depth == 0)
            break;
    }
    std::string_view field = rest_.substr(0, i);
    rest_ = i < rest_.size() ? rest_.substr(i + 1) : std::string_view{};
    if (field.size() >= 2 && field.front() == '[' && field.back() == ']' &&
        field.find('[', 1) == std::string_view::npos)
        field = field.substr(1, field.size() - 2);
    return field;
}

std::vector<std::string> split_kernel_cmdline(std::string_view cmdline) {
    std::vector<std::string> words;
    std::string word;
    bool in_quotes = false;
    bool have_word = false;
    for (char c : cmdline) {
        if (c == '"') {
            in_quotes = !in_quotes;
            have_word = true;
            continue;
        }
        if (!in_quotes && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
            if (have_word) words.push_back(std::move(word));
            word.clear();
            have_word = false;
            continue;
        }
        word += c;
        have_word = true;
    }
    if (have_word) words.push_back(std::move(word));
    // What follows a bare "--" is init's command line, not kernel parameters.
    auto init_args = std::find(words.begin(), words.end(), "--");
    words.erase(init_args, words.end());
    return words;
}

TaggedArgument split_tag(std::string_view argument) {
    auto eq = argument.find('=');
    if (eq == std::string_view::npos) return {argument, std::nullopt};
    return {argument.substr(0, eq), argument.substr(eq + 1)};
}

}  // namespace earlynet::cmdline
