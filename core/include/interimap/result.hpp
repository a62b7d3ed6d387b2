// Errors as values. Every call that crosses a plugin boundary returns a
// Result<T>: either a value or an Error carrying a category and one line of
// text meant for the user. Exceptions never cross a plugin boundary.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace interimap {

/// What kind of failure happened; lets the caller decide whether to retry
/// (network), to abort (protocol, config) or to report a mismatch (abi).
enum class ErrorCode {
    io,           ///< read/write/connect failed at the OS level
    closed,       ///< the peer closed the connection (or the tunnel exited)
    timeout,      ///< no answer within the configured time
    protocol,     ///< the server said something that breaks the protocol
    refused,      ///< the server answered NO or BAD
    auth,         ///< authentication failed or is impossible
    config,       ///< the configuration is wrong
    tls,          ///< TLS handshake or verification failed
    locked,       ///< a resource (the database) is held by another process
    not_found,    ///< a file, plugin or record does not exist
    abi_mismatch, ///< a plugin was built for another ABI version
    storage,      ///< the state store failed
    internal,     ///< a bug: an invariant did not hold
};

/// A failure: a category and a message naming the cause and where.
struct Error {
    ErrorCode code = ErrorCode::internal;
    std::string message;
    /// Who the error is about, as a log name ("local", "remote",
    /// "database"), when its producer knows; empty otherwise.
    std::string context = {};
};

inline Error make_error(ErrorCode code, std::string message, std::string context = {}) {
    return Error{code, std::move(message), std::move(context)};
}

/// Tag type to build an error Result: `return Fail(ErrorCode::io, "...")`.
struct Fail {
    Error error;
    Fail(ErrorCode code, std::string message, std::string context = {})
        : error{code, std::move(message), std::move(context)} {}
    Fail(Error e) : error(std::move(e)) {}
};

/// Either a T or an Error (a minimal std::expected, which C++20 lacks).
template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
    Result(Fail failure) : state_(std::in_place_index<1>, std::move(failure.error)) {}
    template <typename U>
    requires std::is_constructible_v<T, U&&> &&
        (!std::is_same_v<std::decay_t<U>, Result>)&&(!std::is_same_v<std::decay_t<U>, Fail>)&&(
            !std::is_same_v<std::decay_t<U>, T>)Result(U&& value)
        : state_(std::in_place_index<0>, T(std::forward<U>(value))) {}

    bool has_value() const { return state_.index() == 0; }
    explicit operator bool() const { return has_value(); }

    T& value() & {
        assert(has_value());
        return std::get<0>(state_);
    }
    const T& value() const& {
        assert(has_value());
        return std::get<0>(state_);
    }
    T&& value() && {
        assert(has_value());
        return std::get<0>(std::move(state_));
    }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    /// By value on a temporary, so `for (auto x : *store.mapping(id))` is safe.
    T operator*() && { return std::move(value()); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const& {
        assert(!has_value());
        return std::get<1>(state_);
    }
    Error&& error() && {
        assert(!has_value());
        return std::get<1>(std::move(state_));
    }

private:
    std::variant<T, Error> state_;
};

/// Result of an operation that yields nothing but may fail.
template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Fail failure) : error_(std::move(failure.error)), failed_(true) {}

    bool has_value() const { return !failed_; }
    explicit operator bool() const { return !failed_; }
    const Error& error() const& {
        assert(failed_);
        return error_;
    }
    Error&& error() && {
        assert(failed_);
        return std::move(error_);
    }

private:
    Error error_;
    bool failed_ = false;
};

inline Result<void> ok() {
    return {};
}

} // namespace interimap

/// Propagate an error: `INTERIMAP_TRY(stream->write(data));`
#define INTERIMAP_TRY(expr)                                                                        \
    do {                                                                                           \
        auto interimap_try_result_ = (expr);                                                       \
        if (!interimap_try_result_)                                                                \
            return ::interimap::Fail(std::move(interimap_try_result_).error());                    \
    } while (0)
