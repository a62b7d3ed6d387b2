// The exclusive lock: a second instance, ours or interimap 0.5's, fails at
// once while a store is open, and can go on once it is destroyed.
#include "sqlite_store_factory.hpp"
#include "sqlite_test_support.hpp"

#include <chrono>
#include <gtest/gtest.h>

namespace interimap::sqlite::test {
namespace {

using Clock = std::chrono::steady_clock;

/// "At once": the busy timeout plus process start-up, far below any real
/// wait for the lock to go away.
constexpr auto kAtOnce = std::chrono::seconds(3);

std::string locked_line(const std::filesystem::path& path) {
    return std::to_string(static_cast<int>(ErrorCode::locked)) + " database " + path.string() +
           " is locked by another process";
}

TEST(SqliteLock, SecondConnectionInTheSameProcessFailsWithLocked) {
    TempDir dir;
    const auto path = dir / "host.db";
    auto first = open_store(path);
    ASSERT_NE(first, nullptr);

    SqliteStoreFactory factory;
    NullLogger logger;
    auto second = factory.open(path, logger);
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, ErrorCode::locked);
    EXPECT_EQ(second.error().message,
              "database " + path.string() + " is locked by another process");
}

TEST(SqliteLock, SecondProcessFailsAtOnceWithLocked) {
    TempDir dir;
    const auto path = dir / "host.db";
    auto store = open_store(path);
    ASSERT_NE(store, nullptr);

    const auto start = Clock::now();
    Probe other("open", path);
    EXPECT_EQ(other.first_line(), locked_line(path));
    EXPECT_EQ(other.finish(), 1);
    EXPECT_LT(Clock::now() - start, kAtOnce);
}

TEST(SqliteLock, LockIsHeldWhileIdleAfterCommitAndReleasedOnDestruction) {
    TempDir dir;
    const auto path = dir / "host.db";
    auto store = open_store(path);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->begin());
    ASSERT_TRUE(store->add_mailbox("INBOX", false));
    ASSERT_TRUE(store->commit());

    {
        Probe other("open", path);
        EXPECT_EQ(other.first_line(), locked_line(path));
        EXPECT_EQ(other.finish(), 1);
    }
    store.reset();
    Probe other("open", path);
    EXPECT_EQ(other.first_line(), "ok");
    EXPECT_EQ(other.finish(), 0);
}

TEST(SqliteLock, ReferenceStartupFailsWhileOurStoreIsOpen) {
    TempDir dir;
    const auto path = dir / "host.db";
    auto store = open_store(path);
    ASSERT_NE(store, nullptr);

    // interimap 0.5's first statement, and any plain reader.
    for (const char* mode : {"immediate", "reference", "read"}) {
        const auto start = Clock::now();
        Probe other(mode, path);
        EXPECT_EQ(other.first_line(), "database is locked") << mode;
        EXPECT_EQ(other.finish(), 1) << mode;
        EXPECT_LT(Clock::now() - start, kAtOnce) << mode;
    }
}

TEST(SqliteLock, OpenFailsAtOnceWhileTheReferenceHoldsTheDatabase) {
    TempDir dir;
    const auto path = dir / "host.db";
    ASSERT_NE(open_store(path), nullptr); // create the schema, then close

    Probe reference("reference", path);
    ASSERT_EQ(reference.first_line(), "held");

    SqliteStoreFactory factory;
    NullLogger logger;
    const auto start = Clock::now();
    auto store = factory.open(path, logger);
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().code, ErrorCode::locked);
    EXPECT_NE(store.error().message.find("locked"), std::string::npos);
    EXPECT_LT(Clock::now() - start, kAtOnce);

    EXPECT_EQ(reference.finish(), 0);
    EXPECT_NE(open_store(path), nullptr);
}

TEST(SqliteLock, OpenFailsWhileAnotherStoreProcessHoldsTheDatabase) {
    TempDir dir;
    const auto path = dir / "host.db";

    Probe holder("hold", path);
    ASSERT_EQ(holder.first_line(), "held");

    SqliteStoreFactory factory;
    NullLogger logger;
    auto store = factory.open(path, logger);
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().code, ErrorCode::locked);

    EXPECT_EQ(holder.finish(), 0);
    EXPECT_NE(open_store(path), nullptr);
}

} // namespace
} // namespace interimap::sqlite::test
