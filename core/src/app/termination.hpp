// SIGTERM during --watch. The reference then exits with status 0, its
// traffic summary logged; so do we, between rounds: the signal is noted
// (a flag, and a byte in a pipe so that a poll(2) asleep between rounds
// wakes up) and the watch ends at the next wait or after the round in
// progress, which is left to finish.
#pragma once

#include "async/event_loop.hpp"

#include <chrono>
#include <interimap/result.hpp>
#include <memory>

namespace interimap::app {

class Termination final : public async::Pollable {
public:
    /// Catches SIGTERM until the result is destroyed (one at a time).
    static Result<std::unique_ptr<Termination>> catch_sigterm();
    ~Termination() override;
    Termination(const Termination&) = delete;
    Termination& operator=(const Termination&) = delete;

    /// SIGTERM arrived.
    bool requested() const;
    /// Sleeps for `duration`, or less if SIGTERM arrives.
    void sleep(std::chrono::milliseconds duration) const;

    // async::Pollable: readable once SIGTERM arrived. Added to a loop only
    // while waiting for something that `requested()` also ends.
    PollRequest poll_request() const override;
    bool ready_without_poll() const override { return false; }
    Result<void> on_ready(short) override { return ok(); }
    std::chrono::steady_clock::time_point last_activity() const override {
        return std::chrono::steady_clock::now();
    }
    bool awaiting_server() const override { return false; }
    std::string name() const override { return "SIGTERM"; }
    void on_idle_timeout(std::chrono::milliseconds) override {}

private:
    Termination() = default;
};

} // namespace interimap::app
