// --notify: the NOTIFY commands interimap sends, and the STATUS reports the
// servers send back, kept by mailbox until a round synchronises it.
#include "async/event_loop.hpp"
#include "async/task.hpp"
#include "core/imap/parse_helpers.hpp"
#include "imap/connection.hpp"
#include "support/scripted_server.hpp"
#include "sync/mailbox_news.hpp"

#include <gtest/gtest.h>

namespace interimap::sync {
namespace {

using imap::test::parse_one;

using namespace interimap::testing;

std::string text(const imap::Command& c) {
    std::string out;
    for (const auto& segment : c.serialize("t", {}))
        out += segment.bytes;
    return out;
}

TEST(NotifyCommands, SetStatusForTheMailboxesThenTheSameWithTheMailboxList) {
    auto commands = notify_commands({"INBOX", "a/b c", "say \"hi\""});
    ASSERT_EQ(commands.size(), 2u);
    EXPECT_EQ(text(commands[0]),
              "t NOTIFY SET STATUS (MAILBOXES (\"INBOX\" \"a/b c\" \"say \\\"hi\\\"\") "
              "(MessageNew MessageExpunge FlagChange)) "
              "(SELECTED (MessageNew MessageExpunge FlagChange))\r\n");
    EXPECT_EQ(text(commands[1]), "t NOTIFY SET (MAILBOXES (\"INBOX\" \"a/b c\" \"say \\\"hi\\\"\") "
                                 "(MessageNew MessageExpunge FlagChange)) "
                                 "(SELECTED (MessageNew MessageExpunge FlagChange)) "
                                 "(personal (MailboxName SubscriptionChange))\r\n");
}

TEST(NotifyCommands, NoMailboxesNoMailboxesFilter) {
    auto commands = notify_commands({});
    ASSERT_EQ(commands.size(), 2u);
    EXPECT_EQ(text(commands[0]),
              "t NOTIFY SET STATUS (SELECTED (MessageNew MessageExpunge FlagChange))\r\n");
}

struct Sides {
    SideListing local{nullptr, {}, MailboxNaming("", '/')};
    SideListing remote{nullptr, {}, MailboxNaming("", '.')};
};

TEST(MailboxNews, KeepsReportsAboutWatchedMailboxesByStoredName) {
    Sides s;
    const StoredMailboxName nested("a\0b", 3);
    MailboxNews news(s.local, s.remote, {"INBOX", nested});
    EXPECT_EQ(news.server_names(Side::local), (std::vector<std::string>{"INBOX", "a/b"}));
    EXPECT_EQ(news.server_names(Side::remote), (std::vector<std::string>{"INBOX", "a.b"}));

    EXPECT_TRUE(news.take(Side::remote, parse_one("* STATUS a.b (UIDNEXT 5 UIDVALIDITY 9 "
                                                  "HIGHESTMODSEQ 6)\r\n")));
    EXPECT_TRUE(news.has_news());
    EXPECT_TRUE(news.take(Side::remote, parse_one("* STATUS a.b (HIGHESTMODSEQ 8)\r\n")));
    const StatusReport* report = news.report(Side::remote, nested);
    ASSERT_NE(report, nullptr);
    EXPECT_EQ(report->uidnext, 5u);
    EXPECT_EQ(report->uidvalidity, 9u);
    EXPECT_EQ(report->highestmodseq, 8u);
    EXPECT_EQ(news.report(Side::local, nested), nullptr);

    news.forget(nested);
    EXPECT_EQ(news.report(Side::remote, nested), nullptr);
    news.clear_news();
    EXPECT_FALSE(news.has_news());
}

TEST(MailboxNews, TakesEveryNotificationButKeepsOnlyWhatIsWatched) {
    Sides s;
    MailboxNews news(s.local, s.remote, {"INBOX"});
    EXPECT_TRUE(news.take(Side::local, parse_one("* STATUS Other (UIDNEXT 5)\r\n")));
    EXPECT_TRUE(news.take(Side::local, parse_one("* LIST () \"/\" Other\r\n")));
    EXPECT_FALSE(news.has_news());
    EXPECT_FALSE(news.take(Side::local, parse_one("* 3 EXISTS\r\n")));
    EXPECT_TRUE(news.take(Side::local, parse_one("* STATUS inbox (UIDNEXT 5)\r\n")));
    EXPECT_NE(news.report(Side::local, "INBOX"), nullptr);
    EXPECT_FALSE(news.error());
}

TEST(MailboxNews, AMalformedStatusIsAnError) {
    Sides s;
    MailboxNews news(s.local, s.remote, {"INBOX"});
    EXPECT_TRUE(news.take(Side::remote, parse_one("* STATUS INBOX (UIDNEXT x)\r\n")));
    ASSERT_TRUE(news.error());
    EXPECT_EQ(news.error()->context, "remote");
    EXPECT_EQ(news.error()->message, "Invalid STATUS response: * STATUS INBOX (UIDNEXT x)");
}

async::Task<Result<void>> noop(imap::Connection& c) {
    (void)co_await c.greeting();
    auto done = co_await c.send(imap::Command("NOOP"));
    if (!done)
        co_return Fail(std::move(done).error());
    co_return ok();
}

TEST(MailboxNews, ListensBetweenRoundsMessageDataMeansTheSelectedMailboxChanged) {
    ScriptedServer server({
        send("* PREAUTH [CAPABILITY IMAP4rev1 NOTIFY] hi\r\n"),
        expect("000000 NOOP"),
        send("* STATUS INBOX (UIDNEXT 9)\r\n* 4 EXISTS\r\n000000 OK done\r\n"),
    });
    RecordingLogger logger;
    async::EventLoop loop;
    imap::Connection connection("remote", server.client_stream(), logger, loop);
    Sides s;
    MailboxNews news(s.local, s.remote, {"INBOX"});
    news.listen(Side::remote, connection);
    auto task = noop(connection);
    task.start();
    ASSERT_TRUE(loop.run_until([&] { return task.done(); }, std::chrono::seconds(5)));
    EXPECT_TRUE(task.take_result());
    ASSERT_NE(news.report(Side::remote, "INBOX"), nullptr);
    EXPECT_EQ(news.report(Side::remote, "INBOX")->uidnext, 9u);
    EXPECT_TRUE(news.selection_changed(Side::remote));
    EXPECT_FALSE(news.selection_changed(Side::local));
    news.clear_news();
    EXPECT_FALSE(news.selection_changed(Side::remote));
    EXPECT_TRUE(server.finish().empty());
}

TEST(MailboxNews, DuringARoundTheRestGoesToTheRouter) {
    ScriptedServer server({
        send("* PREAUTH [CAPABILITY IMAP4rev1 NOTIFY] hi\r\n"),
        expect("000000 SELECT INBOX"),
        send("* STATUS Sent (UIDNEXT 3)\r\n* 4 EXISTS\r\n000000 OK selected\r\n"),
    });
    RecordingLogger logger;
    async::EventLoop loop;
    imap::Connection connection("local", server.client_stream(), logger, loop);
    Sides s;
    MailboxNews news(s.local, s.remote, {"INBOX", "Sent"});
    SelectionRouter router(connection);
    news.listen(Side::local, connection, &router);
    auto selected = std::make_shared<SelectedMailbox>("INBOX");
    auto task = [](imap::Connection& c, SelectionRouter& r,
                   std::shared_ptr<SelectedMailbox> m) -> async::Task<Result<void>> {
        (void)co_await c.greeting();
        auto done = co_await r.send_select(std::move(imap::Command("SELECT").mailbox("INBOX")), m);
        if (!done)
            co_return Fail(std::move(done).error());
        co_return ok();
    }(connection, router, selected);
    task.start();
    ASSERT_TRUE(loop.run_until([&] { return task.done(); }, std::chrono::seconds(5)));
    EXPECT_TRUE(task.take_result());
    EXPECT_EQ(selected->exists, 4u);
    ASSERT_NE(news.report(Side::local, "Sent"), nullptr);
    EXPECT_FALSE(news.selection_changed(Side::local));
    EXPECT_TRUE(server.finish().empty());
}

} // namespace
} // namespace interimap::sync
