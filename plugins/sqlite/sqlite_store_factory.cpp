#include "sqlite_store_factory.hpp"

#include "connection.hpp"
#include "database_file.hpp"
#include "schema.hpp"
#include "sqlite_store.hpp"

#include <sqlite3.h>

namespace interimap::sqlite {
namespace {

/// Takes the lock for the lifetime of the connection. In EXCLUSIVE locking
/// mode SQLite never releases a lock once acquired, and BEGIN EXCLUSIVE
/// acquires the strongest one right away, so no other connection (ours or
/// interimap 0.5's) can read or write the file until we close it. An instance
/// already holding even a weaker lock makes BEGIN EXCLUSIVE fail with BUSY.
Result<void> lock_exclusively(Connection& db) {
    sqlite3_busy_timeout(db.handle(), static_cast<int>(kBusyTimeout.count()));
    INTERIMAP_TRY(db.exec("PRAGMA locking_mode = EXCLUSIVE", "setting the locking mode"));
    auto begun = db.exec("BEGIN EXCLUSIVE", "locking");
    if (!begun && (db.last_error_code() & 0xff) == SQLITE_BUSY)
        return Fail(ErrorCode::locked,
                    "database " + db.path().string() + " is locked by another process");
    return begun;
}

} // namespace

Result<StateStorePtr> SqliteStoreFactory::open(const std::filesystem::path& path, Logger& logger) {
    INTERIMAP_TRY(prepare_database_file(path));
    auto db = Connection::open(path);
    if (!db)
        return Fail(std::move(db).error());

    INTERIMAP_TRY(lock_exclusively(*db));
    // Closing the connection on failure rolls back and unlocks.
    INTERIMAP_TRY(prepare_schema(*db, logger));
    INTERIMAP_TRY(db->exec("COMMIT", "committing the schema"));
    // Only effective outside a transaction.
    INTERIMAP_TRY(db->exec("PRAGMA foreign_keys = ON", "enabling foreign keys"));

    return StateStorePtr(std::make_unique<SqliteStore>(std::move(db).value()));
}

} // namespace interimap::sqlite
