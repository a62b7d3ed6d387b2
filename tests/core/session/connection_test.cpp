// The IMAP connection against a scripted peer: pipelining, routing of
// untagged data, literals with and without LITERAL+, barriers, failures.
#include "async/event_loop.hpp"
#include "async/task.hpp"
#include "imap/connection.hpp"
#include "support/scripted_server.hpp"

#include <gtest/gtest.h>

namespace interimap {
namespace {

using imap::Command;
using imap::CommandOptions;
using imap::Completion;
using imap::Connection;
using namespace interimap::testing;

/// Runs `task` to completion on `loop`.
template <typename T>
T run(async::EventLoop& loop, async::Task<T>& task) {
    task.start();
    auto r = loop.run_until([&] { return task.done(); }, std::chrono::seconds(5));
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return task.take_result();
}

struct Fixture {
    explicit Fixture(std::vector<Step> script, int debug = 0)
        : server(std::move(script)), logger(debug),
          connection("remote", server.client_stream(), logger, loop) {}
    ScriptedServer server;
    RecordingLogger logger;
    async::EventLoop loop;
    Connection connection;
};

async::Task<Result<void>> greet(Connection& c) {
    auto g = co_await c.greeting();
    if (!g)
        co_return Fail(std::move(g).error());
    co_return ok();
}

TEST(ImapConnection, PipelinesCommandsAndMatchesOutOfOrderCompletions) {
    Fixture f({
        send("* OK ready\r\n"),
        expect("000000 NOOP"),
        expect("000001 CHECK"),
        expect("000002 NOOP"),
        // All three arrived before any answer: they were pipelined.
        send("000001 OK checked\r\n000002 NO nope\r\n000000 OK noop\r\n"),
    });
    auto task = [](Connection& c) -> async::Task<std::vector<std::string>> {
        co_await c.greeting();
        auto a = c.send(Command("NOOP"));
        auto b = c.send(Command("CHECK"));
        auto d = c.send(Command("NOOP"));
        std::vector<std::string> out;
        for (auto* p : {&a, &b, &d}) {
            auto r = co_await *p;
            out.push_back(r ? r->status + " " + r->text : "error");
        }
        co_return out;
    }(f.connection);
    auto results = run(f.loop, task);
    EXPECT_EQ(results, (std::vector<std::string>{"OK noop", "OK checked", "NO nope"}));
    EXPECT_TRUE(f.server.finish().empty()) << f.server.finish()[0];
}

TEST(ImapConnection, RoutesUntaggedDataToTheCommandThatCollectsIt) {
    Fixture f({
        send("* PREAUTH [CAPABILITY IMAP4rev1 QRESYNC] hi\r\n"),
        expect("000000 LIST \"\" *"),
        send("* LIST () \"/\" INBOX\r\n* 3 EXISTS\r\n* LIST () \"/\" Sent\r\n000000 OK done\r\n"),
    });
    std::vector<std::string> listed, unsolicited;
    f.connection.set_unsolicited_handler(
        [&](const imap::Response& r) { unsolicited.push_back(r.keyword); });
    // Coroutine lambdas take what they use as parameters: captures would
    // dangle once the lambda temporary is gone.
    auto task = [](Connection& c,
                   std::vector<std::string>& out) -> async::Task<Result<Completion>> {
        co_await c.greeting();
        CommandOptions o;
        o.collects = {"LIST"};
        o.on_untagged = [&out](const imap::Response& r) { out.push_back(r.data.at(2).text); };
        co_return co_await c.send(std::move(Command("LIST").string("").raw("*")), std::move(o));
    }(f.connection, listed);
    auto r = run(f.loop, task);
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->ok());
    EXPECT_TRUE(f.connection.authenticated());
    EXPECT_TRUE(f.connection.capabilities().has("qresync"));
    EXPECT_EQ(listed, (std::vector<std::string>{"INBOX", "Sent"}));
    EXPECT_EQ(unsolicited, (std::vector<std::string>{"EXISTS"}));
    EXPECT_TRUE(f.server.finish().empty());
}

TEST(ImapConnection, SynchronisingLiteralWaitsForContinuation) {
    Fixture f({
        send("* OK hi\r\n"),
        expect("000000 APPEND INBOX {5}"),
        silence(), // nothing more before "+"
        send("+ go ahead\r\n"),
        expect("hello"),
        send("000000 OK [APPENDUID 7 1] done\r\n"),
    });
    auto task = [](Connection& c) -> async::Task<Result<Completion>> {
        co_await c.greeting();
        co_return co_await c.send(std::move(Command("APPEND").mailbox("inbox").literal("hello")));
    }(f.connection);
    auto r = run(f.loop, task);
    ASSERT_TRUE(r);
    ASSERT_TRUE(r->code);
    EXPECT_EQ(r->code->name, "APPENDUID");
    auto mismatches = f.server.finish();
    EXPECT_TRUE(mismatches.empty()) << mismatches[0];
}

TEST(ImapConnection, LiteralPlusDoesNotWait) {
    Fixture f({
        send("* OK hi\r\n"),
        expect("000000 APPEND INBOX {5+}"),
        expect("hello"),
        send("000000 OK done\r\n"),
    });
    f.connection.set_writer_options(imap::WriterOptions{.literal_plus = true});
    auto task = [](Connection& c) -> async::Task<Result<Completion>> {
        co_await c.greeting();
        co_return co_await c.send(std::move(Command("APPEND").mailbox("INBOX").literal("hello")));
    }(f.connection);
    auto r = run(f.loop, task);
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->ok());
    auto mismatches = f.server.finish();
    EXPECT_TRUE(mismatches.empty()) << mismatches[0];
}

