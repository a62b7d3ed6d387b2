// Mailboxes, states, mappings and transactions, checked both through the
// store and with a plain SQLite reader.
#include "sqlite_test_support.hpp"

#include <cstdint>
#include <gtest/gtest.h>
#include <limits>

namespace interimap::sqlite::test {
namespace {

constexpr std::uint32_t kMaxUid = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint64_t kMaxModseq = std::numeric_limits<std::int64_t>::max();

class SqliteStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        path_ = dir_ / "host.db";
        store_ = open_store(path_);
        ASSERT_NE(store_, nullptr);
    }

    MailboxId add(const StoredMailboxName& name, bool subscribed = false) {
        auto id = store_->add_mailbox(name, subscribed);
        EXPECT_TRUE(id) << id.error().message;
        return id ? *id : 0;
    }

    /// Commits and closes the store, so that a raw reader can look.
    void close() {
        ASSERT_TRUE(store_->commit());
        store_.reset();
    }

    void reopen() { store_ = open_store(path_); }

    TempDir dir_;
    std::filesystem::path path_;
    StateStorePtr store_;
};

TEST_F(SqliteStoreTest, AddedMailboxIsFoundByNameWithoutStates) {
    const MailboxId id = add("Sent", true);
    auto found = store_->find_mailbox("Sent");
    ASSERT_TRUE(found);
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ((*found)->id, id);
    EXPECT_EQ((*found)->name, "Sent");
    EXPECT_TRUE((*found)->subscribed);
    EXPECT_FALSE((*found)->local.has_value());
    EXPECT_FALSE((*found)->remote.has_value());

    auto missing = store_->find_mailbox("Drafts");
    ASSERT_TRUE(missing);
    EXPECT_FALSE(missing->has_value());
}

TEST_F(SqliteStoreTest, NamesAreStoredAsBlobsWithNulBetweenLevels) {
    const auto name = stored_name({"Archive", "2024"});
    ASSERT_EQ(name.size(), 12u);
    add(name);
    // Only the full name matches, not the same levels joined by a delimiter.
    auto slash = store_->find_mailbox("Archive/2024");
    ASSERT_TRUE(slash);
    EXPECT_FALSE(slash->has_value());
    auto found = store_->find_mailbox(name);
    ASSERT_TRUE(found);
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ((*found)->name, name);

    close();
    RawDatabase raw(path_);
    EXPECT_EQ(raw.rows("SELECT typeof(mailbox), mailbox, typeof(subscribed) FROM mailboxes"),
              (std::vector<std::vector<std::string>>{
                  {"blob", "X'417263686976650032303234'", "integer"}}));
}

TEST_F(SqliteStoreTest, MailboxesAreListedInCreationOrderWithTheirStates) {
    const MailboxId inbox = add("INBOX", true);
    const MailboxId work = add(stored_name({"Work", "Projects"}));
    ASSERT_TRUE(store_->set_state(work, Side::local, {7, 3, 12}));
    ASSERT_TRUE(store_->set_state(work, Side::remote, {9, 4, 15}));

    auto all = store_->mailboxes();
    ASSERT_TRUE(all);
    ASSERT_EQ(all->size(), 2u);
    EXPECT_EQ((*all)[0].id, inbox);
    EXPECT_EQ((*all)[0].name, "INBOX");
    EXPECT_TRUE((*all)[0].subscribed);
    EXPECT_FALSE((*all)[0].local.has_value());
    EXPECT_EQ((*all)[1].id, work);
    EXPECT_EQ((*all)[1].name, stored_name({"Work", "Projects"}));
    EXPECT_FALSE((*all)[1].subscribed);
    EXPECT_EQ((*all)[1].local, (MailboxState{7, 3, 12}));
    EXPECT_EQ((*all)[1].remote, (MailboxState{9, 4, 15}));
}

