// The pull against a scripted IMAP server, for what a real Dovecot cannot be
// made to do: answer SEARCH without ESEARCH (purge-after on an older
// server), and send the same message twice in one FETCH.
#include "async/event_loop.hpp"
#include "core/config/temp_env.hpp"
#include "imap/connection.hpp"
#include "pullimap/mailbox_puller.hpp"
#include "pullimap/statefile.hpp"
#include "support/scripted_server.hpp"

#include <algorithm>
#include <ctime>
#include <gtest/gtest.h>

namespace interimap::pullimap {
namespace {

using namespace interimap::testing;

std::string search_date_of(unsigned days) {
    static const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::time_t t = std::time(nullptr) - static_cast<std::time_t>(days) * 86400;
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02d-%s-%04d", tm.tm_mday, months[tm.tm_mon],
                  tm.tm_year + 1900);
    return buf;
}

struct PullRun {
    PullRun(std::vector<Step> script, PullSettings settings)
        : server(std::move(script)), connection("acct", server.client_stream(), logger, loop) {
        auto f = Statefile::open(dir.path() / "state", true);
        EXPECT_TRUE(f);
        state.emplace(std::move(*f));
        settings.name = "acct";
        puller.emplace(connection, *state, std::move(settings), logger);
    }
    Result<void> run() {
        auto work = [this]() -> async::Task<Result<void>> {
            auto greeted = co_await connection.greeting();
            if (!greeted)
                co_return Fail(std::move(greeted).error());
            co_return co_await puller->run();
        };
        auto task = work();
        task.start();
        auto r = loop.run_until([&] { return task.done(); }, std::chrono::seconds(5));
        if (!r)
            return r;
        return task.take_result();
    }
    long logged(const std::string& text) const {
        return std::count_if(logger.lines.begin(), logger.lines.end(), [&](const std::string& l) {
            return l.find(text) != std::string::npos;
        });
    }

    TempDir dir;
    ScriptedServer server;
    RecordingLogger logger;
    async::EventLoop loop;
    imap::Connection connection;
    std::optional<Statefile> state;
    std::optional<MailboxPuller> puller;
};

const char* kSelected = "* 3 EXISTS\r\n* OK [UIDVALIDITY 7] UIDs valid\r\n"
                        "* OK [UIDNEXT 4] Predicted next UID\r\n000000 OK [READ-WRITE] done\r\n";

TEST(MailboxPuller, PurgeWithSearchWhenTheServerLacksEsearch) {
    PullSettings settings;
    settings.purge_after_days = 30;
    PullRun run(
        {
            send("* PREAUTH [CAPABILITY IMAP4rev1 UIDPLUS] ready\r\n"),
            expect("000000 SELECT INBOX"),
            send(kSelected),
            // Nothing new (UIDNEXT 4 stored): straight to the purge.
            expect("000001 UID SEARCH UID 1:3 BEFORE " + search_date_of(30)),
            // 9 is past UIDNEXT: not delivered, never removed.
            send("* SEARCH 1 3 9\r\n000001 OK Search completed\r\n"),
            expect("000002 UID STORE 1,3 +FLAGS.SILENT (\\Deleted)"),
            expect("000003 UID EXPUNGE 1,3"),
            send("* 3 EXPUNGE\r\n* 1 EXPUNGE\r\n000002 OK\r\n000003 OK\r\n"),
        },
        settings);
    ASSERT_TRUE(run.state->write_uidvalidity(7));
    ASSERT_TRUE(run.state->write_uidnext(4));
    auto r = run.run();
    ASSERT_TRUE(r) << r.error().message;
    auto m = run.server.finish();
    EXPECT_TRUE(m.empty()) << m[0];
    EXPECT_EQ(run.logged("acct: Removing 2 UID(s) 1,3"), 1);
}

TEST(MailboxPuller, AMessageSentTwiceIsHandledOnce) {
    PullSettings settings;
    settings.deliver = false; // --no-delivery: no SMTP server needed
    const std::string envelope =
        "ENVELOPE (NIL \"s\" ((NIL NIL \"a\" \"b.org\")) ((NIL NIL \"a\" \"b.org\")) NIL NIL NIL "
        "NIL NIL NIL)";
    PullRun run(
        {
            send("* PREAUTH [CAPABILITY IMAP4rev1 UIDPLUS] ready\r\n"),
            expect("000000 SELECT INBOX"),
            send("* 2 EXISTS\r\n* OK [UIDVALIDITY 7] x\r\n* OK [UIDNEXT 3] x\r\n000000 OK\r\n"),
            expect("000001 UID FETCH 1:4294967295 (UID ENVELOPE INTERNALDATE)"),
            send("* 1 FETCH (UID 1 " + envelope +
                 " INTERNALDATE \"1-Jan-2026 00:00:00 +0000\")\r\n" + "* 1 FETCH (UID 1 " +
                 envelope + " INTERNALDATE \"1-Jan-2026 00:00:00 +0000\")\r\n" +
                 "* 1 FETCH (FLAGS (\\Seen))\r\n" + // a flag change: not a message
                 "* 2 FETCH (UID 2 " + envelope +
                 " INTERNALDATE \"1-Jan-2026 00:00:00 +0000\")\r\n" +
                 "000001 OK Fetch completed\r\n"),
            expect("000002 UID STORE 1:2 +FLAGS.SILENT (\\Seen)"),
            send("000002 OK\r\n"),
        },
        settings);
    auto r = run.run();
    ASSERT_TRUE(r) << r.error().message;
    auto m = run.server.finish();
    EXPECT_TRUE(m.empty()) << m[0];
    EXPECT_EQ(run.logged("UID 1 from <a@b.org>"), 1);
    EXPECT_EQ(run.logged("UID 2 from <a@b.org>"), 1);
    auto s = run.state->read();
    ASSERT_TRUE(s);
    EXPECT_EQ(s->uidvalidity, 7u);
    EXPECT_EQ(s->uidnext, 3u);
    EXPECT_TRUE(s->delivered.empty());
}

} // namespace
} // namespace interimap::pullimap
