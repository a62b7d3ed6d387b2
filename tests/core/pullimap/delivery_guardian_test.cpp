// The delivery guardian's takeover, against a socket pair standing for the
// SMTP session and a real statefile; and the guardian process itself, which
// must record the message in doubt when its parent dies.
#include "core/config/temp_env.hpp"
#include "pullimap/delivery_guardian.hpp"
#include "pullimap/fetch_ranges.hpp"
#include "pullimap/statefile.hpp"

#include <chrono>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace interimap::pullimap {
namespace {

using interimap::testing::TempDir;
using Phase = DeliveryGuardian::Phase;

class GuardianTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds_), 0);
        auto f = Statefile::open(dir_.path() / "state", true);
        ASSERT_TRUE(f) << f.error().message;
        state_.emplace(std::move(*f));
        ASSERT_TRUE(state_->write_uidvalidity(7));
        ASSERT_TRUE(state_->write_uidnext(1));
        ASSERT_TRUE(state_->record_delivered(3));
    }
    void TearDown() override {
        ::close(fds_[0]);
        ::close(fds_[1]);
    }
    void server_says(const std::string& text) {
        ASSERT_EQ(::write(fds_[1], text.data(), text.size()), static_cast<ssize_t>(text.size()));
    }
    std::vector<std::uint32_t> delivered() {
        auto s = state_->read();
        EXPECT_TRUE(s);
        return s ? s->delivered : std::vector<std::uint32_t>{};
    }
    bool take_over(std::uint32_t uid, std::uint32_t replies, Phase phase, int timeout_ms = 2000) {
        return DeliveryGuardian::take_over(fds_[0], state_->fd(), uid, replies, phase, timeout_ms);
    }

    TempDir dir_;
    int fds_[2] = {-1, -1};
    std::optional<Statefile> state_;
};

TEST_F(GuardianTest, RecordsAMessageTheServerAccepts) {
    server_says("250 2.0.0 Ok: queued as 1234\r\n");
    EXPECT_TRUE(take_over(4, 1, Phase::sent));
    EXPECT_EQ(delivered(), (std::vector<std::uint32_t>{3, 4}));
}

TEST_F(GuardianTest, WaitsForEveryLmtpReplyAndMultiLineOnes) {
    server_says("250-first line\r\n250 2.0.0 <a> saved\r\n");
    std::thread late([this] {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        server_says("250 2.0.0 <b> saved\r\n");
    });
    EXPECT_TRUE(take_over(4, 2, Phase::sent));
    late.join();
    EXPECT_EQ(delivered(), (std::vector<std::uint32_t>{3, 4}));
}

TEST_F(GuardianTest, NothingForARefusalASilenceOrAHangUp) {
    server_says("250 2.0.0 <a> saved\r\n552 5.2.2 <b> mailbox full\r\n");
    EXPECT_FALSE(take_over(4, 2, Phase::sent));
    EXPECT_FALSE(take_over(5, 1, Phase::sending, 200)); // the dot never left
    ::shutdown(fds_[1], SHUT_WR);
    EXPECT_FALSE(take_over(6, 1, Phase::sent));
    EXPECT_EQ(delivered(), (std::vector<std::uint32_t>{3}));
}

TEST_F(GuardianTest, AnAcceptedMessageIsRecordedOnceWithoutReading) {
    EXPECT_TRUE(take_over(4, 1, Phase::accepted));
    EXPECT_TRUE(take_over(4, 1, Phase::accepted)); // pullimap got to write it: not twice
    EXPECT_EQ(delivered(), (std::vector<std::uint32_t>{3, 4}));
}

TEST_F(GuardianTest, TheGuardianProcessTakesOverWhenItsParentDies) {
    // A child plays pullimap: it starts a guardian, marks UID 9 sent and
    // dies without a word. The server's reply then comes: the guardian
    // (an orphan now) records it and says QUIT.
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        auto guardian = DeliveryGuardian::start(fds_[0], state_->fd());
        if (!guardian)
            ::_exit(2);
        (*guardian)->sending(9, 1);
        (*guardian)->sent();
        ::_exit(0); // no destructor: as if killed
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_EQ(WEXITSTATUS(status), 0);
    server_says("250 2.0.0 Ok\r\n");
    char quit[7] = {};
    ASSERT_EQ(::read(fds_[1], quit, 6), 6);
    EXPECT_STREQ(quit, "QUIT\r\n");
    EXPECT_EQ(delivered(), (std::vector<std::uint32_t>{3, 9}));
}

TEST_F(GuardianTest, AGuardianToldToGoRecordsNothing) {
    {
        auto guardian = DeliveryGuardian::start(fds_[0], state_->fd());
        ASSERT_TRUE(guardian);
        (*guardian)->sending(9, 1);
        (*guardian)->sent();
        (*guardian)->settled();
    } // reaped here
    server_says("250 2.0.0 Ok\r\n");
    EXPECT_EQ(delivered(), (std::vector<std::uint32_t>{3}));
}

TEST(FetchRanges, SkipTheDeliveredUidsAndStayShort) {
    EXPECT_EQ(fetch_ranges(1, {}), std::vector<std::string>{"1:4294967295"});
    EXPECT_EQ(fetch_ranges(0, {}), std::vector<std::string>{"1:4294967295"});
    EXPECT_EQ(fetch_ranges(5, {7, 5, 9, 10, 3}), std::vector<std::string>{"6,8,11:4294967295"});
    EXPECT_EQ(fetch_ranges(5, {4294967295u}), std::vector<std::string>{"5:4294967294"});
    EXPECT_TRUE(fetch_ranges(4294967295u, {4294967295u}).empty());
    std::vector<std::uint32_t> many;
    for (std::uint32_t u = 2; u < 4000; u += 2)
        many.push_back(u);
    auto sets = fetch_ranges(1, many, 100);
    ASSERT_GT(sets.size(), 1u);
    for (const std::string& s : sets)
        EXPECT_LE(s.size(), 100u);
    EXPECT_EQ(sets.front().substr(0, 6), "1,3,5,");
    EXPECT_EQ(sets.back().substr(sets.back().size() - 15), "3999:4294967295");
}

} // namespace
} // namespace interimap::pullimap
