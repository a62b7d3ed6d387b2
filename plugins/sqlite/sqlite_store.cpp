#include "sqlite_store.hpp"

#include <algorithm>
#include <limits>
#include <sqlite3.h>
#include <string>

namespace interimap::sqlite {
namespace {

constexpr std::string_view kSelectMailboxes = "SELECT m.idx, m.mailbox, m.subscribed,"
                                              " l.UIDVALIDITY, l.UIDNEXT, l.HIGHESTMODSEQ,"
                                              " r.UIDVALIDITY, r.UIDNEXT, r.HIGHESTMODSEQ"
                                              " FROM mailboxes m"
                                              " LEFT JOIN local l ON l.idx = m.idx"
                                              " LEFT JOIN remote r ON r.idx = m.idx";
const std::string kListMailboxes = std::string(kSelectMailboxes) + " ORDER BY m.idx";
const std::string kFindMailbox = std::string(kSelectMailboxes) + " WHERE m.mailbox = ?1";

constexpr std::string_view kAddMailbox =
    "INSERT INTO mailboxes (mailbox, subscribed) VALUES (?1, ?2)";
constexpr std::string_view kSetSubscribed = "UPDATE mailboxes SET subscribed = ?2 WHERE idx = ?1";
constexpr std::string_view kRenameMailbox = "UPDATE mailboxes SET mailbox = ?2 WHERE idx = ?1";
// Referencing tables first, so that foreign keys hold after each statement.
constexpr std::string_view kDeleteMailbox[] = {
    "DELETE FROM interimap_pending_append WHERE idx = ?1",
    "DELETE FROM mapping WHERE idx = ?1",
    "DELETE FROM local WHERE idx = ?1",
    "DELETE FROM remote WHERE idx = ?1",
    "DELETE FROM mailboxes WHERE idx = ?1",
};

constexpr std::string_view kSetState[] = {
    "INSERT INTO local (idx, UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ) VALUES (?1, ?2, ?3, ?4)"
    " ON CONFLICT (idx) DO UPDATE SET UIDVALIDITY = excluded.UIDVALIDITY,"
    " UIDNEXT = excluded.UIDNEXT, HIGHESTMODSEQ = excluded.HIGHESTMODSEQ",
    "INSERT INTO remote (idx, UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ) VALUES (?1, ?2, ?3, ?4)"
    " ON CONFLICT (idx) DO UPDATE SET UIDVALIDITY = excluded.UIDVALIDITY,"
    " UIDNEXT = excluded.UIDNEXT, HIGHESTMODSEQ = excluded.HIGHESTMODSEQ",
};

constexpr std::string_view kMapping = "SELECT lUID, rUID FROM mapping WHERE idx = ?1 ORDER BY lUID";
constexpr std::string_view kAddMapping =
    "INSERT INTO mapping (idx, lUID, rUID) VALUES (?1, ?2, ?3)";
constexpr std::string_view kRemoveMapping[] = {
    "DELETE FROM mapping WHERE idx = ?1 AND lUID = ?2",
    "DELETE FROM mapping WHERE idx = ?1 AND rUID = ?2",
};

constexpr std::string_view kAddPending =
    "INSERT OR REPLACE INTO interimap_pending_append"
    " (idx, target, source_uid, min_target_uid, fingerprint) VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr std::string_view kPending =
    "SELECT target, source_uid, min_target_uid, fingerprint FROM interimap_pending_append"
    " WHERE idx = ?1 ORDER BY target, source_uid";
constexpr std::string_view kClearPending =
    "DELETE FROM interimap_pending_append WHERE idx = ?1 AND target = ?2 AND source_uid = ?3";

// HIGHESTMODSEQ is unsigned 64-bit in the column's name but SQLite stores a
// signed INTEGER: values from 2^63 on (RFC 7162 stops at 2^63-1, Dovecot does
// not) are stored as their two's complement and read back, as interimap 0.5
// does, so that either program continues the other's database.

int side_index(Side side) {
    return side == Side::local ? 0 : 1;
}

/// How a stored name reads in a message: hierarchy levels separated by '/'.
std::string printable(const StoredMailboxName& name) {
    std::string out = name;
    std::replace(out.begin(), out.end(), '\0', '/');
    return out;
}

/// The schema's CHECK (mailbox != '') compares a BLOB with TEXT, which are
/// never equal in SQLite, so it lets an empty BLOB through.
Result<void> check_name(const StoredMailboxName& name, const std::filesystem::path& db) {
    if (name.empty())
        return Fail(ErrorCode::internal, "database " + db.string() + ": empty mailbox name");
    return ok();
}

bool is_uid(std::int64_t v) {
    return v >= 0 && v <= std::numeric_limits<std::uint32_t>::max();
}

} // namespace

Result<Statement*> SqliteStore::statement(std::string_view sql) {
    if (auto it = statements_.find(sql); it != statements_.end())
        return &it->second;
    auto prepared = Statement::prepare(db_, sql);
    if (!prepared)
        return Fail(std::move(prepared).error());
    return &statements_.emplace(sql, std::move(prepared).value()).first->second;
}

// Expands to the cached statement for `sql`, reset before and after use.
#define INTERIMAP_STATEMENT(var, sql)                                                              \
    auto var##_result_ = statement(sql);                                                           \
    if (!var##_result_)                                                                            \
        return Fail(std::move(var##_result_).error());                                             \
    Statement& var = **var##_result_;                                                              \
    ResetOnExit var##_reset_(var)

Fail SqliteStore::corrupt(std::string_view what) const {
    return Fail(ErrorCode::storage,
                "database " + db_.path().string() + " is corrupt: " + std::string(what));
}

Result<void> SqliteStore::ensure_transaction() {
    if (db_.in_transaction())
        return ok();
    return db_.exec("BEGIN", "starting a transaction");
}

Result<void> SqliteStore::begin() {
    if (db_.in_transaction())
        return Fail(ErrorCode::internal,
                    "database " + db_.path().string() + ": a transaction is already open");
    return db_.exec("BEGIN", "starting a transaction");
}

Result<void> SqliteStore::commit() {
    if (!db_.in_transaction())
        return ok();
    return db_.exec("COMMIT", "committing");
}

Result<void> SqliteStore::rollback() {
    if (!db_.in_transaction())
        return ok();
    return db_.exec("ROLLBACK", "rolling back");
}

Result<MailboxRecord> SqliteStore::read_mailbox(const Statement& row) const {
    MailboxRecord record;
    record.id = row.column_int(0);
    record.name = row.column_blob(1);
    record.subscribed = row.column_int(2) != 0;
    for (const Side side : {Side::local, Side::remote}) {
        const int first = side == Side::local ? 3 : 6;
        if (row.column_is_null(first))
            continue;
        const std::int64_t uidvalidity = row.column_int(first);
        const std::int64_t uidnext = row.column_int(first + 1);
        const std::int64_t highestmodseq = row.column_int(first + 2);
        if (!is_uid(uidvalidity) || !is_uid(uidnext))
            return corrupt(std::string(side_name(side)) + " state of mailbox " +
                           printable(record.name) + " is out of range");
        MailboxState state{static_cast<std::uint32_t>(uidvalidity),
                           static_cast<std::uint32_t>(uidnext),
                           static_cast<std::uint64_t>(highestmodseq)};
        (side == Side::local ? record.local : record.remote) = state;
    }
    return record;
}

Result<std::vector<MailboxRecord>> SqliteStore::mailboxes() {
    INTERIMAP_STATEMENT(query, kListMailboxes);
    std::vector<MailboxRecord> records;
    for (;;) {
        auto row = query.step("listing mailboxes");
        if (!row)
            return Fail(std::move(row).error());
        if (!*row)
            return records;
        auto record = read_mailbox(query);
        if (!record)
            return Fail(std::move(record).error());
        records.push_back(std::move(record).value());
    }
}

Result<std::optional<MailboxRecord>> SqliteStore::find_mailbox(const StoredMailboxName& name) {
    INTERIMAP_STATEMENT(query, kFindMailbox);
    query.bind_blob(1, name);
    auto row = query.step("looking up mailbox " + printable(name));
    if (!row)
        return Fail(std::move(row).error());
    if (!*row)
        return std::optional<MailboxRecord>();
    auto record = read_mailbox(query);
    if (!record)
        return Fail(std::move(record).error());
    return std::optional<MailboxRecord>(std::move(record).value());
}

Result<MailboxId> SqliteStore::add_mailbox(const StoredMailboxName& name, bool subscribed) {
    INTERIMAP_TRY(check_name(name, db_.path()));
    INTERIMAP_TRY(ensure_transaction());
    INTERIMAP_STATEMENT(insert, kAddMailbox);
    insert.bind_blob(1, name).bind_int(2, subscribed ? 1 : 0);
    auto done = insert.run("adding mailbox " + printable(name));
    if (!done) {
        if (db_.last_error_code() == SQLITE_CONSTRAINT_UNIQUE)
            return Fail(ErrorCode::storage, "database " + db_.path().string() + ": mailbox " +
                                                printable(name) + " already exists");
        return Fail(std::move(done).error());
    }
    return MailboxId{sqlite3_last_insert_rowid(db_.handle())};
}

Result<void> SqliteStore::expect_changed(MailboxId id) {
    if (sqlite3_changes(db_.handle()) > 0)
        return ok();
    return Fail(ErrorCode::not_found,
                "database " + db_.path().string() + ": no mailbox with id " + std::to_string(id));
}

Result<void> SqliteStore::set_subscribed(MailboxId id, bool subscribed) {
    INTERIMAP_TRY(ensure_transaction());
    INTERIMAP_STATEMENT(update, kSetSubscribed);
    update.bind_int(1, id).bind_int(2, subscribed ? 1 : 0);
    INTERIMAP_TRY(update.run("updating the subscription of mailbox " + std::to_string(id)));
    return expect_changed(id);
}

Result<void> SqliteStore::rename_mailbox(MailboxId id, const StoredMailboxName& new_name) {
    INTERIMAP_TRY(check_name(new_name, db_.path()));
    INTERIMAP_TRY(ensure_transaction());
    INTERIMAP_STATEMENT(update, kRenameMailbox);
    update.bind_int(1, id).bind_blob(2, new_name);
    auto done = update.run("renaming mailbox " + std::to_string(id) + " to " + printable(new_name));
    if (!done) {
        if (db_.last_error_code() == SQLITE_CONSTRAINT_UNIQUE)
            return Fail(ErrorCode::storage, "database " + db_.path().string() + ": mailbox " +
                                                printable(new_name) + " already exists");
        return Fail(std::move(done).error());
    }
    return expect_changed(id);
}

Result<void> SqliteStore::delete_mailbox_rows(MailboxId id) {
    for (const auto sql : kDeleteMailbox) {
        INTERIMAP_STATEMENT(remove, sql);
        remove.bind_int(1, id);
        INTERIMAP_TRY(remove.run("deleting mailbox " + std::to_string(id)));
    }
    return expect_changed(id);
}

Result<void> SqliteStore::delete_mailbox(MailboxId id) {
    INTERIMAP_TRY(ensure_transaction());
    // All four tables or none, even if the caller goes on to commit.
    INTERIMAP_TRY(db_.exec("SAVEPOINT delete_mailbox", "deleting a mailbox"));
    auto deleted = delete_mailbox_rows(id);
    if (!deleted) {
        (void)db_.exec("ROLLBACK TO delete_mailbox", "deleting a mailbox");
        (void)db_.exec("RELEASE delete_mailbox", "deleting a mailbox");
        return deleted;
    }
    return db_.exec("RELEASE delete_mailbox", "deleting a mailbox");
}

Result<void> SqliteStore::set_state(MailboxId id, Side side, const MailboxState& state) {
    INTERIMAP_TRY(ensure_transaction());
    INTERIMAP_STATEMENT(upsert, kSetState[side_index(side)]);
    upsert.bind_int(1, id)
        .bind_int(2, state.uidvalidity)
        .bind_int(3, state.uidnext)
        .bind_int(4, static_cast<std::int64_t>(state.highestmodseq));
    return upsert.run("storing the " + std::string(side_name(side)) + " state of mailbox " +
                      std::to_string(id));
}

Result<std::vector<UidPair>> SqliteStore::mapping(MailboxId id) {
    INTERIMAP_STATEMENT(query, kMapping);
    query.bind_int(1, id);
    std::vector<UidPair> pairs;
    for (;;) {
        auto row = query.step("reading the UID mapping of mailbox " + std::to_string(id));
        if (!row)
            return Fail(std::move(row).error());
        if (!*row)
            return pairs;
        const std::int64_t local = query.column_int(0);
        const std::int64_t remote = query.column_int(1);
        if (!is_uid(local) || !is_uid(remote))
            return corrupt("UID mapping of mailbox " + std::to_string(id) + " is out of range");
        pairs.push_back({static_cast<std::uint32_t>(local), static_cast<std::uint32_t>(remote)});
    }
}

Result<void> SqliteStore::add_mapping(MailboxId id, UidPair pair) {
    INTERIMAP_TRY(ensure_transaction());
    INTERIMAP_STATEMENT(insert, kAddMapping);
    insert.bind_int(1, id).bind_int(2, pair.local).bind_int(3, pair.remote);
    return insert.run("adding UIDs (" + std::to_string(pair.local) + "," +
                      std::to_string(pair.remote) + ") to the mapping of mailbox " +
                      std::to_string(id));
}

Result<void> SqliteStore::remove_mapping(MailboxId id, Side side, std::uint32_t uid) {
    INTERIMAP_TRY(ensure_transaction());
    INTERIMAP_STATEMENT(remove, kRemoveMapping[side_index(side)]);
    remove.bind_int(1, id).bind_int(2, uid);
    const std::string what = std::string(side_name(side)) + " UID " + std::to_string(uid) +
                             " of mailbox " + std::to_string(id);
    INTERIMAP_TRY(remove.run("removing " + what + " from the mapping"));
    if (sqlite3_changes(db_.handle()) == 0)
        return Fail(ErrorCode::not_found,
                    "database " + db_.path().string() + ": " + what + " is not in the mapping");
    return ok();
}

Result<void> SqliteStore::add_pending(MailboxId id, const std::vector<PendingAppend>& copies) {
    INTERIMAP_TRY(ensure_transaction());
    for (const PendingAppend& c : copies) {
        INTERIMAP_STATEMENT(insert, kAddPending);
        insert.bind_int(1, id)
            .bind_int(2, side_index(c.target))
            .bind_int(3, c.source_uid)
            .bind_int(4, c.min_target_uid)
            .bind_blob(5, c.fingerprint);
        INTERIMAP_TRY(insert.run("recording a copy in flight in mailbox " + std::to_string(id)));
    }
    return ok();
}

Result<std::vector<PendingAppend>> SqliteStore::pending(MailboxId id) {
    INTERIMAP_STATEMENT(query, kPending);
    query.bind_int(1, id);
    std::vector<PendingAppend> out;
    for (;;) {
        auto row = query.step("reading the copies in flight of mailbox " + std::to_string(id));
        if (!row)
            return Fail(std::move(row).error());
        if (!*row)
            return out;
        const std::int64_t target = query.column_int(0);
        const std::int64_t source = query.column_int(1);
        const std::int64_t min_target = query.column_int(2);
        if ((target != 0 && target != 1) || !is_uid(source) || min_target < 0 ||
            min_target > 0xFFFFFFFFll)
            return corrupt("copies in flight of mailbox " + std::to_string(id));
        out.push_back(PendingAppend{target == 0 ? Side::local : Side::remote,
                                    static_cast<std::uint32_t>(source),
                                    static_cast<std::uint32_t>(min_target), query.column_blob(3)});
    }
}

Result<void> SqliteStore::clear_pending(MailboxId id, Side target, std::uint32_t source_uid) {
    INTERIMAP_TRY(ensure_transaction());
    INTERIMAP_STATEMENT(remove, kClearPending);
    remove.bind_int(1, id).bind_int(2, side_index(target)).bind_int(3, source_uid);
    return remove.run("forgetting a copy in flight in mailbox " + std::to_string(id));
}

} // namespace interimap::sqlite