TEST(ImapConnection, BarrierWaitsForEarlierCommandsAndHoldsLaterOnes) {
    Fixture f({
        send("* OK hi\r\n"),
        expect("000000 NOOP"),
        silence(), // SELECT waits for the NOOP
        send("000000 OK\r\n"),
        expect("000001 SELECT INBOX"),
        silence(), // the next NOOP waits for SELECT
        send("000001 OK selected\r\n"),
        expect("000002 NOOP"),
        send("000002 OK\r\n"),
    });
    auto task = [](Connection& c) -> async::Task<std::string> {
        co_await c.greeting();
        auto a = c.send(Command("NOOP"));
        CommandOptions barrier;
        barrier.barrier = true;
        auto b = c.send(std::move(Command("SELECT").mailbox("INBOX")), std::move(barrier));
        auto d = c.send(Command("NOOP"));
        std::string out;
        for (auto* p : {&a, &b, &d}) {
            auto r = co_await *p;
            out += r ? r->status : "error";
        }
        co_return out;
    }(f.connection);
    EXPECT_EQ(run(f.loop, task), "OKOKOK");
    auto mismatches = f.server.finish();
    EXPECT_TRUE(mismatches.empty()) << mismatches[0];
}

TEST(ImapConnection, UploadWaitsWhileBodiesAreDownloadedAndTheReverse) {
    Fixture f({
        send("* OK hi\r\n"),
        expect("000000 UID FETCH 1:* (BODY.PEEK[])"),
        expect("000001 NOOP"), // neither kind passes anything
        silence(),             // the APPEND waits for the download
        send("000000 OK\r\n000001 OK\r\n"),
        expect("000002 APPEND INBOX x"),
        silence(), // the next download waits for the upload
        send("000002 OK\r\n"),
        expect("000003 UID FETCH 2 (BODY.PEEK[])"),
        send("000003 OK\r\n"),
    });
    auto task = [](Connection& c) -> async::Task<std::string> {
        co_await c.greeting();
        CommandOptions download;
        download.bulk = CommandOptions::Bulk::download;
        CommandOptions upload;
        upload.bulk = CommandOptions::Bulk::upload;
        auto a = c.send(std::move(Command("UID FETCH").raw("1:*").raw("(BODY.PEEK[])")), download);
        auto b = c.send(Command("NOOP"));
        auto d = c.send(std::move(Command("APPEND").mailbox("INBOX").raw("x")), upload);
        auto e = c.send(std::move(Command("UID FETCH").raw("2").raw("(BODY.PEEK[])")), download);
        std::string out;
        for (auto* p : {&a, &b, &d, &e}) {
            auto r = co_await *p;
            out += r ? r->status : "error";
        }
        co_return out;
    }(f.connection);
    EXPECT_EQ(run(f.loop, task), "OKOKOKOK");
    auto mismatches = f.server.finish();
    EXPECT_TRUE(mismatches.empty()) << mismatches[0];
}

