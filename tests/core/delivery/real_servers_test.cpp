// The SMTP client against real servers: SMTP against aiosmtpd (run by
// tests/delivery/smtp_sink.py), LMTP against a Dovecot daemon (started here,
// as root, with dovecot-lmtpd). The bytes of each message arrive unchanged,
// dot-stuffing undone, with the envelope we gave; a refused recipient fails
// the message with the server's reply.
#include "async/event_loop.hpp"
#include "async/task.hpp"
#include "delivery/smtp_client.hpp"

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <grp.h>
#include <gtest/gtest.h>
#include <interimap/log.hpp>
#include <netinet/in.h>
#include <pwd.h>
#include <sstream>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace interimap::delivery {
namespace {

namespace fs = std::filesystem;

int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    ::bind(fd, reinterpret_cast<sockaddr*>(&sa), len);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
    ::close(fd);
    return ntohs(sa.sin_port);
}

bool port_open(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons(static_cast<std::uint16_t>(port));
    const bool open = ::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
    ::close(fd);
    return open;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// aiosmtpd on a loopback port, writing what it receives to a directory.
class SmtpSink {
public:
    SmtpSink() : dir_(fs::temp_directory_path() / ("smtp-sink-" + std::to_string(::getpid()))) {
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        port_ = free_port();
        pid_ = ::fork();
        if (pid_ == 0) {
            const std::string script =
                std::string(INTERIMAP_TEST_DATA_DIR) + "/../delivery/smtp_sink.py";
            const std::string port = std::to_string(port_);
            ::execl("/usr/bin/python3", "python3", script.c_str(), port.c_str(), dir_.c_str(),
                    static_cast<char*>(nullptr));
            ::_exit(127);
        }
        for (int i = 0; i < 100 && !fs::exists(dir_ / "ready"); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ~SmtpSink() {
        ::kill(pid_, SIGTERM);
        ::waitpid(pid_, nullptr, 0);
        fs::remove_all(dir_);
    }
    bool ready() const { return fs::exists(dir_ / "ready"); }
    int port() const { return port_; }
    std::string message(int n) const { return slurp(dir_ / (std::to_string(n) + ".eml")); }
    std::string envelope(int n) const { return slurp(dir_ / (std::to_string(n) + ".env")); }

private:
    fs::path dir_;
    int port_ = 0;
    pid_t pid_ = -1;
};

/// Lines starting with "." and 8-bit text; no final newline (the client adds
/// CRLF); about 2 MB, every fifth line starting with ".".
std::vector<std::string> test_messages() {
    std::string big;
    for (int i = 0; i < 33000; ++i)
        big += (i % 5 == 0 ? "." : "") + std::string(60, static_cast<char>('A' + i % 26)) + "\r\n";
    return {
        "From: a@example.org\r\nSubject: dots\r\n\r\n.\r\n..\r\n.x\r\n\xc3\xa9t\xc3\xa9\r\n",
        "Subject: no final newline\r\n\r\nlast",
        "Subject: big\r\n\r\n" + big,
    };
}

async::Task<std::vector<std::string>> deliver_all(SmtpClient& c,
                                                  std::vector<std::string> messages) {
    std::vector<std::string> out;
    auto opened = co_await c.open();
    if (!opened)
        co_return std::vector<std::string>{"open: " + opened.error().message};
    std::vector<SmtpWait> waits;
    for (std::size_t i = 0; i < messages.size(); ++i)
        waits.push_back(c.deliver(i == 0 ? "" : "sender@example.org", std::move(messages[i])));
    for (auto& w : waits) {
        auto r = co_await w;
        out.push_back(r ? "ok" : r.error().message);
    }
    auto q = co_await c.quit();
    out.push_back(q ? "quit" : "quit: " + q.error().message);
    co_return out;
}

TEST(SmtpRealServer, AiosmtpdReceivesTheBytesUnchanged) {
    if (!fs::exists("/usr/bin/python3") ||
        std::system("/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null") != 0)
        GTEST_SKIP() << "python3-aiosmtpd is not installed";
    SmtpSink sink;
    ASSERT_TRUE(sink.ready());
    auto method = parse_deliver_method("smtp:[127.0.0.1]:" + std::to_string(sink.port()));
    ASSERT_TRUE(method);
    auto stream = connect_deliver_method(*method);
    ASSERT_TRUE(stream) << stream.error().message;

    const std::vector<std::string> messages = test_messages();
    NullLogger logger;
    async::EventLoop loop;
    SmtpClient client(SmtpOptions{Protocol::smtp, "localhost.localdomain", {"bob@example.org"}, ""},
                      std::move(*stream), logger, loop);
    auto task = deliver_all(client, messages);
    task.start();
    auto r = loop.run_until([&] { return task.done(); }, std::chrono::seconds(20));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(task.take_result(), (std::vector<std::string>{"ok", "ok", "ok", "quit"}));
    EXPECT_EQ(sink.message(1), messages[0]);
    EXPECT_EQ(sink.message(2), messages[1] + "\r\n");
    EXPECT_EQ(sink.message(3), messages[2]);
    EXPECT_EQ(sink.envelope(1), "<>\nbob@example.org\n"); // the null path
    EXPECT_EQ(sink.envelope(2), "sender@example.org\nbob@example.org\n");
}

/// A Dovecot LMTP daemon on a loopback port (started as root; Dovecot
/// refuses mail access as root, so the mail belongs to nobody), with users
/// alice and bob whose maildirs are under its directory.
class DovecotLmtp {
public:
    DovecotLmtp()
        : dir_(fs::temp_directory_path() / ("dovecot-lmtp-" + std::to_string(::getpid()))) {
        fs::remove_all(dir_);
        fs::create_directories(dir_ / "run");
        fs::create_directories(dir_ / "mail");
        fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                  fs::perms::others_read | fs::perms::others_exec);
        const passwd* pw = ::getpwnam("nobody");
        const group* gr = ::getgrnam("nogroup");
        if (pw == nullptr || gr == nullptr ||
            ::chown((dir_ / "mail").c_str(), pw->pw_uid, gr->gr_gid) != 0)
            return;
        port_ = free_port();
        const std::string d = dir_.string();
        std::ofstream(dir_ / "users") << "alice:{PLAIN}x::::::\nbob:{PLAIN}x::::::\n";
        std::ofstream(dir_ / "dovecot.conf")
            << "base_dir = " << d << "/run\n"
            << "log_path = " << d << "/dovecot.log\n"
            << "protocols = lmtp\n"
               "listen = 127.0.0.1\n"
               "ssl = no\n"
               "postmaster_address = postmaster@example.org\n"
               "passdb {\n  driver = passwd-file\n  args = "
            << d << "/users\n}\n"
            << "userdb {\n  driver = passwd-file\n  args = " << d << "/users\n"
            << "  default_fields = uid=nobody gid=nogroup home=" << d << "/mail/%u\n}\n"
            << "mail_location = maildir:" << d << "/mail/%u/Mail\n"
            << "namespace inbox {\n  inbox = yes\n}\n"
               "service lmtp {\n  inet_listener lmtp {\n    address = 127.0.0.1\n    port = "
            << port_ << "\n  }\n}\n"
            << "service anvil {\n  chroot =\n}\n";
        if (std::system(("/usr/sbin/dovecot -c " + d + "/dovecot.conf").c_str()) != 0)
            return;
        for (int i = 0; i < 100 && !ready_; ++i) {
            ready_ = port_open(port_);
            if (!ready_)
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
    ~DovecotLmtp() {
        std::ifstream pid_file(dir_ / "run" / "master.pid");
        pid_t pid = 0;
        if (pid_file >> pid && pid > 0 && ::kill(pid, SIGTERM) == 0)
            for (int i = 0; i < 100 && ::kill(pid, 0) == 0; ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
        fs::remove_all(dir_);
    }
    bool ready() const { return ready_; }
    int port() const { return port_; }
    std::string log() const { return slurp(dir_ / "dovecot.log"); }
    /// The files of USER's INBOX (new/ and cur/), as stored.
    std::vector<std::string> inbox(const std::string& user) const {
        std::vector<std::string> out;
        for (const char* sub : {"new", "cur"}) {
            const fs::path p = dir_ / "mail" / user / "Mail" / sub;
            if (fs::exists(p))
                for (const auto& entry : fs::directory_iterator(p))
                    out.push_back(slurp(entry.path()));
        }
        return out;
    }

private:
    fs::path dir_;
    int port_ = 0;
    bool ready_ = false;
};

/// How Dovecot's maildir stores a message: LF line endings.
std::string lf(std::string s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i)
        if (!(s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n'))
            out += s[i];
    return out;
}

/// How many of `stored` are `original` (with LF line endings) preceded only by
/// the header lines LMTP adds, the first one being "Return-Path: <sender>".
int count_delivered(const std::vector<std::string>& stored, const std::string& original,
                    const std::string& sender) {
    const std::string body = lf(original);
    const std::string return_path = "Return-Path: <" + sender + ">\n";
    int n = 0;
    for (const std::string& s : stored)
        if (s.size() > body.size() && s.ends_with(body) && s.starts_with(return_path) &&
            s[s.size() - body.size() - 1] == '\n' &&
            s.substr(0, s.size() - body.size()).find("\n\n") == std::string::npos)
            ++n;
    return n;
}

/// Runs deliver_all over a new LMTP session with `recipients`.
std::vector<std::string> deliver_lmtp(const DovecotLmtp& server,
                                      std::vector<std::string> recipients,
                                      std::vector<std::string> messages) {
    auto method = parse_deliver_method("lmtp:[127.0.0.1]:" + std::to_string(server.port()));
    if (!method)
        return {"method: " + method.error().message};
    auto stream = connect_deliver_method(*method);
    if (!stream)
        return {"connect: " + stream.error().message};
    NullLogger logger;
    async::EventLoop loop;
    SmtpClient client(
        SmtpOptions{Protocol::lmtp, "localhost.localdomain", std::move(recipients), ""},
        std::move(*stream), logger, loop);
    auto task = deliver_all(client, std::move(messages));
    task.start();
    auto r = loop.run_until([&] { return task.done(); }, std::chrono::seconds(30));
    if (!r)
        return {"loop: " + r.error().message};
    return task.take_result();
}

TEST(LmtpRealServer, DovecotStoresTheBytesUnchanged) {
    if (::geteuid() != 0 || !fs::exists("/usr/sbin/dovecot") ||
        !fs::exists("/usr/lib/dovecot/lmtp"))
        GTEST_SKIP() << "needs root, dovecot-core and dovecot-lmtpd";
    DovecotLmtp server;
    ASSERT_TRUE(server.ready()) << server.log();
    const std::vector<std::string> messages = test_messages();
    const std::vector<std::string> senders = {"", "sender@example.org", "sender@example.org"};

    // One recipient, then two: every message is stored once per recipient.
    EXPECT_EQ(deliver_lmtp(server, {"alice"}, messages),
              (std::vector<std::string>{"ok", "ok", "ok", "quit"}))
        << server.log();
    EXPECT_EQ(deliver_lmtp(server, {"alice", "bob"}, messages),
              (std::vector<std::string>{"ok", "ok", "ok", "quit"}))
        << server.log();
    const auto alice = server.inbox("alice");
    const auto bob = server.inbox("bob");
    ASSERT_EQ(alice.size(), 6U);
    ASSERT_EQ(bob.size(), 3U);
    for (std::size_t i = 0; i < messages.size(); ++i) {
        // The client ends a message without final newline with CRLF.
        const std::string sent = i == 1 ? messages[i] + "\r\n" : messages[i];
        EXPECT_EQ(count_delivered(alice, sent, senders[i]), 2) << "message " << i;
        EXPECT_EQ(count_delivered(bob, sent, senders[i]), 1) << "message " << i;
    }

    // An unknown user alone: the message fails with the server's reply, and
    // the session goes on (Dovecot refuses DATA; the client resets).
    const std::string refusal = "SMTP error: Expected 250, got: 550 5.1.1 <nosuchuser> User "
                                "doesn't exist: nosuchuser";
    EXPECT_EQ(deliver_lmtp(server, {"nosuchuser"}, {messages[0]}),
              (std::vector<std::string>{refusal, "quit"}));
    // An unknown user with a known one: the message fails with the same
    // reply, and no one gets it (Dovecot accepts DATA for alice, so the client
    // closes the session before sending the message).
    const auto mixed = deliver_lmtp(server, {"alice", "nosuchuser"}, {messages[0]});
    ASSERT_FALSE(mixed.empty());
    EXPECT_EQ(mixed[0], refusal);
    EXPECT_EQ(server.inbox("alice").size(), 6U);
    EXPECT_EQ(server.inbox("bob").size(), 3U);
    EXPECT_EQ(server.inbox("nosuchuser").size(), 0U);
}

} // namespace
} // namespace interimap::delivery
