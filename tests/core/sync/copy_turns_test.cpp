// Copies from one server take turns: each waits for the one before.
#include "async/event_loop.hpp"
#include "async/task.hpp"
#include "sync/copy_turns.hpp"

#include <functional>
#include <gtest/gtest.h>
#include <string>

namespace interimap::sync {
namespace {

/// Suspends until the test resumes the handle it leaves in `slot`.
struct Hold {
    std::coroutine_handle<>* slot;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) noexcept { *slot = h; }
    void await_resume() const noexcept {}
};

async::Task<int> copy(CopyTurns& turns, std::string& log, char name,
                      std::coroutine_handle<>* hold) {
    co_await turns.take();
    log += name;
    // The turn is held across a suspension: the others must still wait.
    if (hold)
        co_await Hold{hold};
    turns.give_back();
    co_return 0;
}

TEST(CopyTurns, OneCopyAtATimeInOrder) {
    async::EventLoop loop;
    CopyTurns turns(loop);
    std::string log;
    std::coroutine_handle<> held;
    auto a = copy(turns, log, 'a', &held);
    auto b = copy(turns, log, 'b', nullptr);
    auto c = copy(turns, log, 'c', nullptr);
    a.start();
    b.start();
    c.start();
    EXPECT_EQ(log, "a"); // b and c wait while a holds the turn
    held.resume();       // a gives it back: b, then c
    EXPECT_TRUE(a.done());
    auto r = loop.run_until([&] { return c.done(); }, std::chrono::seconds(1));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(log, "abc");
    // Free again: a new copy takes it at once.
    auto d = copy(turns, log, 'd', nullptr);
    d.start();
    EXPECT_EQ(log, "abcd");
    EXPECT_TRUE(d.done());
}

async::Task<int> wait_downloads(CopyTurns& turns, std::string& log) {
    co_await turns.downloads_over();
    log += "idle";
    co_return 0;
}

TEST(CopyTurns, HeldAppendsGoWhenTheLastDownloadEnds) {
    async::EventLoop loop;
    CopyTurns turns(loop);
    std::string log;
    std::function<void()> drain = [&] { log += "drain "; };
    turns.on_downloads_over(&drain);
    turns.download_started();
    turns.download_started();
    auto waiter = wait_downloads(turns, log);
    waiter.start();
    EXPECT_TRUE(turns.downloading());
    turns.download_finished(); // one still in flight: nothing yet
    EXPECT_EQ(log, "");
    turns.download_finished();
    EXPECT_EQ(log, "drain "); // at once; the waiter on the next loop turn
    auto r = loop.run_until([&] { return waiter.done(); }, std::chrono::seconds(1));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(log, "drain idle");
    turns.forget(&drain);
    turns.download_started();
    turns.download_finished();
    EXPECT_EQ(log, "drain idle"); // forgotten: not called again
}

TEST(CopyTurns, ACopyFromAServerNobodyAppendsToAsksForEverythingAtOnce) {
    async::EventLoop loop;
    CopyTurns source(loop), target(loop);
    EXPECT_TRUE(may_ask_for_bodies(source, target, false, 0));
    EXPECT_TRUE(may_ask_for_bodies(source, target, true, 0));
    source.bytes_in_flight = 10 * kFetchWindowBytes; // counted, but no limit
    EXPECT_TRUE(may_ask_for_bodies(source, target, true, kFetchWindowBytes));
}

TEST(CopyTurns, ACopyFromAServerAlsoAppendedToAsksWithinTheWindow) {
    async::EventLoop loop;
    CopyTurns source(loop), target(loop);
    ++source.copies_into;
    // The first chunk, whatever its size.
    EXPECT_TRUE(may_ask_for_bodies(source, target, false, 3 * kFetchWindowBytes));
    source.bytes_in_flight = kFetchWindowBytes / 2;
    EXPECT_TRUE(may_ask_for_bodies(source, target, true, kFetchWindowBytes / 2));
    EXPECT_FALSE(may_ask_for_bodies(source, target, true, kFetchWindowBytes / 2 + 1));
    // Not while APPENDs to the source wait for it to stop sending bodies.
    source.held_bytes = 1;
    EXPECT_FALSE(may_ask_for_bodies(source, target, true, 1));
}

TEST(CopyTurns, NoBodiesWhileTheTargetSendsBodiesAskedForAllAtOnce) {
    async::EventLoop loop;
    CopyTurns source(loop), target(loop);
    // A copy from our target, windowed (it began after ours): no wait.
    target.download_started();
    EXPECT_TRUE(may_ask_for_bodies(source, target, false, 0));
    // One that asked for everything at once: our APPENDs would wait behind
    // all of it, holding whatever we fetch meanwhile.
    ++target.bulk_downloads;
    EXPECT_FALSE(may_ask_for_bodies(source, target, false, 0));
    EXPECT_FALSE(may_ask_for_bodies(source, target, true, 0));
    --target.bulk_downloads;
    EXPECT_TRUE(may_ask_for_bodies(source, target, false, 0));
    EXPECT_TRUE(may_ask_for_bodies(source, target, true, 0));
}

} // namespace
} // namespace interimap::sync
