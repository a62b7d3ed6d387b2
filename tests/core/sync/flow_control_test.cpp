// FlowControl: a connection is not read while the other lags behind what we
// give it, unless it lags as much itself; the two gates are never both shut.
#include "async/event_loop.hpp"
#include "async/task.hpp"
#include "imap/connection.hpp"
#include "support/scripted_server.hpp"
#include "sync/copy_turns.hpp"
#include "sync/message_copy.hpp"

#include <gtest/gtest.h>
#include <poll.h>

namespace interimap::sync {
namespace {

using namespace interimap::testing;

bool reads(const imap::Connection& c) {
    return (c.poll_request().events & POLLIN) != 0;
}

/// Puts `bytes` of an APPEND we cannot send yet (the server reads nothing).
imap::PendingCommand backlog(imap::Connection& c, std::size_t bytes) {
    c.set_writer_options(imap::WriterOptions{.literal_plus = true});
    return c.send(
        std::move(imap::Command("APPEND").mailbox("INBOX").literal(std::string(bytes, 'x'))));
}

async::Task<int> greet(imap::Connection& c) {
    (void)co_await c.greeting();
    co_return 0;
}

/// Two connections to servers that greet and then read nothing, under a
/// FlowControl. The greetings are read first: a server must not write to a
/// connection already closed.
struct Pair {
    Pair() {
        auto ga = greet(a);
        auto gb = greet(b);
        ga.start();
        gb.start();
        auto r = loop.run_until([&] { return ga.done() && gb.done(); }, std::chrono::seconds(5));
        EXPECT_TRUE(r);
    }
    ScriptedServer a_server{{send("* OK a\r\n"), silence()}};
    ScriptedServer b_server{{send("* OK b\r\n"), silence()}};
    RecordingLogger logger;
    async::EventLoop loop;
    imap::Connection a{"local", a_server.client_stream(), logger, loop};
    imap::Connection b{"remote", b_server.client_stream(), logger, loop};
    CopyTurns a_turns{loop};
    CopyTurns b_turns{loop};
    FlowControl flow{a, a_turns, b, b_turns};
};

TEST(FlowControl, ASourceWaitsForItsTargetAndNeverBothWait) {
    Pair p;
    EXPECT_TRUE(reads(p.a));
    EXPECT_TRUE(reads(p.b));

    // b lags (8 MiB for it not written): a, its source, waits; b is read.
    auto for_b = backlog(p.b, 8 << 20);
    EXPECT_FALSE(reads(p.a));
    EXPECT_TRUE(reads(p.b));

    // a lags as much: both are read, or copies both ways would wait for
    // each other forever.
    auto for_a = backlog(p.a, 8 << 20);
    EXPECT_TRUE(reads(p.a));
    EXPECT_TRUE(reads(p.b));
}

TEST(FlowControl, AppendsHeldInACopyCountAsBacklog) {
    Pair p;
    p.b_turns.held_bytes = 8 << 20; // formed for b, waiting for its downloads
    EXPECT_FALSE(reads(p.a));
    p.b_turns.held_bytes = 0;
    EXPECT_TRUE(reads(p.a));
}

} // namespace
} // namespace interimap::sync
