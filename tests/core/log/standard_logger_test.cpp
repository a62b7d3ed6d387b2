#include "log/standard_logger.hpp"

#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <gtest/gtest.h>
#include <regex>
#include <sstream>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace interimap::log {
namespace {

class StandardLoggerTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string templ =
            (std::filesystem::temp_directory_path() / "interimap-log-XXXXXX").string();
        dir_ = ::mkdtemp(templ.data());
        // A file stands in for the error output, so that the test can read it back.
        stderr_fd_ = ::open((dir_ / "stderr").c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
        ASSERT_GE(stderr_fd_, 0);
    }
    void TearDown() override {
        ::close(stderr_fd_);
        std::filesystem::remove_all(dir_);
    }

    static std::string slurp(const std::filesystem::path& p) {
        std::ifstream in(p, std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        return s.str();
    }
    std::string stderr_text() const { return slurp(dir_ / "stderr"); }
    std::filesystem::path logfile() const { return dir_ / "interimap.log"; }

    std::unique_ptr<StandardLogger> make(StandardLoggerSettings settings) {
        auto logger = StandardLogger::open(std::move(settings), stderr_fd_);
        EXPECT_TRUE(logger) << (logger ? "" : logger.error().message);
        return logger ? std::move(*logger) : nullptr;
    }

    // Strips and checks the timestamp of each logfile line.
    static std::string without_timestamps(const std::string& text) {
        static const std::regex stamp(
            R"(^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 123][0-9] [0-2][0-9]:[0-5][0-9]:[0-6][0-9]\.[0-9]{6} )");
        std::istringstream in(text);
        std::string out, line;
        while (std::getline(in, line)) {
            std::smatch m;
            EXPECT_TRUE(std::regex_search(line, m, stamp)) << "no timestamp: " << line;
            out += line.substr(m.length()) + "\n";
        }
        return out;
    }

    std::filesystem::path dir_;
    int stderr_fd_ = -1;
};

TEST_F(StandardLoggerTest, WritesPrefixedLinesToStderr) {
    auto logger = make({});
    ASSERT_TRUE(logger);
    EXPECT_FALSE(logger->has_logfile());
    logger->info({"local", "INBOX"}, "Created mailbox INBOX");
    logger->info({"database", ""}, "Removed mailbox x");
    logger->info({}, "Creating new schema");
    logger->warning({"remote", "Sent"}, "UID 4 disappeared.");
    logger->error({}, "Connection closed");
    EXPECT_EQ(stderr_text(), "local(INBOX): Created mailbox INBOX\n"
                             "database: Removed mailbox x\n"
                             "Creating new schema\n"
                             "remote(Sent): WARNING: UID 4 disappeared.\n"
                             "ERROR: Connection closed\n");
}

TEST_F(StandardLoggerTest, CustomPrefix) {
    StandardLoggerSettings s;
    s.prefix = *LogPrefix::compile("[%n] %?m?%m: ?");
    auto logger = make(std::move(s));
    logger->warning({"local", "a"}, "w");
    logger->info({"remote", ""}, "i");
    EXPECT_EQ(stderr_text(), "[local] a: WARNING: w\n[remote] i\n");
}

TEST_F(StandardLoggerTest, QuietDropsInformationOnly) {
    StandardLoggerSettings s;
    s.quiet = true;
    auto logger = make(std::move(s));
    EXPECT_TRUE(logger->quiet());
    logger->info({"local", ""}, "progress");
    logger->warning({"local", ""}, "careful");
    logger->error({"local", ""}, "broken");
    EXPECT_EQ(stderr_text(), "local: WARNING: careful\nlocal: ERROR: broken\n");
}

TEST_F(StandardLoggerTest, DebugOnlyWithDebugFlag) {
    auto quiet_logger = make({});
    EXPECT_EQ(quiet_logger->debug_level(), 0);
    quiet_logger->debug({"local", ""}, "C: 1 LOGIN");
    EXPECT_EQ(stderr_text(), "");

    StandardLoggerSettings s;
    s.debug = 2;
    s.quiet = true; // -q does not hide --debug output
    auto logger = make(std::move(s));
    EXPECT_EQ(logger->debug_level(), 2);
    logger->debug({"local", ""}, "C: 1 CAPABILITY");
    EXPECT_EQ(stderr_text(), "local: C: 1 CAPABILITY\n");
}

TEST_F(StandardLoggerTest, LogfileGetsEverythingWithTimestampsStderrNoDebug) {
    StandardLoggerSettings s;
    s.logfile = logfile();
    s.debug = 1;
    auto logger = make(std::move(s));
    ASSERT_TRUE(logger);
    EXPECT_TRUE(logger->has_logfile());
    logger->debug({}, ">>> interimap");
    logger->info({"local", "INBOX"}, "Updated flags");
    logger->debug({"remote", ""}, "S: * OK");
    logger->warning({"remote", ""}, "w");
    logger->error({}, "e");

    EXPECT_EQ(without_timestamps(slurp(logfile())), ">>> interimap\n"
                                                    "local(INBOX): Updated flags\n"
                                                    "remote: S: * OK\n"
                                                    "remote: WARNING: w\n"
                                                    "ERROR: e\n");
    EXPECT_EQ(stderr_text(), "local(INBOX): Updated flags\nremote: WARNING: w\nERROR: e\n");
}

TEST_F(StandardLoggerTest, QuietAppliesToTheLogfileToo) {
    StandardLoggerSettings s;
    s.logfile = logfile();
    s.quiet = true;
    auto logger = make(std::move(s));
    logger->info({}, "progress");
    logger->error({}, "e");
    EXPECT_EQ(without_timestamps(slurp(logfile())), "ERROR: e\n");
}

TEST_F(StandardLoggerTest, LogfileIsCreatedPrivateAndCloseOnExec) {
    mode_t old = ::umask(022);
    StandardLoggerSettings s;
    s.logfile = logfile();
    auto logger = make(std::move(s));
    ::umask(old);
    ASSERT_TRUE(logger);
    struct stat st {};
    ASSERT_EQ(::stat(logfile().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);

    // Find the descriptor among ours and check its flags.
    bool found = false;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
        std::error_code ec;
        if (std::filesystem::read_symlink(entry.path(), ec) != logfile())
            continue;
        int fd = std::stoi(entry.path().filename().string());
        found = true;
        EXPECT_TRUE(::fcntl(fd, F_GETFD) & FD_CLOEXEC);
        EXPECT_TRUE(::fcntl(fd, F_GETFL) & O_APPEND);
    }
    EXPECT_TRUE(found);
}

TEST_F(StandardLoggerTest, LogfileIsAppendedTo) {
    { std::ofstream(logfile()) << "earlier line\n"; }
    StandardLoggerSettings s;
    s.logfile = logfile();
    auto logger = make(std::move(s));
    logger->info({}, "new line");
    std::string text = slurp(logfile());
    ASSERT_EQ(text.rfind("earlier line\n", 0), 0u);
    EXPECT_EQ(without_timestamps(text.substr(13)), "new line\n");
}

TEST_F(StandardLoggerTest, LogfileClosedWithTheLogger) {
    StandardLoggerSettings s;
    s.logfile = logfile();
    auto count_open = [&] {
        int n = 0;
        for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
            std::error_code ec;
            n += std::filesystem::read_symlink(entry.path(), ec) == logfile();
        }
        return n;
    };
    auto logger = make(std::move(s));
    EXPECT_EQ(count_open(), 1);
    logger.reset();
    EXPECT_EQ(count_open(), 0);
}

