// Coroutine tasks: the sync logic is written as straight-line code that
// co_awaits IMAP command completions, while the event loop drives both
// servers' sockets. Issuing several commands before awaiting any of them is
// what pipelines them.
#pragma once

#include <coroutine>
#include <exception>
#include <optional>
#include <utility>

namespace interimap::async {

/// A task keeps references to its reference parameters until it finishes:
/// the caller keeps those arguments alive (never pass a temporary to a
/// `const T&` parameter of a task that is not awaited in the same
/// full-expression).
///
/// A lazily started coroutine producing a T. Awaiting it starts it and
/// resumes the awaiter when it finishes (symmetric transfer, no recursion).
template <typename T>
class [[nodiscard]] Task {
public:
    struct promise_type {
        std::optional<T> value;
        std::coroutine_handle<> continuation;

        Task get_return_object() {
            return Task(std::coroutine_handle<promise_type>::from_promise(*this));
        }
        std::suspend_always initial_suspend() noexcept { return {}; }
        struct FinalAwaiter {
            bool await_ready() noexcept { return false; }
            std::coroutine_handle<> await_suspend(std::coroutine_handle<promise_type> h) noexcept {
                auto next = h.promise().continuation;
                return next ? next : std::noop_coroutine();
            }
            void await_resume() noexcept {}
        };
        FinalAwaiter final_suspend() noexcept { return {}; }
        template <typename U>
        void return_value(U&& v) {
            value.emplace(std::forward<U>(v));
        }
        // The engine reports failures as Result values; an exception escaping
        // a task is a bug, and terminate() shows where.
        void unhandled_exception() noexcept { std::terminate(); }
    };

    Task() = default;
    explicit Task(std::coroutine_handle<promise_type> h) : handle_(h) {}
    Task(Task&& other) noexcept
        : handle_(std::exchange(other.handle_, {})),
          started_(std::exchange(other.started_, false)) {}
    Task& operator=(Task&& other) noexcept {
        if (this != &other) {
            reset();
            handle_ = std::exchange(other.handle_, {});
            started_ = std::exchange(other.started_, false);
        }
        return *this;
    }
    Task(const Task&) = delete;
    Task& operator=(const Task&) = delete;
    ~Task() { reset(); }

    bool await_ready() const noexcept { return !handle_ || handle_.done(); }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiter) noexcept {
        handle_.promise().continuation = awaiter;
        // A task started early (start()) is suspended inside: it resumes
        // its awaiter when it finishes; otherwise it starts now.
        if (started_)
            return std::noop_coroutine();
        started_ = true;
        return handle_;
    }
    T await_resume() { return std::move(*handle_.promise().value); }

    /// Starts the task now (a root task, or one awaited later: it runs until
    /// its first suspension, e.g. after sending a pipelined command).
    void start() {
        if (handle_ && !handle_.done() && !started_) {
            started_ = true;
            handle_.resume();
        }
    }
    bool done() const { return !handle_ || handle_.done(); }
    bool started() const { return started_; }
    /// The result of a finished root task.
    T take_result() { return std::move(*handle_.promise().value); }

private:
    void reset() {
        if (handle_)
            handle_.destroy();
        handle_ = {};
    }
    std::coroutine_handle<promise_type> handle_;
    bool started_ = false;
};

} // namespace interimap::async

/// INTERIMAP_TRY for coroutines: `INTERIMAP_CO_TRY(store.commit());`
#define INTERIMAP_CO_TRY(expr)                                                                     \
    do {                                                                                           \
        auto interimap_try_result_ = (expr);                                                       \
        if (!interimap_try_result_)                                                                \
            co_return ::interimap::Fail(std::move(interimap_try_result_).error());                 \
    } while (0)
