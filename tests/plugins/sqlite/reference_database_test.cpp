// A database written by Debian's interimap 0.5.7 (tests/data/sqlite, made by
// make-interimap-0.5.7-db.sh): we read it as it is and continue it so that
// it stays valid for interimap 0.5.
#include "sqlite_test_support.hpp"

#include <gtest/gtest.h>
#include <map>

namespace interimap::sqlite::test {
namespace {

struct Expected {
    bool subscribed;
    std::uint32_t local_uidnext;
    std::uint64_t local_highestmodseq;
    std::uint32_t remote_uidnext;
    std::uint64_t remote_highestmodseq;
    std::vector<UidPair> mapping;
};

// What the two runs of the script left: local "/" and remote "." delimiters
// both became NUL; INBOX got two local and one remote message plus flag
// changes; one of the two Work/Projects messages was expunged.
const std::map<StoredMailboxName, Expected>& expected() {
    static const std::map<StoredMailboxName, Expected> mailboxes = {
        {"INBOX", {false, 4, 6, 4, 5, {{1, 2}, {2, 3}, {3, 1}}}},
        {"Sent", {true, 2, 2, 2, 2, {{1, 1}}}},
        {"Archive", {false, 1, 1, 1, 1, {}}},
        {stored_name({"Archive", "2024"}), {true, 2, 2, 2, 2, {{1, 1}}}},
        {stored_name({"Work", "Projects"}), {true, 3, 4, 3, 5, {{1, 1}}}},
    };
    return mailboxes;
}

class SqliteReferenceDatabase : public ::testing::Test {
protected:
    void SetUp() override { path_ = copy_reference_database(dir_.path()); }

    TempDir dir_;
    std::filesystem::path path_;
};

// The reference's tables stay as they are; ours is added beside them.
TEST_F(SqliteReferenceDatabase, OpensWithoutTouchingTheSchema) {
    const char* reference_objects =
        "SELECT * FROM sqlite_master WHERE tbl_name != 'interimap_pending_append'";
    const auto before = RawDatabase(path_).rows(reference_objects);
    RecordingLogger logger;
    {
        auto store = open_store(path_, logger);
        ASSERT_NE(store, nullptr);
    }
    EXPECT_TRUE(logger.records.empty());
    RawDatabase raw(path_);
    EXPECT_EQ(raw.rows(reference_objects), before);
    EXPECT_EQ(raw.integer("PRAGMA user_version"), 1);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM sqlite_master WHERE name = "
                          "'interimap_pending_append'"),
              1);
}

TEST_F(SqliteReferenceDatabase, ReadsMailboxesStatesAndMappings) {
    // UIDVALIDITY comes from the servers' clocks: read it independently.
    std::map<std::string, std::pair<std::string, std::string>> uidvalidity;
    {
        RawDatabase raw(path_);
        for (const auto& row :
             raw.rows("SELECT m.mailbox, l.UIDVALIDITY, r.UIDVALIDITY FROM mailboxes m "
                      "JOIN local l ON l.idx = m.idx JOIN remote r ON r.idx = m.idx"))
            uidvalidity[row[0]] = {row[1], row[2]};
    }
    ASSERT_EQ(uidvalidity.size(), expected().size());

    auto store = open_store(path_);
    ASSERT_NE(store, nullptr);
    auto all = store->mailboxes();
    ASSERT_TRUE(all) << all.error().message;
    ASSERT_EQ(all->size(), expected().size());
    for (const auto& record : *all) {
        SCOPED_TRACE(testing::PrintToString(record.name));
        const auto it = expected().find(record.name);
        ASSERT_NE(it, expected().end());
        const Expected& want = it->second;
        EXPECT_EQ(record.subscribed, want.subscribed);
        ASSERT_TRUE(record.local && record.remote);
        EXPECT_EQ(record.local->uidnext, want.local_uidnext);
        EXPECT_EQ(record.local->highestmodseq, want.local_highestmodseq);
        EXPECT_EQ(record.remote->uidnext, want.remote_uidnext);
        EXPECT_EQ(record.remote->highestmodseq, want.remote_highestmodseq);

        std::string hex = "X'";
        for (unsigned char c : record.name) {
            char digits[3];
            std::snprintf(digits, sizeof digits, "%02X", c);
            hex += digits;
        }
        const auto& [local, remote] = uidvalidity.at(hex + "'");
        EXPECT_EQ(std::to_string(record.local->uidvalidity), local);
        EXPECT_EQ(std::to_string(record.remote->uidvalidity), remote);

        auto pairs = store->mapping(record.id);
        ASSERT_TRUE(pairs);
        EXPECT_EQ(*pairs, want.mapping);

        auto found = store->find_mailbox(record.name);
        ASSERT_TRUE(found && found->has_value());
        EXPECT_EQ((*found)->id, record.id);
    }
}