TEST(ImapConnection, DroppedConnectionFailsEveryPendingCommand) {
    Fixture f({
        send("* OK hi\r\n"),
        expect("000000 NOOP"),
        expect("000001 NOOP"),
        hang_up(),
    });
    auto task = [](Connection& c) -> async::Task<std::vector<std::string>> {
        co_await c.greeting();
        auto a = c.send(Command("NOOP"));
        auto b = c.send(Command("NOOP"));
        std::vector<std::string> out;
        for (auto* p : {&a, &b}) {
            auto r = co_await *p;
            out.push_back(r ? "ok" : r.error().context + ": " + r.error().message);
        }
        auto later = co_await c.send(Command("NOOP"));
        out.push_back(later ? "ok" : "failed at once");
        co_return out;
    }(f.connection);
    auto out = run(f.loop, task);
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[0], "remote: Connection closed by the server");
    EXPECT_EQ(out[1], out[0]);
    EXPECT_EQ(out[2], "failed at once");
    ASSERT_TRUE(f.connection.failure());
    EXPECT_EQ(f.connection.failure()->code, ErrorCode::closed);
}

/// A FETCH of BODY[] against a server whose answer `reply` stops short:
/// the error the command ends with, and how many FETCH responses it saw.
struct Truncated {
    std::string error;
    ErrorCode code = ErrorCode::protocol;
    int fetched = 0;
    std::chrono::steady_clock::duration took{};
};
Truncated fetch_cut_short(std::string reply) {
    Fixture f(
        {send("* OK hi\r\n"), expect("000000 FETCH 1 BODY[]"), send(std::move(reply)), hang_up()});
    Truncated out;
    auto task = [](Connection& c, int& fetched) -> async::Task<Result<Completion>> {
        co_await c.greeting();
        CommandOptions o;
        o.collects = {"FETCH"};
        o.on_untagged = [&fetched](const imap::Response&) { ++fetched; };
        co_return co_await c.send(std::move(Command("FETCH").raw("1").raw("BODY[]")), std::move(o));
    }(f.connection, out.fetched);
    auto start = std::chrono::steady_clock::now();
    auto r = run(f.loop, task);
    out.took = std::chrono::steady_clock::now() - start;
    EXPECT_FALSE(r);
    if (!r) {
        out.error = r.error().context + ": " + r.error().message;
        out.code = r.error().code;
    }
    EXPECT_TRUE(f.server.finish().empty());
    return out;
}

TEST(ImapConnection, EndOfStreamInsideALiteralFailsThePendingCommand) {
    // {100} announced, 40 bytes sent, then the server closes.
    auto t = fetch_cut_short("* 1 FETCH (BODY[] {100}\r\n" + std::string(40, 'x'));
    EXPECT_EQ(t.error, "remote: Connection closed by the server in the middle of a response");
    EXPECT_EQ(t.code, ErrorCode::closed);
    EXPECT_EQ(t.fetched, 0) << "a partial literal was handed over as a response";
    EXPECT_LT(t.took, std::chrono::seconds(2));
}

