// The StateStore on an open, exclusively locked SQLite database with
// interimap 0.5's schema.
#pragma once

#include "connection.hpp"
#include "statement.hpp"

#include <interimap/state_store.hpp>
#include <memory>
#include <string_view>
#include <unordered_map>

namespace interimap::sqlite {

/// Transactions follow interimap 0.5: a write outside begin()/commit() opens
/// a transaction itself, so nothing reaches the file before commit(), and
/// destroying the store rolls back whatever was not committed. begin() fails
/// if a transaction is already open (there is no nesting); commit() and
/// rollback() without an open transaction do nothing.
class SqliteStore final : public StateStore {
public:
    /// `db` must hold the exclusive lock and have the current schema.
    explicit SqliteStore(Connection db) : db_(std::move(db)) {}

    Result<void> begin() override;
    Result<void> commit() override;
    Result<void> rollback() override;

    Result<std::vector<MailboxRecord>> mailboxes() override;
    Result<std::optional<MailboxRecord>> find_mailbox(const StoredMailboxName& name) override;
    Result<MailboxId> add_mailbox(const StoredMailboxName& name, bool subscribed) override;
    Result<void> set_subscribed(MailboxId id, bool subscribed) override;
    Result<void> rename_mailbox(MailboxId id, const StoredMailboxName& new_name) override;
    Result<void> delete_mailbox(MailboxId id) override;

    Result<void> set_state(MailboxId id, Side side, const MailboxState& state) override;

    Result<std::vector<UidPair>> mapping(MailboxId id) override;
    Result<void> add_mapping(MailboxId id, UidPair pair) override;
    Result<void> remove_mapping(MailboxId id, Side side, std::uint32_t uid) override;

    Result<void> add_pending(MailboxId id, const std::vector<PendingAppend>& copies) override;
    Result<std::vector<PendingAppend>> pending(MailboxId id) override;
    Result<void> clear_pending(MailboxId id, Side target, std::uint32_t source_uid) override;

private:
    /// The prepared statement for `sql` (a string literal), prepared once.
    Result<Statement*> statement(std::string_view sql);
    Result<void> ensure_transaction();
    /// Fails with not_found unless the last statement changed a row.
    Result<void> expect_changed(MailboxId id);
    Result<void> delete_mailbox_rows(MailboxId id);
    Result<MailboxRecord> read_mailbox(const Statement& row) const;
    Fail corrupt(std::string_view what) const;

    Connection db_; // declared first: outlives the statements
    std::unordered_map<std::string_view, Statement> statements_;
};

} // namespace interimap::sqlite