TEST_F(SqliteReferenceDatabase, ContinuesWritingItConsistently) {
    std::int64_t last_idx = 0;
    {
        RawDatabase raw(path_);
        last_idx = raw.integer("SELECT max(idx) FROM mailboxes");
    }
    {
        auto store = open_store(path_);
        ASSERT_NE(store, nullptr);
        ASSERT_TRUE(store->begin());
        // Deleting the newest mailbox must not free its idx (AUTOINCREMENT).
        auto all = store->mailboxes();
        ASSERT_TRUE(all);
        ASSERT_EQ(all->back().id, last_idx);
        ASSERT_TRUE(store->delete_mailbox(last_idx));

        auto inbox = store->find_mailbox("INBOX");
        ASSERT_TRUE(inbox && inbox->has_value());
        const MailboxId inbox_id = (*inbox)->id;
        MailboxState local = *(*inbox)->local;
        local.uidnext = 5;
        local.highestmodseq = 8;
        ASSERT_TRUE(store->set_state(inbox_id, Side::local, local));
        ASSERT_TRUE(store->add_mapping(inbox_id, {4, 4}));

        auto added = store->add_mailbox(stored_name({"Archive", "2025"}), true);
        ASSERT_TRUE(added);
        EXPECT_EQ(*added, last_idx + 1);
        ASSERT_TRUE(store->set_state(*added, Side::local, {1234, 2, 3}));
        ASSERT_TRUE(store->set_state(*added, Side::remote, {5678, 2, 4}));
        ASSERT_TRUE(store->add_mapping(*added, {1, 1}));
        ASSERT_TRUE(store->commit());
    }

    RawDatabase raw(path_);
    EXPECT_EQ(raw.rows("PRAGMA integrity_check"), (std::vector<std::vector<std::string>>{{"ok"}}));
    EXPECT_TRUE(raw.rows("PRAGMA foreign_key_check").empty());
    EXPECT_EQ(raw.integer("PRAGMA user_version"), 1);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM mailboxes"), 5);
    EXPECT_EQ(raw.integer("SELECT seq FROM sqlite_sequence WHERE name = 'mailboxes'"),
              last_idx + 1);
    EXPECT_EQ(
        raw.rows("SELECT typeof(mailbox), mailbox, subscribed FROM mailboxes WHERE idx = " +
                 std::to_string(last_idx + 1)),
        (std::vector<std::vector<std::string>>{{"blob", "X'417263686976650032303235'", "1"}}));
    EXPECT_EQ(raw.rows("SELECT l.UIDNEXT, l.HIGHESTMODSEQ FROM local l JOIN mailboxes m "
                       "ON m.idx = l.idx WHERE m.mailbox = CAST('INBOX' AS BLOB)"),
              (std::vector<std::vector<std::string>>{{"5", "8"}}));
    EXPECT_EQ(raw.integer("SELECT count(*) FROM mapping m JOIN mailboxes b ON b.idx = m.idx "
                          "WHERE b.mailbox = CAST('INBOX' AS BLOB)"),
              4);
    // Every mailbox still has both states, as interimap 0.5 requires.
    EXPECT_EQ(raw.integer("SELECT count(*) FROM mailboxes m WHERE NOT EXISTS (SELECT 1 FROM "
                          "local l WHERE l.idx = m.idx) OR NOT EXISTS (SELECT 1 FROM remote r "
                          "WHERE r.idx = m.idx)"),
              0);
}

} // namespace
} // namespace interimap::sqlite::test