TEST(ImapConnection, EndOfStreamInsideAResponseLineFailsThePendingCommand) {
    // A response line without its CRLF, then the server closes.
    auto t = fetch_cut_short("* 1 FETCH (FLAGS (\\Seen) UID 4");
    EXPECT_EQ(t.error, "remote: Connection closed by the server in the middle of a response");
    EXPECT_EQ(t.code, ErrorCode::closed);
    EXPECT_EQ(t.fetched, 0) << "a partial line was handed over as a response";
    EXPECT_LT(t.took, std::chrono::seconds(2));
}

TEST(ImapConnection, ByeDuringACommandIsAnError) {
    Fixture f({
        send("* OK hi\r\n"),
        expect("000000 NOOP"),
        send("* BYE shutting down\r\n"),
    });
    auto task = [](Connection& c) -> async::Task<Result<Completion>> {
        co_await c.greeting();
        co_return co_await c.send(Command("NOOP"));
    }(f.connection);
    auto r = run(f.loop, task);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "Server closed the connection: shutting down");
    f.server.finish();
}

TEST(ImapConnection, InvalidGreetingIsRejected) {
    Fixture f({send("000000 OK not a greeting\r\n")});
    auto task = greet(f.connection);
    auto r = run(f.loop, task);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::protocol);
    EXPECT_NE(r.error().message.find("Invalid server greeting"), std::string::npos);
    f.server.finish();
}

TEST(ImapConnection, ByeGreetingIsRefusal) {
    Fixture f({send("* BYE too many connections\r\n")});
    auto task = greet(f.connection);
    auto r = run(f.loop, task);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "Server refused the connection: too many connections");
    f.server.finish();
}

TEST(ImapConnection, UnknownTagIsAProtocolError) {
    Fixture f({send("* OK hi\r\n"), expect("000000 NOOP"), send("999999 OK what\r\n")});
    auto task = [](Connection& c) -> async::Task<Result<Completion>> {
        co_await c.greeting();
        co_return co_await c.send(Command("NOOP"));
    }(f.connection);
    auto r = run(f.loop, task);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::protocol);
    f.server.finish();
}

TEST(ImapConnection, DebugLogShowsTrafficButRedactsCredentials) {
    for (int debug : {1, 2}) {
        Fixture f(
            {
                send("* OK hi\r\n"),
                expect("000000 LOGIN alice secret"),
                send("000000 OK logged in\r\n"),
            },
            debug);
        auto task = [](Connection& c) -> async::Task<Result<Completion>> {
            co_await c.greeting();
            Command login("LOGIN");
            login.redact_from_here().astring("alice").astring("secret");
            co_return co_await c.send(std::move(login));
        }(f.connection);
        ASSERT_TRUE(run(f.loop, task));
        bool saw_secret = false, saw_redacted = false;
        for (const auto& l : f.logger.lines) {
            saw_secret |= l.find("secret") != std::string::npos;
            saw_redacted |= l.find("[REDACTED]") != std::string::npos;
        }
        EXPECT_EQ(saw_secret, debug >= 2);
        EXPECT_EQ(saw_redacted, debug < 2);
        EXPECT_NE(std::find(f.logger.lines.begin(), f.logger.lines.end(),
                            "D remote: S: 000000 OK logged in"),
                  f.logger.lines.end());
        f.server.finish();
    }
}

TEST(ImapConnection, TrafficSummaryUsesBinaryUnits) {
    EXPECT_EQ(imap::format_traffic({1042, 144}), "IMAP traffic (bytes): recv 1.02K sent 144");
    EXPECT_EQ(imap::format_traffic({3u << 20, 0}), "IMAP traffic (bytes): recv 3.00M sent 0");
}

} // namespace
} // namespace interimap

