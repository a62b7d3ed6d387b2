// Waiting on the event loop for a condition with a deadline: what --watch
// sleeps with and --notify waits for news with.
#include "async/event_loop.hpp"
#include "async/task.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

namespace interimap::async {
namespace {

using namespace std::chrono_literals;
using Clock = EventLoop::Clock;

/// The read end of a pipe: ready when a byte was written; reading it sets `seen`.
class PipeReader final : public Pollable {
public:
    PipeReader() {
        if (::pipe(fds_) != 0)
            std::abort();
    }
    ~PipeReader() override {
        ::close(fds_[0]);
        ::close(fds_[1]);
    }
    void poke() { (void)!::write(fds_[1], "x", 1); }
    PollRequest poll_request() const override { return {fds_[0], POLLIN}; }
    bool ready_without_poll() const override { return false; }
    Result<void> on_ready(short) override {
        char c;
        (void)!::read(fds_[0], &c, 1);
        seen = true;
        return ok();
    }
    Clock::time_point last_activity() const override { return Clock::now(); }
    bool awaiting_server() const override { return false; }
    std::string name() const override { return "pipe"; }
    void on_idle_timeout(std::chrono::milliseconds) override {}

    bool seen = false;

private:
    int fds_[2];
};

Task<bool> wait(EventLoop& loop, std::function<bool()> condition, Clock::time_point deadline) {
    co_return co_await loop.wait_until(std::move(condition), deadline);
}

TEST(EventLoopWait, ADeadlineAloneIsASleepEvenWithNothingToPoll) {
    EventLoop loop;
    const auto start = Clock::now();
    auto task = wait(
        loop, [] { return false; }, start + 60ms);
    task.start();
    ASSERT_TRUE(loop.run_until([&] { return task.done(); }));
    EXPECT_FALSE(task.take_result());
    EXPECT_GE(Clock::now() - start, 60ms);
    EXPECT_LT(Clock::now() - start, 2s);
}

TEST(EventLoopWait, EndsWhenInputMakesTheConditionTrue) {
    EventLoop loop;
    PipeReader reader;
    loop.add(&reader);
    const auto start = Clock::now();
    auto task = wait(
        loop, [&] { return reader.seen; }, start + 30s);
    task.start();
    EXPECT_FALSE(task.done());
    reader.poke();
    ASSERT_TRUE(loop.run_until([&] { return task.done(); }));
    EXPECT_TRUE(task.take_result());
    EXPECT_LT(Clock::now() - start, 5s);
    loop.remove(&reader);
}

TEST(EventLoopWait, AConditionAlreadyTrueDoesNotSuspend) {
    EventLoop loop;
    auto task = wait(
        loop, [] { return true; }, Clock::now() + 30s);
    task.start();
    EXPECT_TRUE(task.done());
    EXPECT_TRUE(task.take_result());
}

TEST(EventLoopWait, APassedDeadlineDoesNotSuspend) {
    EventLoop loop;
    auto task = wait(
        loop, [] { return false; }, Clock::now() - 1s);
    task.start();
    EXPECT_TRUE(task.done());
    EXPECT_FALSE(task.take_result());
}

TEST(EventLoopWait, TheEarlierOfTwoDeadlinesWakesTheLoopFirst) {
    EventLoop loop;
    const auto start = Clock::now();
    auto late = wait(
        loop, [] { return false; }, start + 30s);
    auto soon = wait(
        loop, [] { return false; }, start + 50ms);
    late.start();
    soon.start();
    ASSERT_TRUE(loop.run_until([&] { return soon.done(); }));
    EXPECT_FALSE(late.done());
    EXPECT_LT(Clock::now() - start, 5s);
}

TEST(EventLoopWait, AWaitingCoroutineDestroyedIsForgotten) {
    EventLoop loop;
    {
        auto gone = wait(
            loop, [] { return false; }, Clock::now() + 20ms);
        gone.start();
    } // destroyed while waiting: the loop must not resume it
    auto task = wait(
        loop, [] { return false; }, Clock::now() + 60ms);
    task.start();
    ASSERT_TRUE(loop.run_until([&] { return task.done(); }));
    EXPECT_FALSE(task.take_result());
}

TEST(EventLoopWait, NothingToWaitForIsStillAStall) {
    EventLoop loop;
    auto r = loop.run_until([] { return false; });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::internal);
}

} // namespace
} // namespace interimap::async
