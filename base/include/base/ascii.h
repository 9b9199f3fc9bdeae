// ASCII case folding for text that is ASCII by definition (MAC addresses, hex);
// std::tolower and std::toupper depend on the locale.
#pragma once

#include <string>

namespace earlynet {

inline std::string ascii_lower(std::string s) {
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

inline std::string ascii_upper(std::string s) {
    for (char& c : s)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return s;
}

}  // namespace earlynet
