// The pull against a scripted IMAP server, for what a real Dovecot cannot be
// made to do: answer SEARCH without ESEARCH (purge-after on an older
// server), send the same message twice in one FETCH, keep quiet through a
// long IDLE, or let 12 hours pass between two purges; and an SMTP server
// that holds its acknowledgements back, to see the FETCH read no further.
#include "async/event_loop.hpp"
#include "core/config/temp_env.hpp"
#include "imap/connection.hpp"
#include "pullimap/mailbox_puller.hpp"
#include "pullimap/statefile.hpp"
#include "support/scripted_server.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <csignal>
#include <ctime>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace interimap::pullimap {
namespace {

using namespace interimap::testing;

std::string search_date_of(unsigned days, std::time_t now = std::time(nullptr)) {
    static const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::time_t t = now - static_cast<std::time_t>(days) * 86400;
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
    Result<void> run(std::chrono::milliseconds silence_timeout = std::chrono::minutes(5),
                     std::chrono::seconds limit = std::chrono::seconds(5)) {
        auto work = [this]() -> async::Task<Result<void>> {
            auto greeted = co_await connection.greeting();
            if (!greeted)
                co_return Fail(std::move(greeted).error());
            co_return co_await puller->run();
        };
        auto task = work();
        task.start();
        const auto give_up = std::chrono::steady_clock::now() + limit;
        auto r = loop.run_until(
            [&] { return task.done() || std::chrono::steady_clock::now() > give_up; },
            silence_timeout);
        if (!r)
            return r;
        if (!task.done())
            return Fail(ErrorCode::timeout, "the pull did not end in time");
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
            // The EXPUNGE depends on the STORE: not pipelined behind it.
            silence(),
            send("000002 OK\r\n"),
            expect("000003 UID EXPUNGE 1,3"),
            send("* 3 EXPUNGE\r\n* 1 EXPUNGE\r\n000003 OK\r\n"),
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

// An accepted IDLE waits for the mailbox to change, which may take longer
// than the connection's silence timeout (5 minutes, here 100 ms): the wait
// is not a server that stopped answering.
TEST(MailboxPuller, IdlingOutlastsTheSilenceTimeout) {
    PullSettings settings;
    settings.idle = std::chrono::seconds(1);
    PullRun run(
        {
            send("* PREAUTH [CAPABILITY IMAP4rev1 UIDPLUS IDLE] ready\r\n"),
            expect("000000 SELECT INBOX"),
            send(kSelected),
            expect("000001 IDLE"),
            send("+ idling\r\n"),
            // A second of silence; DONE when the IDLE's time is up.
            expect("DONE"),
            send("000001 OK Idle completed\r\n"),
            // The next round's IDLE ends the script.
            expect("000002 IDLE"),
            hang_up(),
        },
        settings);
    ASSERT_TRUE(run.state->write_uidvalidity(7));
    ASSERT_TRUE(run.state->write_uidnext(4));
    const auto started = std::chrono::steady_clock::now();
    auto r = run.run(std::chrono::milliseconds(100));
    // Ended by the hang-up, not by a timeout during the first IDLE.
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().code, ErrorCode::timeout) << r.error().message;
    EXPECT_NE(r.error().message.find("closed"), std::string::npos) << r.error().message;
    EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(900));
    auto m = run.server.finish();
    EXPECT_TRUE(m.empty()) << m[0];
}

// Under --idle, purge-after is applied again once 12 hours have passed since
// the last time, with the date moved on; not at every round in between.
TEST(MailboxPuller, PurgeIsRepeatedEvery12HoursUnderIdle) {
    // 1 Jan 2026 12:00 UTC; each purge() reads the clock once, 7 hours later
    // than the one before: at 0 h (purged), 7 h (too soon), 14 h (purged).
    const std::time_t t0 = 1767268800;
    int reads = 0;
    PullSettings settings;
    settings.purge_after_days = 30;
    settings.idle = std::chrono::seconds(0);
    settings.clock = [&reads, t0] {
        return std::chrono::system_clock::from_time_t(t0) + std::chrono::hours(7) * reads++;
    };
    // Once the third purge is done.
    settings.stop_requested = [&reads] { return reads >= 3; };
    PullRun run(
        {
            send("* PREAUTH [CAPABILITY IMAP4rev1 UIDPLUS IDLE ESEARCH] ready\r\n"),
            expect("000000 SELECT INBOX"),
            send(kSelected),
            expect("000001 UID SEARCH RETURN (ALL) UID 1:3 BEFORE 02-Dec-2025"),
            send("* ESEARCH (TAG \"000001\") UID ALL 1\r\n000001 OK\r\n"),
            expect("000002 UID STORE 1 +FLAGS.SILENT (\\Deleted)"),
            send("000002 OK\r\n"),
            expect("000003 UID EXPUNGE 1"),
            send("* 1 EXPUNGE\r\n000003 OK\r\n"),
            // Round 1: 7 hours later, no purge.
            expect("000004 IDLE"),
            send("+ idling\r\n"),
            expect("DONE"),
            send("000004 OK\r\n"),
            // Round 2: 14 hours after the first purge, a day later in the date.
            expect("000005 IDLE"),
            send("+ idling\r\n"),
            expect("DONE"),
            send("000005 OK\r\n"),
            expect("000006 UID SEARCH RETURN (ALL) UID 1:3 BEFORE 03-Dec-2025"),
            send("* ESEARCH (TAG \"000006\") UID\r\n000006 OK\r\n"),
        },
        settings);
    ASSERT_TRUE(run.state->write_uidvalidity(7));
    ASSERT_TRUE(run.state->write_uidnext(4));
    auto r = run.run();
    ASSERT_TRUE(r) << r.error().message;
    auto m = run.server.finish();
    EXPECT_TRUE(m.empty()) << m[0];
    EXPECT_EQ(reads, 3);
    EXPECT_EQ(run.logged("acct: Removing 1 UID(s) 1"), 1);
}

/// An SMTP server with PIPELINING that keeps its answer to the first final
/// dot (and so, in order, to everything after it) until the client has sent
/// nothing for 300 ms; it notes then what `probe` tells (how many messages
/// the client took in meanwhile), answers, and answers at once from then on.
class StallingSmtpServer {
public:
    explicit StallingSmtpServer(std::function<int()> probe) : probe_(std::move(probe)) {
        listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in sa{};
        sa.sin_family = AF_INET;
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof sa;
        if (::bind(listener_, reinterpret_cast<sockaddr*>(&sa), len) != 0 ||
            ::listen(listener_, 1) != 0 ||
            ::getsockname(listener_, reinterpret_cast<sockaddr*>(&sa), &len) != 0)
            std::abort();
        port_ = ntohs(sa.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~StallingSmtpServer() {
        join();
        ::close(listener_);
    }
    std::uint16_t port() const { return port_; }
    /// What the probe told during the stall; -1 if there was none.
    int probed_at_stall() const { return probed_; }
    int received() const { return messages_; }
    void join() {
        if (thread_.joinable())
            thread_.join();
    }

private:
    /// One line without CRLF; false on end of stream or 300 ms of silence
    /// (`silent` tells which).
    bool read_line(std::string& line, bool& silent) {
        silent = false;
        for (;;) {
            if (auto eol = buffer_.find("\r\n"); eol != std::string::npos) {
                line = buffer_.substr(0, eol);
                buffer_.erase(0, eol + 2);
                return true;
            }
            pollfd p{fd_, POLLIN, 0};
            int ready = ::poll(&p, 1, 300);
            if (ready == 0) {
                silent = true;
                return false;
            }
            char chunk[65536];
            ssize_t n = ready > 0 ? ::read(fd_, chunk, sizeof chunk) : -1;
            if (n <= 0)
                return false;
            buffer_.append(chunk, static_cast<std::size_t>(n));
        }
    }
    void say(const std::string& text) {
        std::string line = text + "\r\n";
        (void)!::write(fd_, line.data(), line.size());
    }
    /// Replies leave in order: behind a held one, they wait too.
    void reply(const std::string& text) {
        if (holding_)
            held_.push_back(text);
        else
            say(text);
    }
    void serve() {
        pollfd p{listener_, POLLIN, 0};
        if (::poll(&p, 1, 10000) <= 0)
            return;
        fd_ = ::accept(listener_, nullptr, nullptr);
        if (fd_ < 0)
            return;
        // Replies go one line per write: without this, Nagle and delayed
        // ACKs make each message take 40 ms.
        int one = 1;
        ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        say("220 stalling ESMTP");
        bool in_data = false;
        std::string line;
        for (;;) {
            bool silent = false;
            if (!read_line(line, silent)) {
                if (!silent)
                    break;
                if (holding_) {
                    probed_ = probe_();
                    holding_ = false;
                    for (const std::string& r : held_)
                        say(r);
                    held_.clear();
                }
                continue;
            }
            if (in_data) {
                if (line == ".") {
                    in_data = false;
                    ++messages_;
                    if (messages_ == 1)
                        holding_ = true;
                    reply("250 2.0.0 queued");
                }
                continue;
            }
            if (line.rfind("EHLO", 0) == 0)
                reply("250-stalling\r\n250 PIPELINING");
            else if (line == "DATA") {
                reply("354 go ahead");
                in_data = true;
            } else if (line == "QUIT") {
                reply("221 bye");
                break;
            } else
                reply("250 2.1.0 ok");
        }
        ::close(fd_);
    }

    std::function<int()> probe_;
    int listener_ = -1;
    int fd_ = -1;
    std::uint16_t port_ = 0;
    std::string buffer_;
    bool holding_ = false;
    std::vector<std::string> held_;
    std::atomic<int> probed_{-1};
    std::atomic<int> messages_{0};
    std::thread thread_;
};

/// `count` messages of `size` bytes each, as one FETCH answer.
std::string fetch_answer(int count, std::size_t size) {
    const std::string header = "From: a@b.org\r\nSubject: gate\r\n\r\n";
    std::string body = header;
    while (body.size() + 80 <= size)
        body += std::string(78, 'x') + "\r\n";
    body += std::string(size - body.size() - 2, 'y') + "\r\n";
    std::string out;
    for (int uid = 1; uid <= count; ++uid)
        out += "* " + std::to_string(uid) + " FETCH (UID " + std::to_string(uid) +
               " ENVELOPE (NIL \"gate\" ((NIL NIL \"a\" \"b.org\")) ((NIL NIL \"a\" \"b.org\")) "
               "NIL NIL NIL NIL NIL NIL) INTERNALDATE \"1-Jan-2026 00:00:00 +0000\" BODY[] {" +
               std::to_string(body.size()) + "}\r\n" + body + ")\r\n";
    return out + "000001 OK Fetch completed\r\n";
}

/// Pulls `count` messages of `size` bytes through StallingSmtpServer; how
/// many messages had been taken from the FETCH (each one logs its UID) when
/// the client stopped for want of an acknowledgement.
int handed_over_unacknowledged(int count, std::size_t size) {
    ::signal(SIGPIPE, SIG_IGN);
    std::atomic<int> taken{0};
    StallingSmtpServer smtp([&taken] { return taken.load(); });
    PullSettings settings;
    auto method = delivery::parse_deliver_method("smtp:[127.0.0.1]:" + std::to_string(smtp.port()));
    EXPECT_TRUE(method);
    settings.delivery.method = *method;
    settings.delivery.ehlo = "localhost";
    settings.delivery.recipient = "user";
    const std::string n = std::to_string(count);
    PullRun run(
        {
            send("* PREAUTH [CAPABILITY IMAP4rev1 UIDPLUS] ready\r\n"),
            expect("000000 SELECT INBOX"),
            send("* " + n + " EXISTS\r\n* OK [UIDVALIDITY 7] x\r\n* OK [UIDNEXT " +
                 std::to_string(count + 1) + "] x\r\n000000 OK\r\n"),
            expect("000001 UID FETCH 1:4294967295 (UID ENVELOPE INTERNALDATE BODY.PEEK[])"),
            send(fetch_answer(count, size)),
            expect("000002 UID STORE 1:" + n + " +FLAGS.SILENT (\\Seen)"),
            send("000002 OK\r\n"),
        },
        settings);
    run.logger.observer = [&taken](const std::string& line) {
        if (line.find(": UID ") != std::string::npos)
            ++taken;
    };
    auto r = run.run(std::chrono::minutes(5), std::chrono::seconds(10));
    EXPECT_TRUE(r) << r.error().message;
    smtp.join();
    auto m = run.server.finish();
    EXPECT_TRUE(m.empty()) << m[0];
    EXPECT_EQ(smtp.received(), count);
    auto s = run.state->read();
    EXPECT_TRUE(s);
    if (s) {
        EXPECT_EQ(s->uidnext, static_cast<std::uint32_t>(count + 1));
        EXPECT_TRUE(s->delivered.empty());
    }
    return smtp.probed_at_stall();
}

// Memory stays bounded whatever the mailbox holds: the FETCH is read no
// further once 64 messages wait for the server's acknowledgement, give or
// take what the one 64 KiB read in progress holds (32 of these).
TEST(MailboxPuller, TheFetchWaitsWhen64MessagesAreUnacknowledged) {
    const int handed = handed_over_unacknowledged(300, 2048);
    EXPECT_GE(handed, static_cast<int>(DeliveryPipeline::kMaxPending));
    EXPECT_LE(handed, static_cast<int>(DeliveryPipeline::kMaxPending) + 33);
}

// ... or once 8 MiB of them do, however few.
TEST(MailboxPuller, TheFetchWaitsWhen8MiBAreUnacknowledged) {
    const int handed = handed_over_unacknowledged(14, 1 << 20);
    EXPECT_GE(handed, 8);
    EXPECT_LE(handed, 9);
}

} // namespace
} // namespace interimap::pullimap