TEST_F(SqliteStoreTest, AddingAnExistingNameFails) {
    add(stored_name({"a", "b"}));
    auto again = store_->add_mailbox(stored_name({"a", "b"}), true);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, ErrorCode::storage);
    EXPECT_NE(again.error().message.find("a/b already exists"), std::string::npos)
        << again.error().message;
    // The failed statement did not spoil the transaction.
    EXPECT_TRUE(store_->commit());
    auto all = store_->mailboxes();
    ASSERT_TRUE(all);
    EXPECT_EQ(all->size(), 1u);
}

TEST_F(SqliteStoreTest, EmptyNameIsRejected) {
    auto empty = store_->add_mailbox("", false);
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().code, ErrorCode::internal);
    const MailboxId id = add("x");
    auto renamed = store_->rename_mailbox(id, "");
    ASSERT_FALSE(renamed);
    EXPECT_EQ(renamed.error().code, ErrorCode::internal);
    auto all = store_->mailboxes();
    ASSERT_TRUE(all);
    ASSERT_EQ(all->size(), 1u);
    EXPECT_EQ((*all)[0].name, "x");
}

TEST_F(SqliteStoreTest, SubscriptionChanges) {
    const MailboxId id = add("INBOX", false);
    ASSERT_TRUE(store_->set_subscribed(id, true));
    EXPECT_TRUE((*store_->find_mailbox("INBOX"))->subscribed);
    ASSERT_TRUE(store_->set_subscribed(id, false));
    EXPECT_FALSE((*store_->find_mailbox("INBOX"))->subscribed);

    auto unknown = store_->set_subscribed(id + 1, true);
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, ErrorCode::not_found);
}

TEST_F(SqliteStoreTest, RenameKeepsIdStatesAndMapping) {
    const MailboxId id = add(stored_name({"Old", "Name"}), true);
    ASSERT_TRUE(store_->set_state(id, Side::local, {1, 2, 3}));
    ASSERT_TRUE(store_->set_state(id, Side::remote, {4, 5, 6}));
    ASSERT_TRUE(store_->add_mapping(id, {1, 4}));

    ASSERT_TRUE(store_->rename_mailbox(id, stored_name({"New", "Name"})));
    auto old_name = store_->find_mailbox(stored_name({"Old", "Name"}));
    ASSERT_TRUE(old_name);
    EXPECT_FALSE(old_name->has_value());
    auto renamed = store_->find_mailbox(stored_name({"New", "Name"}));
    ASSERT_TRUE(renamed);
    ASSERT_TRUE(renamed->has_value());
    EXPECT_EQ((*renamed)->id, id);
    EXPECT_TRUE((*renamed)->subscribed);
    EXPECT_EQ((*renamed)->local, (MailboxState{1, 2, 3}));
    EXPECT_EQ((*store_->mapping(id)), (std::vector<UidPair>{{1, 4}}));
}

TEST_F(SqliteStoreTest, RenameOntoAnExistingNameOrUnknownIdFails) {
    const MailboxId a = add("a");
    add("b");
    auto clash = store_->rename_mailbox(a, "b");
    ASSERT_FALSE(clash);
    EXPECT_EQ(clash.error().code, ErrorCode::storage);
    EXPECT_NE(clash.error().message.find("already exists"), std::string::npos);

    auto unknown = store_->rename_mailbox(a + 100, "c");
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, ErrorCode::not_found);
}

TEST_F(SqliteStoreTest, DeleteRemovesTheMailboxItsStatesAndMappingOnly) {
    const MailboxId gone = add("gone");
    const MailboxId kept = add("kept");
    for (const MailboxId id : {gone, kept}) {
        ASSERT_TRUE(store_->set_state(id, Side::local, {1, 3, 1}));
        ASSERT_TRUE(store_->set_state(id, Side::remote, {2, 3, 1}));
        ASSERT_TRUE(store_->add_mapping(id, {1, 1}));
        ASSERT_TRUE(store_->add_mapping(id, {2, 2}));
    }
    ASSERT_TRUE(store_->delete_mailbox(gone));
    auto found = store_->find_mailbox("gone");
    ASSERT_TRUE(found);
    EXPECT_FALSE(found->has_value());

    close();
    RawDatabase raw(path_);
    for (const char* table : {"mailboxes", "local", "remote", "mapping"}) {
        const std::string from = std::string("SELECT count(*) FROM ") + table;
        EXPECT_EQ(raw.integer(from + " WHERE idx = " + std::to_string(gone)), 0) << table;
        EXPECT_GT(raw.integer(from + " WHERE idx = " + std::to_string(kept)), 0) << table;
    }
}

