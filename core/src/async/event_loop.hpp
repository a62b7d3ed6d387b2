// A poll(2) loop over the IMAP connections of a run. Connections register as
// Pollables; coroutines waiting for a command are resumed from here, never
// from inside a connection's read path, so a resumed coroutine may freely
// queue more commands. A coroutine may also wait for a condition with a
// deadline (what the server says on its own, or nothing, for some time):
// --watch sleeps and --notify waits for news that way.
#pragma once

#include <chrono>
#include <coroutine>
#include <deque>
#include <functional>
#include <interimap/result.hpp>
#include <interimap/stream.hpp>
#include <optional>
#include <string>
#include <vector>

namespace interimap::async {

class Pollable {
public:
    virtual ~Pollable() = default;
    /// What to wait for; fd < 0 when nothing is pending.
    virtual PollRequest poll_request() const = 0;
    /// True when input can be processed without polling (buffered in a layer).
    virtual bool ready_without_poll() const = 0;
    /// Called when poll reported `revents` (or 0 when ready_without_poll).
    virtual Result<void> on_ready(short revents) = 0;
    /// When the last byte was received or a command queued: for idle timeouts.
    virtual std::chrono::steady_clock::time_point last_activity() const = 0;
    /// True while waiting for the server (a command in flight).
    virtual bool awaiting_server() const = 0;
    /// Who this is ("remote").
    virtual std::string name() const = 0;
    /// The server stayed silent for `idle` while a command was in flight.
    virtual void on_idle_timeout(std::chrono::milliseconds idle) = 0;
};

class EventLoop;

/// What `co_await loop.wait_until(condition, deadline)` waits on; it yields
/// true if the condition held, false if the deadline passed first.
class ConditionWait {
public:
    using Clock = std::chrono::steady_clock;
    ConditionWait(EventLoop& loop, std::function<bool()> condition, Clock::time_point deadline)
        : loop_(loop), condition_(std::move(condition)), deadline_(deadline) {}
    /// Forgotten by the loop if its coroutine goes away while waiting.
    ~ConditionWait();
    ConditionWait(const ConditionWait&) = delete;
    ConditionWait& operator=(const ConditionWait&) = delete;

    bool await_ready();
    void await_suspend(std::coroutine_handle<> h);
    bool await_resume() const noexcept { return met_; }

private:
    friend class EventLoop;
    /// Whether the wait is over now (`met_` tells how).
    bool over(Clock::time_point now);

    EventLoop& loop_;
    std::function<bool()> condition_;
    Clock::time_point deadline_;
    std::coroutine_handle<> waiter_;
    bool met_ = false;
};

class EventLoop {
public:
    using Clock = std::chrono::steady_clock;

    void add(Pollable* p);
    void remove(Pollable* p);

    /// Queues a coroutine to resume on the next turn of the loop.
    void schedule(std::coroutine_handle<> h) { ready_.push_back(h); }

    /// Resumes the awaiting coroutine on the first turn of the loop where
    /// `condition()` holds (checked after each turn's input is handled),
    /// or once `deadline` has passed. A condition that never holds makes a
    /// sleep during which the connections are still served.
    ConditionWait wait_until(std::function<bool()> condition, Clock::time_point deadline) {
        return ConditionWait(*this, std::move(condition), deadline);
    }

    /// Runs until `done()` is true. A connection awaiting its server that
    /// stays silent for `idle_timeout` is told so (and fails its commands).
    Result<void> run_until(const std::function<bool()>& done,
                           std::chrono::milliseconds idle_timeout = std::chrono::minutes(5));

private:
    friend class ConditionWait;
    void resume_ready();
    /// Schedules the waits that are over; the earliest deadline of the others.
    std::optional<Clock::time_point> check_waits(Clock::time_point now);
    std::vector<Pollable*> pollables_;
    std::deque<std::coroutine_handle<>> ready_;
    std::vector<ConditionWait*> waits_;
};

} // namespace interimap::async
