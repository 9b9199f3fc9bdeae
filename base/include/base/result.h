// Result<T>: a value or an Error, with std::expected's member names so it can
// become an alias once the toolchain has <expected>. [[nodiscard]] so an error
// cannot be dropped silently.
#pragma once

#include <cerrno>
#include <string>
#include <utility>
#include <variant>

namespace earlynet {

enum class ErrorCode {
    System,     // errno is in Error::sys_errno
    Malformed,  // input does not follow its syntax
    Invalid,    // well-formed but not acceptable (out of range, contradictory)
    Timeout,
    Conflict,
    NotFound,  // no such thing (a device asked for by name, ...)
    NotSupported,
    Internal,  // a bug of ours caught at the event loop (an exception), see base/guard.h
};

struct Error {
    ErrorCode code = ErrorCode::Invalid;
    std::string message;
    int sys_errno = 0;

    static Error system(int err, std::string message) { return Error{ErrorCode::System, std::move(message), err}; }
};

template <typename E>
struct Unexpected {
    E error;
};

inline Unexpected<Error> unexpected(Error e) {
    return Unexpected<Error>{std::move(e)};
}
inline Unexpected<Error> unexpected(ErrorCode code, std::string message) {
    return Unexpected<Error>{Error{code, std::move(message), 0}};
}

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT(google-explicit-constructor)
    Result(Unexpected<Error> e) : v_(std::in_place_index<1>, std::move(e.error)) {}  // NOLINT

    bool has_value() const { return v_.index() == 0; }
    explicit operator bool() const { return has_value(); }

    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const { return std::get<1>(v_); }
    Error& error() { return std::get<1>(v_); }

    template <typename U>
    T value_or(U&& fallback) const& {
        return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
    }

private:
    std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Unexpected<Error> e) : error_(std::move(e.error)), ok_(false) {}  // NOLINT

    bool has_value() const { return ok_; }
    explicit operator bool() const { return ok_; }
    const Error& error() const { return error_; }
    Error& error() { return error_; }

private:
    Error error_;
    bool ok_ = true;
};

}  // namespace earlynet

// Propagates an error from an expression returning Result<...>.
#define EARLYNET_TRY(expr)                                                                                 \
    do {                                                                                                   \
        auto earlynet_try_result_ = (expr);                                                                \
        if (!earlynet_try_result_) return ::earlynet::unexpected(std::move(earlynet_try_result_.error())); \
    } while (0)
