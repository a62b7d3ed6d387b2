#include "schema.hpp"

#include <array>
#include <string>
#include <string_view>

namespace interimap::sqlite {
namespace {

// Invariants the engine keeps (the schema cannot express all of them):
//  - UIDVALIDITY of a row never changes;
//  - every change below UIDNEXT and HIGHESTMODSEQ of both sides has been
//    propagated, and no new message will get a UID below UIDNEXT;
//  - a mailbox has a `local` row iff it has a `remote` row;
//  - `mapping` rows exist only for mailboxes with both state rows.
// The column layout below, spacing included, is interimap 0.5's: SQLite keeps
// the text verbatim in sqlite_master.
constexpr std::array<std::string_view, 4> kCreateTables = {
    // Names are BLOBs with the hierarchy delimiter replaced by NUL, which no
    // mailbox name may contain, so a server changing its delimiter renames
    // nothing.
    "CREATE TABLE mailboxes ("
    "idx        INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "
    "mailbox    BLOB COLLATE BINARY NOT NULL CHECK (mailbox != '') UNIQUE, "
    "subscribed BOOLEAN NOT NULL)",
    // UIDVALIDITY is not UNIQUE: two mailboxes may share a value.
    // HIGHESTMODSEQ is stored as SQLite's signed 64-bit integer, which holds
    // every mod-sequence (RFC 7162 caps them at 2^63-1).
    "CREATE TABLE local ("
    "idx           INTEGER         NOT NULL PRIMARY KEY REFERENCES mailboxes(idx), "
    "UIDVALIDITY   UNSIGNED INT    NOT NULL CHECK (UIDVALIDITY > 0), "
    "UIDNEXT       UNSIGNED INT    NOT NULL, "
    "HIGHESTMODSEQ UNSIGNED BIGINT NOT NULL)",
    "CREATE TABLE remote ("
    "idx           INTEGER         NOT NULL PRIMARY KEY REFERENCES mailboxes(idx), "
    "UIDVALIDITY   UNSIGNED INT    NOT NULL CHECK (UIDVALIDITY > 0), "
    "UIDNEXT       UNSIGNED INT    NOT NULL, "
    "HIGHESTMODSEQ UNSIGNED BIGINT NOT NULL)",
    "CREATE TABLE mapping ("
    "idx  INTEGER      NOT NULL REFERENCES mailboxes(idx), "
    "lUID UNSIGNED INT NOT NULL CHECK (lUID > 0), "
    "rUID UNSIGNED INT NOT NULL CHECK (rUID > 0), "
    "PRIMARY KEY (idx,lUID), "
    "UNIQUE      (idx,rUID))",
};

Result<void> create_schema(Connection& db, Logger& logger) {
    logger.notice({}, "Creating new schema in database file " + db.path().string());
    for (const auto sql : kCreateTables)
        INTERIMAP_TRY(db.exec(sql, "creating the schema"));
    return db.exec("PRAGMA user_version = " + std::to_string(kSchemaVersion),
                   "setting the schema version");
}

/// Our addition, outside interimap 0.5's schema (which ignores other
/// tables): copies in flight, so that a copy made just before an
/// interruption is recognised instead of made twice. No foreign key, so that
/// the reference's --delete of a mailbox is never refused because of it.
constexpr std::string_view kCreatePendingAppend =
    "CREATE TABLE IF NOT EXISTS interimap_pending_append ("
    "idx            INTEGER      NOT NULL, "
    "target         INTEGER      NOT NULL CHECK (target IN (0, 1)), "
    "source_uid     UNSIGNED INT NOT NULL CHECK (source_uid > 0), "
    "min_target_uid UNSIGNED INT NOT NULL, "
    "fingerprint    BLOB         NOT NULL, "
    "PRIMARY KEY (idx, target, source_uid))";

} // namespace

Result<void> prepare_schema(Connection& db, Logger& logger) {
    INTERIMAP_TRY(prepare_reference_schema(db, logger));
    return db.exec(kCreatePendingAppend, "creating the table of copies in flight");
}

Result<void> prepare_reference_schema(Connection& db, Logger& logger) {
    auto version = db.query_int("PRAGMA user_version", "reading the schema version");
    if (!version)
        return Fail(std::move(version).error());
    if (*version == kSchemaVersion)
        return ok();

    const std::string where = "database " + db.path().string();
    if (*version > kSchemaVersion)
        return Fail(ErrorCode::storage, where + " has schema version " + std::to_string(*version) +
                                            ", newer than version " +
                                            std::to_string(kSchemaVersion) +
                                            " which this interimap understands");
    if (*version < 0)
        return Fail(ErrorCode::storage,
                    where + " has an invalid schema version " + std::to_string(*version));

    auto tables = db.query_int("SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                               " AND name != 'interimap_pending_append'",
                               "looking for tables");
    if (!tables)
        return Fail(std::move(tables).error());
    if (*tables == 0)
        return create_schema(db, logger);
    return Fail(ErrorCode::storage, where +
                                        " has the schema of interimap older than 0.5 (version 0); "
                                        "run interimap 0.5 on it once to upgrade it");
}

} // namespace interimap::sqlite
