// Running two tasks at once: how the local and the remote server are driven
// concurrently (both SELECTs, both copy directions) from one coroutine.
#pragma once

#include "async/task.hpp"

#include <coroutine>
#include <exception>
#include <interimap/result.hpp>
#include <optional>
#include <utility>

namespace interimap::async {

namespace detail {

/// A coroutine that starts at once and frees itself when done.
struct Detached {
    struct promise_type {
        Detached get_return_object() { return {}; }
        std::suspend_never initial_suspend() noexcept { return {}; }
        std::suspend_never final_suspend() noexcept { return {}; }
        void return_void() {}
        void unhandled_exception() noexcept { std::terminate(); }
    };
};

struct Join {
    int remaining = 2;
    std::coroutine_handle<> parent;
};

template <typename T>
Detached drive(Task<T>& task, std::optional<T>& out, Join& join) {
    out.emplace(co_await task);
    if (--join.remaining == 0 && join.parent)
        join.parent.resume();
}

struct JoinAwaiter {
    Join& join;
    bool await_ready() const noexcept { return join.remaining == 0; }
    void await_suspend(std::coroutine_handle<> h) noexcept { join.parent = h; }
    void await_resume() const noexcept {}
};

} // namespace detail

/// Starts `a` and `b` together and completes when both have. The tasks are
/// named by the caller: g++ 12 gives a by-value coroutine parameter
/// initialised from a conditional expression two owners (a double destroy
/// under ASan), so no task travels by value here.
template <typename A, typename B>
Task<std::pair<A, B>> when_both(Task<A>& a, Task<B>& b) {
    detail::Join join;
    std::optional<A> ra;
    std::optional<B> rb;
    detail::drive(a, ra, join);
    detail::drive(b, rb, join);
    co_await detail::JoinAwaiter{join};
    co_return std::pair<A, B>(std::move(*ra), std::move(*rb));
}

/// A task with nothing to do: the other half of a when_both when one server
/// has no work.
inline Task<Result<void>> nothing_to_do() {
    co_return ok();
}

/// The first failure of two results, else success.
inline Result<void> first_failure(std::pair<Result<void>, Result<void>>&& r) {
    if (!r.first)
        return std::move(r.first);
    return std::move(r.second);
}

} // namespace interimap::async
