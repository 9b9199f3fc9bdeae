// call_guarded: for every place where sd-event (C code) calls into us. An
// exception must never unwind through the loop: it would end the daemon, and
// with it the network of a root file system. The exception becomes an Error
// (ErrorCode::Internal) for the caller to log and to fail only what it owns.
#pragma once

#include <exception>
#include <string>
#include <utility>

#include "base/result.h"

namespace earlynet {

template <typename F>
[[nodiscard]] Result<void> call_guarded(F&& f) noexcept {
    try {
        std::forward<F>(f)();
        return {};
    } catch (const std::exception& e) {
        return unexpected(ErrorCode::Internal, std::string("internal error: ") + e.what());
    } catch (...) {
        return unexpected(ErrorCode::Internal, "internal error: unknown exception");
    }
}

}  // namespace earlynet