TEST_F(SqliteStoreTest, DeletingAnUnknownMailboxFailsWithNotFound) {
    const MailboxId id = add("x");
    auto unknown = store_->delete_mailbox(id + 1);
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, ErrorCode::not_found);
    EXPECT_TRUE(store_->find_mailbox("x")->has_value());
}

TEST_F(SqliteStoreTest, SetStateInsertsThenReplacesEachSideIndependently) {
    const MailboxId id = add("INBOX");
    ASSERT_TRUE(store_->set_state(id, Side::local, {100, 0, 0}));
    auto record = store_->find_mailbox("INBOX");
    EXPECT_EQ((*record)->local, (MailboxState{100, 0, 0}));
    EXPECT_FALSE((*record)->remote.has_value());

    ASSERT_TRUE(store_->set_state(id, Side::remote, {200, 0, 0}));
    ASSERT_TRUE(store_->set_state(id, Side::local, {100, 17, 42}));
    record = store_->find_mailbox("INBOX");
    EXPECT_EQ((*record)->local, (MailboxState{100, 17, 42}));
    EXPECT_EQ((*record)->remote, (MailboxState{200, 0, 0}));

    close();
    RawDatabase raw(path_);
    EXPECT_EQ(raw.rows("SELECT idx, UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ FROM local"),
              (std::vector<std::vector<std::string>>{{std::to_string(id), "100", "17", "42"}}));
    EXPECT_EQ(raw.rows("SELECT idx, UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ FROM remote"),
              (std::vector<std::vector<std::string>>{{std::to_string(id), "200", "0", "0"}}));
}

TEST_F(SqliteStoreTest, ZeroUidvalidityIsRejected) {
    const MailboxId id = add("INBOX");
    EXPECT_FALSE(store_->set_state(id, Side::local, {0, 1, 1}));
}

TEST_F(SqliteStoreTest, ExtremeValuesRoundTripAsIntegers) {
    const MailboxId id = add("INBOX");
    ASSERT_TRUE(store_->set_state(id, Side::local, {kMaxUid, kMaxUid, kMaxModseq}));
    ASSERT_TRUE(store_->set_state(id, Side::remote, {1, 0, 1}));
    ASSERT_TRUE(store_->add_mapping(id, {kMaxUid, 1}));
    ASSERT_TRUE(store_->add_mapping(id, {1, kMaxUid}));
    close();
    {
        RawDatabase raw(path_);
        EXPECT_EQ(raw.rows("SELECT typeof(UIDVALIDITY), UIDVALIDITY, UIDNEXT, "
                           "typeof(HIGHESTMODSEQ), HIGHESTMODSEQ FROM local"),
                  (std::vector<std::vector<std::string>>{
                      {"integer", "4294967295", "4294967295", "integer", "9223372036854775807"}}));
    }
    reopen();
    ASSERT_NE(store_, nullptr);
    auto record = store_->find_mailbox("INBOX");
    ASSERT_TRUE(record);
    EXPECT_EQ((*record)->local, (MailboxState{kMaxUid, kMaxUid, kMaxModseq}));
    EXPECT_EQ(*store_->mapping(id), (std::vector<UidPair>{{1, kMaxUid}, {kMaxUid, 1}}));
}

