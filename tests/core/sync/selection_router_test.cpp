// SELECTs pipelined with the commands of several mailboxes on one
// connection: the untagged data of each goes to the right mailbox.
#include "async/event_loop.hpp"
#include "async/task.hpp"
#include "imap/connection.hpp"
#include "support/scripted_server.hpp"
#include "sync/selection_router.hpp"

#include <gtest/gtest.h>

namespace interimap::sync {
namespace {

using namespace interimap::testing;

/// A connection to a scripted server, its router, and two mailboxes.
struct Fixture {
    explicit Fixture(std::vector<Step> script)
        : server(std::move(script)), connection("remote", server.client_stream(), logger, loop),
          router(connection) {}
    template <typename T>
    T run(async::Task<T>& task) {
        task.start();
        auto r = loop.run_until([&] { return task.done(); }, std::chrono::seconds(5));
        EXPECT_TRUE(r) << (r ? "" : r.error().message);
        return task.take_result();
    }
    ScriptedServer server;
    RecordingLogger logger;
    async::EventLoop loop;
    imap::Connection connection;
    SelectionRouter router;
    std::shared_ptr<SelectedMailbox> a = std::make_shared<SelectedMailbox>("A");
    std::shared_ptr<SelectedMailbox> b = std::make_shared<SelectedMailbox>("B");
};

struct Collected {
    std::vector<std::string> fetched; ///< FETCH answers the UID FETCH collected
    std::vector<std::string> statuses;
};

/// SELECT A, UID STORE on A, SELECT B, UID FETCH on B: all sent before any
/// answer is read.
async::Task<Collected> pipeline(imap::Connection& c, SelectionRouter& router,
                                std::shared_ptr<SelectedMailbox> a,
                                std::shared_ptr<SelectedMailbox> b) {
    Collected out;
    (void)co_await c.greeting();
    auto select_a = router.send_select(std::move(imap::Command("SELECT").mailbox("A")), a);
    auto store = c.send(std::move(imap::Command("UID STORE").raw("2 +FLAGS.SILENT (\\Seen)")));
    EXPECT_TRUE(router.selected_last(a.get()));
    auto select_b = router.send_select(std::move(imap::Command("SELECT").mailbox("B")), b);
    EXPECT_FALSE(router.selected_last(a.get()));
    EXPECT_TRUE(router.selected_last(b.get()));
    imap::CommandOptions opts;
    opts.collects = {"FETCH"};
    opts.on_untagged = [&out](const imap::Response& r) { out.fetched.push_back(r.log_line); };
    auto fetch = c.send(std::move(imap::Command("UID FETCH").raw("6").raw("(FLAGS)")), opts);
    for (auto* p : {&select_a, &store, &select_b, &fetch}) {
        auto done = co_await *p;
        out.statuses.push_back(done ? done->status : "error");
    }
    co_return out;
}

TEST(SelectionRouter, RoutesPipelinedSelectsDataByClosed) {
    Fixture f({
        send("* PREAUTH [CAPABILITY IMAP4rev1 QRESYNC] hi\r\n"),
        // Everything arrives before the first answer: SELECT is pipelined.
        expect("000000 SELECT A"),
        expect("000001 UID STORE 2 +FLAGS.SILENT (\\Seen)"),
        expect("000002 SELECT B"),
        expect("000003 UID FETCH 6 (FLAGS)"),
        send("* OK [UIDVALIDITY 7] ok\r\n"
             "* OK [HIGHESTMODSEQ 10] ok\r\n"
             "* VANISHED (EARLIER) 3\r\n"
             "000000 OK [READ-WRITE] selected A\r\n"
             // The STORE's echo: about A, although SELECT B is in flight.
             "* 2 FETCH (UID 2 MODSEQ (11))\r\n"
             "000001 OK stored\r\n"
             // Still about A: B is not entered before CLOSED.
             "* 4 FETCH (UID 4 FLAGS (\\Deleted) MODSEQ (12))\r\n"
             "* OK [CLOSED] previous mailbox closed\r\n"
             "* OK [UIDVALIDITY 9] ok\r\n"
             "* OK [HIGHESTMODSEQ 20] ok\r\n"
             // B's QRESYNC news, not an answer to the UID FETCH behind it.
             "* 5 FETCH (UID 5 FLAGS (\\Seen) MODSEQ (19))\r\n"
             "000002 OK [READ-WRITE] selected B\r\n"
             "* 6 FETCH (UID 6 FLAGS (\\Flagged))\r\n"
             "000003 OK fetched\r\n"),
    });
    auto task = pipeline(f.connection, f.router, f.a, f.b);
    Collected out = f.run(task);
    auto& a = f.a;
    auto& b = f.b;
    EXPECT_EQ(out.statuses, (std::vector<std::string>{"OK", "OK", "OK", "OK"}));
    EXPECT_EQ(out.fetched, (std::vector<std::string>{"* 6 FETCH (UID 6 FLAGS (\\Flagged))"}));

    EXPECT_EQ(a->uidvalidity, 7u);
    EXPECT_EQ(a->highestmodseq, 12u);
    EXPECT_EQ(a->take_vanished(), (std::vector<Uid>{3}));
    auto amod = a->take_modified();
    ASSERT_EQ(amod.size(), 2u);
    EXPECT_EQ(amod[2].modseq, 11u);
    EXPECT_EQ(amod[4].flags, "\\Deleted");

    EXPECT_EQ(b->uidvalidity, 9u);
    EXPECT_EQ(b->highestmodseq, 20u);
    EXPECT_TRUE(b->take_vanished().empty());
    auto bmod = b->take_modified();
    ASSERT_EQ(bmod.size(), 1u);
    EXPECT_EQ(bmod[5].flags, "\\Seen");
    EXPECT_TRUE(f.server.finish().empty()) << f.server.finish()[0];
}

async::Task<std::vector<std::string>> failed_select(imap::Connection& c, SelectionRouter& router,
                                                    std::shared_ptr<SelectedMailbox> a,
                                                    std::shared_ptr<SelectedMailbox> b) {
    std::vector<std::string> out;
    (void)co_await c.greeting();
    auto select_a = router.send_select(std::move(imap::Command("SELECT").mailbox("A")), a);
    auto select_b = router.send_select(std::move(imap::Command("SELECT").mailbox("B")), b);
    for (auto* p : {&select_a, &select_b}) {
        auto done = co_await *p;
        out.push_back(done ? done->status : "error");
    }
    co_return out;
}

TEST(SelectionRouter, AFailedSelectStopsTheRouting) {
    Fixture f({
        send("* PREAUTH [CAPABILITY IMAP4rev1 QRESYNC] hi\r\n"),
        expect("000000 SELECT A"),
        expect("000001 SELECT B"),
        // A does not exist: nothing is selected, so B enters without a
        // [CLOSED]; its data must not be taken for A's (nor trusted).
        send("000000 NO [NONEXISTENT] Mailbox doesn't exist: A\r\n"
             "* OK [UIDVALIDITY 9] ok\r\n"
             "* VANISHED (EARLIER) 1:5\r\n"
             "000001 OK [READ-WRITE] selected B\r\n"),
    });
    auto task = failed_select(f.connection, f.router, f.a, f.b);
    EXPECT_EQ(f.run(task), (std::vector<std::string>{"NO", "OK"}));
    EXPECT_TRUE(f.router.broken());
    auto& a = f.a;
    auto& b = f.b;
    EXPECT_FALSE(a->uidvalidity);
    EXPECT_TRUE(a->take_vanished().empty());
    EXPECT_FALSE(b->uidvalidity);
    EXPECT_TRUE(f.server.finish().empty()) << f.server.finish()[0];
}

async::Task<std::string> select_after_a_previous_round(imap::Connection& c, SelectionRouter& router,
                                                       std::shared_ptr<SelectedMailbox> a) {
    (void)co_await c.greeting();
    router.selected_before();
    auto done = co_await router.send_select(std::move(imap::Command("SELECT").mailbox("A")), a);
    co_return done ? done->status : "error";
}

TEST(SelectionRouter, AMailboxLeftSelectedByAPreviousRoundIsClosedFirst) {
    Fixture f({
        send("* PREAUTH [CAPABILITY IMAP4rev1 QRESYNC] hi\r\n"),
        expect("000000 SELECT A"),
        send("* VANISHED 8\r\n" // about the mailbox left selected
             "* OK [CLOSED] previous mailbox closed\r\n"
             "* OK [UIDVALIDITY 7] ok\r\n"
             "* VANISHED (EARLIER) 2\r\n"
             "000000 OK [READ-WRITE] selected A\r\n"),
    });
    auto task = select_after_a_previous_round(f.connection, f.router, f.a);
    EXPECT_EQ(f.run(task), "OK");
    EXPECT_EQ(f.a->uidvalidity, 7u);
    EXPECT_EQ(f.a->take_vanished(), (std::vector<Uid>{2}));
    EXPECT_TRUE(f.server.finish().empty()) << f.server.finish()[0];
}

} // namespace
} // namespace interimap::sync
