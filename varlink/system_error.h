// A failed system call as the error a varlink function returns: what failed,
// then why (strerror), with the errno kept for callers that test it.
#pragma once

#include <cstring>
#include <string>

#include "base/result.h"

namespace earlynet::varlink {

inline Unexpected<Error> system_error(int err, const std::string& what) {
    return unexpected(Error::system(err, what + ": " + std::strerror(err)));
}

}  // namespace earlynet::varlink