// Dovecot goes beyond RFC 7162's 2^63-1; interimap 0.5 stores the 64-bit
// two's complement, and so do we.
TEST_F(SqliteStoreTest, ModseqAbove63BitsIsStoredAsTwosComplement) {
    const MailboxId id = add("INBOX");
    const std::uint64_t huge = std::numeric_limits<std::uint64_t>::max() - 1615;
    ASSERT_TRUE(store_->set_state(id, Side::remote, {1, 1, huge}));
    close();
    {
        RawDatabase raw(path_);
        EXPECT_EQ(raw.integer("SELECT HIGHESTMODSEQ FROM remote"), -1616);
    }
    reopen();
    EXPECT_EQ((*store_->find_mailbox("INBOX"))->remote, (MailboxState{1, 1, huge}));
}

TEST_F(SqliteStoreTest, OutOfRangeValuesWrittenByOthersAreReportedAsCorrupt) {
    const MailboxId id = add("INBOX");
    ASSERT_TRUE(store_->set_state(id, Side::local, {1, 1, 1}));
    close();
    {
        RawDatabase raw(path_);
        ASSERT_EQ(raw.exec("UPDATE local SET UIDNEXT = 4294967296"), SQLITE_OK);
    }
    reopen();
    auto all = store_->mailboxes();
    ASSERT_FALSE(all);
    EXPECT_EQ(all.error().code, ErrorCode::storage);
    EXPECT_NE(all.error().message.find("corrupt"), std::string::npos) << all.error().message;
}

TEST_F(SqliteStoreTest, MappingIsSortedByLocalUidAndRemovableFromEitherSide) {
    const MailboxId id = add("INBOX");
    const MailboxId other = add("Other");
    ASSERT_TRUE(store_->add_mapping(id, {5, 50}));
    ASSERT_TRUE(store_->add_mapping(id, {2, 20}));
    ASSERT_TRUE(store_->add_mapping(id, {9, 90}));
    ASSERT_TRUE(store_->add_mapping(other, {2, 20}));
    EXPECT_EQ(*store_->mapping(id), (std::vector<UidPair>{{2, 20}, {5, 50}, {9, 90}}));

    ASSERT_TRUE(store_->remove_mapping(id, Side::local, 5));
    ASSERT_TRUE(store_->remove_mapping(id, Side::remote, 90));
    EXPECT_EQ(*store_->mapping(id), (std::vector<UidPair>{{2, 20}}));
    EXPECT_EQ(*store_->mapping(other), (std::vector<UidPair>{{2, 20}}));

    // A remote UID is not a local one.
    auto absent = store_->remove_mapping(id, Side::local, 20);
    ASSERT_FALSE(absent);
    EXPECT_EQ(absent.error().code, ErrorCode::not_found);
    EXPECT_EQ(*store_->mapping(id), (std::vector<UidPair>{{2, 20}}));
}

TEST_F(SqliteStoreTest, MappingConstraintsHold) {
    const MailboxId id = add("INBOX");
    ASSERT_TRUE(store_->add_mapping(id, {1, 10}));
    EXPECT_FALSE(store_->add_mapping(id, {1, 11})); // same local UID
    EXPECT_FALSE(store_->add_mapping(id, {2, 10})); // same remote UID
    EXPECT_FALSE(store_->add_mapping(id, {0, 12}));
    EXPECT_FALSE(store_->add_mapping(id, {3, 0}));
    EXPECT_EQ(*store_->mapping(id), (std::vector<UidPair>{{1, 10}}));
}

TEST_F(SqliteStoreTest, CommittedChangesSurviveReopening) {
    ASSERT_TRUE(store_->begin());
    const MailboxId id = add("INBOX");
    ASSERT_TRUE(store_->set_state(id, Side::local, {3, 4, 5}));
    ASSERT_TRUE(store_->add_mapping(id, {1, 2}));
    ASSERT_TRUE(store_->commit());
    store_.reset();

    reopen();
    ASSERT_NE(store_, nullptr);
    auto record = store_->find_mailbox("INBOX");
    ASSERT_TRUE(record && record->has_value());
    EXPECT_EQ((*record)->local, (MailboxState{3, 4, 5}));
    EXPECT_EQ(*store_->mapping(id), (std::vector<UidPair>{{1, 2}}));
}

