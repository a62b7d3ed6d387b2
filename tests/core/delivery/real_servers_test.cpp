// The SMTP client against a real SMTP server (aiosmtpd, run by
// tests/delivery/smtp_sink.py): the bytes of each message arrive unchanged,
// dot-stuffing undone, with the envelope we gave.
#include "async/event_loop.hpp"
#include "async/task.hpp"
#include "delivery/smtp_client.hpp"

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <interimap/log.hpp>
#include <netinet/in.h>
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

    std::string big;
    for (int i = 0; i < 50000; ++i)
        big += (i % 5 == 0 ? "." : "") + std::string(60, static_cast<char>('A' + i % 26)) + "\r\n";
    const std::vector<std::string> messages = {
        "From: a@example.org\r\nSubject: dots\r\n\r\n.\r\n..\r\n.x\r\n\xc3\xa9t\xc3\xa9\r\n",
        "Subject: no final newline\r\n\r\nlast",
        "Subject: big\r\n\r\n" + big,
    };
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

} // namespace
} // namespace interimap::delivery
