// A poll(2) loop over the IMAP connections of a run. Connections register as
// Pollables; coroutines waiting for a command are resumed from here, never
// from inside a connection's read path, so a resumed coroutine may freely
// queue more commands.
#pragma once

#include <chrono>
#include <coroutine>
#include <deque>
#include <functional>
#include <interimap/result.hpp>
#include <interimap/stream.hpp>
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

class EventLoop {
public:
    void add(Pollable* p);
    void remove(Pollable* p);

    /// Queues a coroutine to resume on the next turn of the loop.
    void schedule(std::coroutine_handle<> h) { ready_.push_back(h); }

    /// Runs until `done()` is true. A connection awaiting its server that
    /// stays silent for `idle_timeout` is told so (and fails its commands).
    Result<void> run_until(const std::function<bool()>& done,
                           std::chrono::milliseconds idle_timeout = std::chrono::minutes(5));

private:
    void resume_ready();
    std::vector<Pollable*> pollables_;
    std::deque<std::coroutine_handle<>> ready_;
};

} // namespace interimap::async