TEST_F(SqliteStoreTest, RollbackDiscardsEverySinceBegin) {
    const MailboxId kept = add("kept");
    ASSERT_TRUE(store_->commit());

    ASSERT_TRUE(store_->begin());
    add("discarded");
    ASSERT_TRUE(store_->set_state(kept, Side::local, {1, 2, 3}));
    ASSERT_TRUE(store_->add_mapping(kept, {1, 1}));
    ASSERT_TRUE(store_->set_subscribed(kept, true));
    ASSERT_TRUE(store_->rollback());

    auto all = store_->mailboxes();
    ASSERT_TRUE(all);
    ASSERT_EQ(all->size(), 1u);
    EXPECT_EQ((*all)[0].name, "kept");
    EXPECT_FALSE((*all)[0].subscribed);
    EXPECT_FALSE((*all)[0].local.has_value());
    EXPECT_TRUE(store_->mapping(kept)->empty());
}

TEST_F(SqliteStoreTest, WritesWithoutBeginAreLostUnlessCommitted) {
    add("uncommitted");
    store_.reset(); // as if the program died
    reopen();
    ASSERT_NE(store_, nullptr);
    EXPECT_TRUE(store_->mailboxes()->empty());

    add("committed");
    ASSERT_TRUE(store_->commit());
    store_.reset();
    reopen();
    EXPECT_EQ(store_->mailboxes()->size(), 1u);
}

TEST_F(SqliteStoreTest, TransactionsDoNotNestAndIdleCommitOrRollbackDoNothing) {
    EXPECT_TRUE(store_->commit());
    EXPECT_TRUE(store_->rollback());
    ASSERT_TRUE(store_->begin());
    auto nested = store_->begin();
    ASSERT_FALSE(nested);
    EXPECT_EQ(nested.error().code, ErrorCode::internal);
    EXPECT_TRUE(store_->commit());
    EXPECT_TRUE(store_->begin());
    EXPECT_TRUE(store_->rollback());
}

TEST_F(SqliteStoreTest, PendingCopiesSurviveReopeningUntilCleared) {
    MailboxId id = add(std::string("INBOX"));
    ASSERT_TRUE(store_->set_state(id, Side::local, {7, 1, 1}));
    ASSERT_TRUE(store_->set_state(id, Side::remote, {9, 1, 1}));
    std::vector<PendingAppend> copies = {
        {Side::remote, 3, 10, "fnv1a64:00:5"},
        {Side::local, kMaxUid, kMaxUid, std::string("a\0b", 3)},
    };
    ASSERT_TRUE(store_->add_pending(id, copies));
    close();
    reopen();
    auto pending = store_->pending(id);
    ASSERT_TRUE(pending) << pending.error().message;
    // Ordered by target (local first), then source UID.
    EXPECT_EQ(*pending, (std::vector<PendingAppend>{copies[1], copies[0]}));

    ASSERT_TRUE(store_->clear_pending(id, Side::remote, 3));
    close();
    reopen();
    EXPECT_EQ(*store_->pending(id), (std::vector<PendingAppend>{copies[1]}));
}

TEST_F(SqliteStoreTest, RolledBackPendingCopiesAreForgotten) {
    MailboxId id = add(std::string("INBOX"));
    close();
    reopen();
    ASSERT_TRUE(store_->begin());
    ASSERT_TRUE(store_->add_pending(id, {{Side::local, 1, 1, "x"}}));
    ASSERT_TRUE(store_->rollback());
    EXPECT_TRUE(store_->pending(id)->empty());
}

TEST_F(SqliteStoreTest, DeletingAMailboxForgetsItsPendingCopies) {
    MailboxId id = add(std::string("INBOX"));
    ASSERT_TRUE(store_->add_pending(id, {{Side::local, 1, 1, "x"}}));
    ASSERT_TRUE(store_->delete_mailbox(id));
    close();
    RawDatabase raw(path_);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM interimap_pending_append"), 0);
}

} // namespace
} // namespace interimap::sqlite::test
