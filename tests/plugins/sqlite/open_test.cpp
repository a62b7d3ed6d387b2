// Where and with which permissions the database file is created.
#include "sqlite_store_factory.hpp"
#include "sqlite_test_support.hpp"

#include <fstream>
#include <gtest/gtest.h>
#include <sys/stat.h>

namespace interimap::sqlite::test {
namespace {

mode_t mode_of(const std::filesystem::path& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
}

/// Sets the umask for the scope of a test.
class ScopedUmask {
public:
    explicit ScopedUmask(mode_t mask) : old_(::umask(mask)) {}
    ~ScopedUmask() { ::umask(old_); }

private:
    mode_t old_;
};

class SqliteOpen : public ::testing::TestWithParam<mode_t> {};

TEST_P(SqliteOpen, CreatesMissingDirectories0700AndTheFile0600WhateverTheUmask) {
    TempDir dir;
    ::chmod(dir.path().c_str(), 0755);
    const auto path = dir / "data/interimap/host.db";
    {
        ScopedUmask mask(GetParam());
        ASSERT_NE(open_store(path), nullptr);
    }
    EXPECT_EQ(mode_of(path), 0600u);
    EXPECT_EQ(mode_of(dir / "data/interimap"), 0700u);
    EXPECT_EQ(mode_of(dir / "data"), 0700u);
    // Only the directories it created.
    EXPECT_EQ(mode_of(dir.path()), 0755u);
}

// 0 would leave 0666/0777 if the modes came from the umask; 0277 would leave
// the new directories unwritable, so the nested one could not be created.
INSTANTIATE_TEST_SUITE_P(Umasks, SqliteOpen,
                         ::testing::Values(mode_t{0}, mode_t{022}, mode_t{0277}));

TEST(SqliteOpenExisting, LeavesTheModesOfAnExistingFileAndDirectoryAlone) {
    TempDir dir;
    const auto parent = dir / "shared";
    std::filesystem::create_directory(parent);
    ::chmod(parent.c_str(), 0750);
    const auto path = parent / "host.db";
    { std::ofstream touch(path); }
    ::chmod(path.c_str(), 0640);

    RecordingLogger logger;
    ASSERT_NE(open_store(path, logger), nullptr);
    EXPECT_EQ(mode_of(path), 0640u);
    EXPECT_EQ(mode_of(parent), 0750u);
    // An empty existing file is a new database.
    ASSERT_EQ(logger.records.size(), 1u);
    EXPECT_NE(logger.records[0].message.find("Creating new schema"), std::string::npos);
}

TEST(SqliteOpenExisting, DataSurvivesClosingAndReopening) {
    TempDir dir;
    const auto path = dir / "host.db";
    MailboxId id = 0;
    {
        auto store = open_store(path);
        ASSERT_NE(store, nullptr);
        auto added = store->add_mailbox("INBOX", true);
        ASSERT_TRUE(added);
        id = *added;
        ASSERT_TRUE(store->commit());
    }
    auto store = open_store(path);
    ASSERT_NE(store, nullptr);
    auto found = store->find_mailbox("INBOX");
    ASSERT_TRUE(found);
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ((*found)->id, id);
    EXPECT_TRUE((*found)->subscribed);
}

TEST(SqliteOpenExisting, FailsWithIoErrorWhenAParentIsAFile) {
    TempDir dir;
    { std::ofstream touch(dir / "file"); }
    const auto path = dir / "file/sub/host.db";
    SqliteStoreFactory factory;
    NullLogger logger;
    auto store = factory.open(path, logger);
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().code, ErrorCode::io);
    EXPECT_NE(store.error().message.find((dir / "file").string()), std::string::npos)
        << store.error().message;
}

TEST(SqliteOpenExisting, FailsWhenThePathIsADirectory) {
    TempDir dir;
    SqliteStoreFactory factory;
    NullLogger logger;
    auto store = factory.open(dir.path(), logger);
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().code, ErrorCode::storage);
    EXPECT_NE(store.error().message.find(dir.path().string()), std::string::npos)
        << store.error().message;
}

} // namespace
} // namespace interimap::sqlite::test