TEST_F(StandardLoggerTest, UnopenableLogfileIsAnError) {
    StandardLoggerSettings s;
    s.logfile = dir_ / "missing-dir" / "x.log";
    auto logger = StandardLogger::open(std::move(s), stderr_fd_);
    ASSERT_FALSE(logger);
    EXPECT_EQ(logger.error().code, ErrorCode::io);
    EXPECT_EQ(logger.error().message, "Can't open " + (dir_ / "missing-dir" / "x.log").string() +
                                          ": No such file or directory");
}

TEST_F(StandardLoggerTest, ConcurrentWritersDoNotInterleaveLines) {
    StandardLoggerSettings s;
    s.logfile = logfile();
    auto logger = make(std::move(s));
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 200; ++i)
                logger->info({"local", ""}, "thread " + std::to_string(t) + " " +
                                                std::string(100, static_cast<char>('a' + t)));
        });
    for (auto& th : threads)
        th.join();
    std::istringstream in(without_timestamps(slurp(logfile())));
    std::string line;
    int lines = 0;
    static const std::regex whole(R"(local: thread ([0-3]) ([a-d])\2{99})");
    while (std::getline(in, line)) {
        ++lines;
        std::smatch m;
        ASSERT_TRUE(std::regex_match(line, m, whole)) << line;
        EXPECT_EQ(m[2].str()[0], 'a' + std::stoi(m[1].str()));
    }
    EXPECT_EQ(lines, 800);
}

TEST_F(StandardLoggerTest, FormatIsTheLineWithoutTimestamp) {
    auto logger = make({});
    EXPECT_EQ(logger->format(LogLevel::warning, {"local", "x"}, "m"), "local(x): WARNING: m");
    EXPECT_EQ(logger->format(LogLevel::debug, {"", ""}, "m"), "m");
}

} // namespace
} // namespace interimap::log
