#include "log/timestamp.hpp"

#include <cstdlib>
#include <ctime>
#include <gtest/gtest.h>
#include <optional>
#include <string>

namespace interimap::log {
namespace {

// Runs the tests in UTC whatever the machine's zone.
class UtcTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (const char* tz = std::getenv("TZ"))
            old_ = tz;
        ::setenv("TZ", "UTC", 1);
        ::tzset();
    }
    void TearDown() override {
        if (old_)
            ::setenv("TZ", old_->c_str(), 1);
        else
            ::unsetenv("TZ");
        ::tzset();
    }
    std::optional<std::string> old_;
};

std::chrono::system_clock::time_point at(long long seconds, long long micros) {
    return std::chrono::system_clock::time_point(std::chrono::seconds(seconds) +
                                                 std::chrono::microseconds(micros));
}

TEST_F(UtcTest, MonthDayPaddedWithSpaceAndMicroseconds) {
    // 2024-01-05 03:04:05 UTC
    EXPECT_EQ(log_timestamp(at(1704423845, 42)), "Jan  5 03:04:05.000042");
    // 2023-12-31 23:59:59.999999 UTC
    EXPECT_EQ(log_timestamp(at(1704067199, 999999)), "Dec 31 23:59:59.999999");
    // 2024-07-14 12:00:00.5 UTC
    EXPECT_EQ(log_timestamp(at(1720958400, 500000)), "Jul 14 12:00:00.500000");
}

TEST_F(UtcTest, FollowsTheLocalTimeZone) {
    ::setenv("TZ", "ABC-2", 1); // POSIX zone two hours east, no tzdata needed
    ::tzset();
    EXPECT_EQ(log_timestamp(at(1720958400, 0)), "Jul 14 14:00:00.000000");
}

} // namespace
} // namespace interimap::log
