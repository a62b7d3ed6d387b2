// The SMTP/LMTP client against a scripted server: exact commands, pipelining
// in one flight only when PIPELINING is advertised, dot-stuffing, LMTP's
// per-recipient replies, refusals at each step, a server closing early.
#include "async/event_loop.hpp"
#include "async/task.hpp"
#include "delivery/smtp_client.hpp"
#include "support/scripted_server.hpp"

#include <gtest/gtest.h>

namespace interimap::delivery {
namespace {

using namespace interimap::testing;

struct Fixture {
    explicit Fixture(std::vector<Step> script, Protocol protocol = Protocol::smtp,
                     std::vector<std::string> rcpt = {"user"}, int debug = 0)
        : server(std::move(script)), logger(debug),
          client(SmtpOptions{protocol, "localhost.localdomain", std::move(rcpt), ""},
                 server.client_stream(), logger, loop) {}
    ~Fixture() {
        auto m = server.finish();
        for (const auto& x : m)
            ADD_FAILURE() << x;
    }
    ScriptedServer server;
    RecordingLogger logger;
    async::EventLoop loop;
    SmtpClient client;
};

/// Runs `task` to completion on `loop`.
template <typename T>
T run(async::EventLoop& loop, async::Task<T>& task) {
    task.start();
    auto r = loop.run_until([&] { return task.done(); }, std::chrono::seconds(5));
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return task.take_result();
}

/// Opens, delivers each message (all submitted before any is awaited), quits;
/// returns each outcome ("ok" or the error), then the QUIT's.
async::Task<std::vector<std::string>> session(SmtpClient& c, std::vector<std::string> messages,
                                              bool quit = true) {
    std::vector<std::string> out;
    auto opened = co_await c.open();
    if (!opened) {
        out.push_back("open: " + opened.error().message);
        co_return out;
    }
    std::vector<SmtpWait> waits;
    for (auto& m : messages)
        waits.push_back(c.deliver("sender@example.org", std::move(m)));
    for (auto& w : waits) {
        auto r = co_await w;
        out.push_back(r ? "ok" : r.error().message);
    }
    if (quit) {
        auto q = co_await c.quit();
        out.push_back(q ? "quit" : "quit: " + q.error().message);
    }
    co_return out;
}

/// Steps in order, from pieces.
std::vector<Step> script(std::initializer_list<std::vector<Step>> pieces) {
    std::vector<Step> out;
    for (const auto& p : pieces)
        out.insert(out.end(), p.begin(), p.end());
    return out;
}

/// MAIL and RCPT accepted one at a time, then DATA (answered by the caller).
std::vector<Step> lockstep() {
    return {expect("MAIL FROM:<sender@example.org>"), send("250 Ok\r\n"), expect("RCPT TO:<user>"),
            send("250 Ok\r\n"), expect("DATA")};
}

/// QUIT answered.
std::vector<Step> closing() {
    return {expect("QUIT"), send("221 Bye\r\n")};
}

const char* kEhloPipelining = "250-mx.example.org\r\n250-PIPELINING\r\n250-8BITMIME\r\n"
                              "250 SIZE 10240000\r\n";

TEST(SmtpClient, PipelinesMailRcptDataAndTheNextMessageAfterTheDot) {
    Fixture f({
        send("220 mx.example.org ESMTP\r\n"),
        expect("EHLO localhost.localdomain"),
        send(kEhloPipelining),
        // MAIL, RCPT and DATA arrive before any reply: one flight.
        expect("MAIL FROM:<sender@example.org>"),
        expect("RCPT TO:<user>"),
        expect("DATA"),
        silence(),
        send("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data\r\n"),
        expect("Subject: one"),
        expect(""),
        expect("body"),
        expect("."),
        // The next message's commands follow the dot before its reply.
        expect("MAIL FROM:<sender@example.org>"),
        expect("RCPT TO:<user>"),
        expect("DATA"),
        send("250 2.0.0 queued as A\r\n250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data\r\n"),
        expect("Subject: two"),
        expect("."),
        send("250 2.0.0 queued as B\r\n"),
        expect("QUIT"),
        send("221 2.0.0 Bye\r\n"),
    });
    auto task = session(f.client, {"Subject: one\r\n\r\nbody\r\n", "Subject: two\r\n"});
    EXPECT_EQ(run(f.loop, task), (std::vector<std::string>{"ok", "ok", "quit"}));
    EXPECT_TRUE(f.client.pipelining());
    EXPECT_TRUE(f.client.has_extension("8bitmime"));
    EXPECT_EQ(f.client.size_limit(), 10240000u);
}

TEST(SmtpClient, WithoutPipeliningEachCommandWaitsForItsReply) {
    Fixture f(script({{
                          send("220 mx ESMTP\r\n"),
                          expect("EHLO localhost.localdomain"),
                          send("250-mx\r\n250 8BITMIME\r\n"),
                          expect("MAIL FROM:<sender@example.org>"),
                          silence(),
                          send("250 Ok\r\n"),
                          expect("RCPT TO:<user>"),
                          silence(),
                          send("250 Ok\r\n"),
                          expect("DATA"),
                          silence(),
                          send("354 go\r\n"),
                          expect("x"),
                          expect("."),
                          silence(),
                          send("250 queued\r\n"),
                      },
                      lockstep(),
                      {
                          send("354 go\r\n"),
                          expect("y"),
                          expect("."),
                          send("250 queued\r\n"),
                      },
                      closing()}));
    auto task = session(f.client, {"x\r\n", "y\r\n"});
    EXPECT_EQ(run(f.loop, task), (std::vector<std::string>{"ok", "ok", "quit"}));
    EXPECT_FALSE(f.client.pipelining());
}

TEST(SmtpClient, DotStuffsAndEndsEveryLineWithCrlf) {
    Fixture f(script({{
                          send("220 mx\r\n"),
                          expect("EHLO localhost.localdomain"),
                          send("250 mx\r\n"),
                      },
                      lockstep(),
                      {
                          send("354 go\r\n"),
                          expect("..starts with a dot"),
                          expect("..."),
                          expect("bare LF"),
                          expect("a.b"),
                          expect("last line without newline"),
                          expect("."),
                          send("250 queued\r\n"),
                      },
                      lockstep(),
                      {
                          send("354 go\r\n"),
                          // An empty message is one empty line, as the reference sends it.
                          expect(""),
                          expect("."),
                          send("250 queued\r\n"),
                      },
                      closing()}));
    auto task = session(f.client, {".starts with a dot\r\n..\r\nbare LF\na.b\r\n"
                                   "last line without newline",
                                   ""});
    EXPECT_EQ(run(f.loop, task), (std::vector<std::string>{"ok", "ok", "quit"}));
}

TEST(SmtpClient, LargeMessageIsStreamedWhole) {
    std::string message;
    std::vector<Step> script = {
        send("220 mx\r\n"), expect("EHLO localhost.localdomain"),
        send("250 mx\r\n"), expect("MAIL FROM:<sender@example.org>"),
        send("250 Ok\r\n"), expect("RCPT TO:<user>"),
        send("250 Ok\r\n"), expect("DATA"),
        send("354 go\r\n"),
    };
    for (int i = 0; i < 20000; ++i) {
        std::string line =
            (i % 7 == 0 ? "." : "") + std::string(70, static_cast<char>('a' + i % 26));
        message += line + "\r\n";
        script.push_back(expect((i % 7 == 0 ? "." : "") + line));
    }
    script.push_back(expect("."));
    script.push_back(send("250 queued\r\n"));
    script.push_back(expect("QUIT"));
    script.push_back(send("221 Bye\r\n"));
    Fixture f(std::move(script));
    auto task = session(f.client, {message});
    EXPECT_EQ(run(f.loop, task), (std::vector<std::string>{"ok", "quit"}));
}

TEST(SmtpClient, LmtpNeedsEveryRecipientsReplyAfterTheDot) {
    Fixture f(
        {
            send("220 lmtp ready\r\n"),
            expect("LHLO localhost.localdomain"),
            send("250-lmtp\r\n250-PIPELINING\r\n250 ENHANCEDSTATUSCODES\r\n"),
            expect("MAIL FROM:<sender@example.org>"),
            expect("RCPT TO:<a>"),
            expect("RCPT TO:<b>"),
            expect("DATA"),
            send("250 Ok\r\n250 Ok\r\n250 Ok\r\n354 go\r\n"),
            expect("one"),
            expect("."),
            expect("MAIL FROM:<sender@example.org>"),
            expect("RCPT TO:<a>"),
            expect("RCPT TO:<b>"),
            expect("DATA"),
            // First message: a delivered, b over quota: not delivered.
            send("250 2.0.0 <a> Saved\r\n552 5.2.2 <b> Mailbox is full\r\n"),
            send("250 Ok\r\n250 Ok\r\n250 Ok\r\n354 go\r\n"),
            expect("two"),
            expect("."),
            send("250 2.0.0 <a> Saved\r\n250 2.0.0 <b> Saved\r\n"),
            expect("QUIT"),
            send("221 Bye\r\n"),
        },
        Protocol::lmtp, {"a", "b"});
    auto task = session(f.client, {"one\r\n", "two\r\n"});
    EXPECT_EQ(run(f.loop, task),
              (std::vector<std::string>{
                  "SMTP error: Expected 250, got: 552 5.2.2 <b> Mailbox is full", "ok", "quit"}));
}

TEST(SmtpClient, RefusedRecipientFailsTheMessageAndResetsTheSession) {
    Fixture f({
        send("220 mx\r\n"),
        expect("EHLO localhost.localdomain"),
        send(kEhloPipelining),
        expect("MAIL FROM:<sender@example.org>"),
        expect("RCPT TO:<user>"),
        expect("DATA"),
        send("250 Ok\r\n550 5.1.1 <user>: Recipient address rejected\r\n554 5.5.1 No valid "
             "recipients\r\n"),
        expect("RSET"),
        expect("MAIL FROM:<sender@example.org>"),
        expect("RCPT TO:<user>"),
        expect("DATA"),
        send("250 Ok\r\n250 Ok\r\n250 Ok\r\n354 go\r\n"),
        expect("two"),
        expect("."),
        send("250 queued\r\n"),
        expect("QUIT"),
        send("221 Bye\r\n"),
    });
    auto task = session(f.client, {"one\r\n", "two\r\n"});
    EXPECT_EQ(run(f.loop, task),
              (std::vector<std::string>{
                  "SMTP error: Expected 250, got: 550 5.1.1 <user>: Recipient address rejected",
                  "ok", "quit"}));
}

TEST(SmtpClient, RefusedMailWithoutPipeliningSendsNothingMoreOfIt) {
    Fixture f({
        send("220 mx\r\n"),
        expect("EHLO localhost.localdomain"),
        send("250 mx\r\n"),
        expect("MAIL FROM:<sender@example.org>"),
        send("451 4.3.0 Try again later\r\n"),
        expect("RSET"),
        send("250 Ok\r\n"),
        expect("QUIT"),
        send("221 Bye\r\n"),
    });
    auto task = session(f.client, {"one\r\n"});
    EXPECT_EQ(run(f.loop, task),
              (std::vector<std::string>{"SMTP error: Expected 250, got: 451 4.3.0 Try again later",
                                        "quit"}));
}

TEST(SmtpClient, RefusedDataAndRefusedMessage) {
    Fixture f(script({{
                          send("220 mx\r\n"),
                          expect("EHLO localhost.localdomain"),
                          send("250 mx\r\n"),
                      },
                      lockstep(),
                      {
                          send("452 4.3.1 Insufficient system storage\r\n"),
                          expect("RSET"),
                          send("250 Ok\r\n"),
                      },
                      lockstep(),
                      {
                          send("354 go\r\n"),
                          expect("two"),
                          expect("."),
                          // The transaction is over after the final dot's reply: no RSET.
                          send("554-5.7.1 Rejected\r\n554 5.7.1 for policy reasons\r\n"),
                      },
                      closing()}));
    auto task = session(f.client, {"one\r\n", "two\r\n"});
    EXPECT_EQ(run(f.loop, task),
              (std::vector<std::string>{
                  "SMTP error: Expected 354, got: 452 4.3.1 Insufficient system storage",
                  "SMTP error: Expected 250, got: 554-5.7.1 Rejected", "quit"}));
}

TEST(SmtpClient, RefusedGreetingOrEhloFailsTheSession) {
    {
        Fixture f({send("554 5.3.2 go away\r\n")});
        auto task = session(f.client, {"one\r\n"});
        EXPECT_EQ(
            run(f.loop, task),
            (std::vector<std::string>{"open: SMTP error: Expected 220, got: 554 5.3.2 go away"}));
    }
    {
        Fixture f({send("220 mx\r\n"), expect("EHLO localhost.localdomain"),
                   send("502 5.5.2 Error: command not recognized\r\n")});
        auto task = session(f.client, {"one\r\n"});
        EXPECT_EQ(
            run(f.loop, task),
            (std::vector<std::string>{
                "open: SMTP error: Expected 250, got: 502 5.5.2 Error: command not recognized"}));
        auto later = f.client.deliver("", "x\r\n");
        EXPECT_TRUE(later.done());
    }
}

TEST(SmtpClient, ServerClosingEarlyFailsEveryPendingMessage) {
    Fixture f({
        send("220 mx\r\n"),
        expect("EHLO localhost.localdomain"),
        send(kEhloPipelining),
        expect("MAIL FROM:<sender@example.org>"),
        expect("RCPT TO:<user>"),
        expect("DATA"),
        send("250 Ok\r\n250 Ok\r\n354 go\r\n"),
        expect("one"),
        expect("."),
        hang_up(),
    });
    auto task = session(f.client, {"one\r\n"}, false);
    EXPECT_EQ(run(f.loop, task),
              (std::vector<std::string>{"Connection closed by the SMTP server"}));
    ASSERT_TRUE(f.client.failure());
    EXPECT_EQ(f.client.failure()->code, ErrorCode::closed);
}

TEST(SmtpClient, InvalidReplyIsAProtocolError) {
    Fixture f({send("220 mx\r\n"), expect("EHLO localhost.localdomain"), send("hello there\r\n")});
    auto task = session(f.client, {});
    EXPECT_EQ(run(f.loop, task),
              (std::vector<std::string>{"open: Invalid SMTP reply: hello there"}));
}

TEST(SmtpClient, MessageOverTheSizeLimitIsNotSent) {
    Fixture f({
        send("220 mx\r\n"),
        expect("EHLO localhost.localdomain"),
        send("250-mx\r\n250 SIZE 10\r\n"),
        expect("QUIT"),
        send("221 Bye\r\n"),
    });
    auto task = session(f.client, {"this message is too big\r\n"});
    EXPECT_EQ(
        run(f.loop, task),
        (std::vector<std::string>{
            "SMTP error: message of 25 bytes exceeds the server's SIZE limit of 10", "quit"}));
}

TEST(SmtpClient, DebugShowsTheDialogueButNotTheMessage) {
    Fixture f(script({{
                          send("220 mx\r\n"),
                          expect("EHLO localhost.localdomain"),
                          send("250 mx\r\n"),
                      },
                      lockstep(),
                      {
                          send("354 go\r\n"),
                          expect("secret"),
                          expect("."),
                          send("250 queued\r\n"),
                      },
                      closing()}),
              Protocol::smtp, {"user"}, 1);
    auto task = session(f.client, {"secret\r\n"});
    EXPECT_EQ(run(f.loop, task), (std::vector<std::string>{"ok", "quit"}));
    EXPECT_EQ(f.logger.lines,
              (std::vector<std::string>{"D : S: 220 mx", "D : C: EHLO localhost.localdomain",
                                        "D : S: 250 mx", "D : C: MAIL FROM:<sender@example.org>",
                                        "D : S: 250 Ok", "D : C: RCPT TO:<user>", "D : S: 250 Ok",
                                        "D : C: DATA", "D : S: 354 go", "D : C: [...]",
                                        "D : S: 250 queued", "D : C: QUIT", "D : S: 221 Bye"}));
}

} // namespace
} // namespace interimap::delivery
