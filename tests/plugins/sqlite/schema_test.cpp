// The schema we create is interimap 0.5's, byte for byte in sqlite_master.
#include "sqlite_store_factory.hpp"
#include "sqlite_test_support.hpp"

#include <fstream>
#include <gtest/gtest.h>

namespace interimap::sqlite::test {
namespace {

using Rows = std::vector<std::vector<std::string>>;

// What interimap 0.5.7 leaves in sqlite_master (type, name, table, sql);
// the autoindexes of the UNIQUE and composite PRIMARY KEY constraints have
// no SQL text.
const Rows kExpectedMaster = {
    {"table", "mailboxes", "mailboxes",
     "CREATE TABLE mailboxes (idx        INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, mailbox    "
     "BLOB COLLATE BINARY NOT NULL CHECK (mailbox != '') UNIQUE, subscribed BOOLEAN NOT NULL)"},
    {"index", "sqlite_autoindex_mailboxes_1", "mailboxes", "NULL"},
    {"table", "sqlite_sequence", "sqlite_sequence", "CREATE TABLE sqlite_sequence(name,seq)"},
    {"table", "local", "local",
     "CREATE TABLE local (idx           INTEGER         NOT NULL PRIMARY KEY REFERENCES "
     "mailboxes(idx), UIDVALIDITY   UNSIGNED INT    NOT NULL CHECK (UIDVALIDITY > 0), UIDNEXT    "
     "   UNSIGNED INT    NOT NULL, HIGHESTMODSEQ UNSIGNED BIGINT NOT NULL)"},
    {"table", "remote", "remote",
     "CREATE TABLE remote (idx           INTEGER         NOT NULL PRIMARY KEY REFERENCES "
     "mailboxes(idx), UIDVALIDITY   UNSIGNED INT    NOT NULL CHECK (UIDVALIDITY > 0), UIDNEXT    "
     "   UNSIGNED INT    NOT NULL, HIGHESTMODSEQ UNSIGNED BIGINT NOT NULL)"},
    {"table", "mapping", "mapping",
     "CREATE TABLE mapping (idx  INTEGER      NOT NULL REFERENCES mailboxes(idx), lUID UNSIGNED "
     "INT NOT NULL CHECK (lUID > 0), rUID UNSIGNED INT NOT NULL CHECK (rUID > 0), PRIMARY KEY "
     "(idx,lUID), UNIQUE      (idx,rUID))"},
    {"index", "sqlite_autoindex_mapping_1", "mapping", "NULL"},
    {"index", "sqlite_autoindex_mapping_2", "mapping", "NULL"},
};

// The reference's objects; ours (interimap_pending_append) is checked apart.
const char* kMasterQuery = "SELECT type, name, tbl_name, sql FROM sqlite_master"
                           " WHERE tbl_name != 'interimap_pending_append' ORDER BY rowid";
const char* kOurTableQuery = "SELECT count(*) FROM sqlite_master"
                             " WHERE type = 'table' AND name = 'interimap_pending_append'";

TEST(SqliteSchema, NewDatabaseHasTheSchemaOfInterimap05) {
    TempDir dir;
    const auto path = dir / "new.db";
    ASSERT_NE(open_store(path), nullptr);

    RawDatabase raw(path);
    EXPECT_EQ(raw.rows(kMasterQuery), kExpectedMaster);
    EXPECT_EQ(raw.integer("PRAGMA user_version"), 1);
    EXPECT_EQ(raw.integer(kOurTableQuery), 1);
}

TEST(SqliteSchema, NewSchemaIsIdenticalToTheReferenceDatabase) {
    TempDir dir;
    const auto path = dir / "new.db";
    ASSERT_NE(open_store(path), nullptr);
    const auto reference = copy_reference_database(dir.path());

    RawDatabase ours(path);
    RawDatabase theirs(reference);
    EXPECT_EQ(ours.rows(kMasterQuery), theirs.rows(kMasterQuery));
    EXPECT_EQ(ours.integer("PRAGMA user_version"), theirs.integer("PRAGMA user_version"));
}

// A notice: the reference prints it even with --quiet.
TEST(SqliteSchema, CreationIsLoggedOnceAsANoticeWithoutContext) {
    TempDir dir;
    const auto path = dir / "new.db";
    {
        RecordingLogger logger;
        ASSERT_NE(open_store(path, logger), nullptr);
        ASSERT_EQ(logger.records.size(), 1u);
        EXPECT_EQ(logger.records[0].level, LogLevel::notice);
        EXPECT_EQ(logger.records[0].name, "");
        EXPECT_EQ(logger.records[0].mailbox, "");
        EXPECT_EQ(logger.records[0].message,
                  "Creating new schema in database file " + path.string());
    }
    RecordingLogger logger;
    ASSERT_NE(open_store(path, logger), nullptr);
    EXPECT_TRUE(logger.records.empty());
}

TEST(SqliteSchema, ForeignKeysAreEnforced) {
    TempDir dir;
    auto store = open_store(dir / "fk.db");
    ASSERT_NE(store, nullptr);
    auto state = store->set_state(42, Side::local, {1, 1, 1});
    ASSERT_FALSE(state);
    EXPECT_EQ(state.error().code, ErrorCode::storage);
    EXPECT_NE(state.error().message.find("FOREIGN KEY"), std::string::npos)
        << state.error().message;
    EXPECT_FALSE(store->add_mapping(42, {1, 1}));
}

TEST(SqliteSchema, RefusesAVersion0DatabaseWithTables) {
    TempDir dir;
    const auto path = dir / "old.db";
    { std::ofstream touch(path); }
    {
        RawDatabase raw(path);
        ASSERT_EQ(raw.exec("CREATE TABLE mailboxes (idx INTEGER PRIMARY KEY, mailbox TEXT)"),
                  SQLITE_OK);
    }
    SqliteStoreFactory factory;
    NullLogger logger;
    auto store = factory.open(path, logger);
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().code, ErrorCode::storage);
    EXPECT_NE(store.error().message.find(path.string()), std::string::npos);
    EXPECT_NE(store.error().message.find("interimap 0.5"), std::string::npos)
        << store.error().message;

    RawDatabase raw(path);
    EXPECT_EQ(raw.integer("PRAGMA user_version"), 0);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM sqlite_master"), 1);
}

TEST(SqliteSchema, RefusesANewerSchemaVersion) {
    TempDir dir;
    const auto path = dir / "newer.db";
    ASSERT_NE(open_store(path), nullptr);
    {
        RawDatabase raw(path);
        ASSERT_EQ(raw.exec("PRAGMA user_version = 2"), SQLITE_OK);
    }
    SqliteStoreFactory factory;
    NullLogger logger;
    auto store = factory.open(path, logger);
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().code, ErrorCode::storage);
    EXPECT_NE(store.error().message.find("version 2"), std::string::npos) << store.error().message;
}

TEST(SqliteSchema, RefusesAFileThatIsNotADatabase) {
    TempDir dir;
    const auto path = dir / "garbage.db";
    {
        std::ofstream out(path);
        out << std::string(4096, 'x');
    }
    SqliteStoreFactory factory;
    NullLogger logger;
    auto store = factory.open(path, logger);
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().code, ErrorCode::storage);
    EXPECT_NE(store.error().message.find(path.string()), std::string::npos);
    EXPECT_NE(store.error().message.find("not a database"), std::string::npos)
        << store.error().message;
}

} // namespace
} // namespace interimap::sqlite::test