namespace interimap {
namespace {

// Flow control: what the server has not taken yet is counted, and a closed
// read gate stops reading (a copy stops reading its source while the target
// lags behind, so that memory stays bounded).
TEST(ImapConnectionFlowControl, UnsentBytesAndReadGate) {
    testing::ScriptedServer server({testing::send("* OK hi\r\n"), testing::silence()});
    testing::RecordingLogger logger;
    async::EventLoop loop;
    imap::Connection connection("remote", server.client_stream(), logger, loop);
    connection.set_writer_options(imap::WriterOptions{.literal_plus = true});
    EXPECT_EQ(connection.unsent_bytes(), 0u);

    // Larger than any socket buffer: most of it stays with us while the
    // server does not read.
    const std::string body(8 << 20, 'x');
    auto pending =
        connection.send(std::move(imap::Command("APPEND").mailbox("INBOX").literal(body)));
    const std::size_t queued = connection.unsent_bytes();
    EXPECT_GT(queued, body.size());
    // One write opportunity: the socket takes what fits, the rest waits.
    ASSERT_TRUE(connection.on_ready(POLLOUT));
    EXPECT_LT(connection.unsent_bytes(), queued);
    EXPECT_GT(connection.unsent_bytes(), std::size_t{4} << 20);

    bool open = false;
    connection.set_read_gate([&open] { return open; });
    EXPECT_EQ(connection.poll_request().events & POLLIN, 0);
    open = true;
    EXPECT_NE(connection.poll_request().events & POLLIN, 0);
    connection.set_read_gate(nullptr);
    EXPECT_NE(connection.poll_request().events & POLLIN, 0);
    (void)connection.close();
    server.finish();
}

// A closed gate is our choice not to read: the server may have answered
// long ago. A command in flight behind a closed gate does not time out,
// however long the gate stays closed, and completes once it opens.
TEST(ImapConnectionFlowControl, NoSilenceTimeoutWhileTheGateIsClosed) {
    testing::ScriptedServer server({testing::send("* OK hi\r\n"), testing::expect("000000 NOOP"),
                                    testing::send("000000 OK done\r\n")});
    testing::RecordingLogger logger;
    async::EventLoop loop;
    imap::Connection connection("remote", server.client_stream(), logger, loop);
    // Named: a coroutine lambda's captures live in the lambda object.
    auto await_greeting = [&]() -> async::Task<Result<imap::Completion>> {
        co_return co_await connection.greeting();
    };
    auto greet = await_greeting();
    ASSERT_TRUE(run(loop, greet));
    bool open = false;
    connection.set_read_gate([&open] { return open; });
    auto noop = connection.send(imap::Command("NOOP"));
    // What the loop times out on: not while the gate is closed (the loop
    // only asks connections that have something to poll for, so this is
    // where a gated connection still writing would be caught).
    EXPECT_FALSE(connection.awaiting_server());
    open = true;
    EXPECT_TRUE(connection.awaiting_server());
    open = false;
    // Four times the silence timeout with the gate closed (a sleep: with
    // nothing to read or write, the loop would have nothing to wait for).
    auto sleep = [&]() -> async::Task<bool> {
        (void)co_await loop.wait_until([] { return false; }, std::chrono::steady_clock::now() +
                                                                 std::chrono::milliseconds(400));
        co_return true;
    };
    auto slept = sleep();
    slept.start();
    ASSERT_TRUE(loop.run_until([&] { return slept.done(); }, std::chrono::milliseconds(100)));
    EXPECT_FALSE(connection.failure()) << connection.failure()->message;
    open = true;
    auto await_noop = [&]() -> async::Task<Result<imap::Completion>> { co_return co_await noop; };
    auto done = await_noop();
    done.start();
    ASSERT_TRUE(loop.run_until([&] { return done.done(); }, std::chrono::milliseconds(100)));
    auto r = done.take_result();
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_TRUE(r->ok());
    EXPECT_TRUE(server.finish().empty());
}

} // namespace
} // namespace interimap
