// Opening the sqlite state store: file creation, the exclusive lock, the
// schema.
#pragma once

#include <chrono>
#include <interimap/state_store.hpp>

namespace interimap::sqlite {

/// How long opening waits for a lock held by someone else before failing
/// with ErrorCode::locked. interimap 0.5 waits as long; it is enough to ride
/// out a reader such as a backup while failing at once for a running
/// instance, which keeps its lock.
inline constexpr std::chrono::milliseconds kBusyTimeout{250};

class SqliteStoreFactory final : public StateStoreFactory {
public:
    /// Creates the missing directories (0700) and the file (0600), then takes
    /// an exclusive lock on the database that lasts until the store is
    /// destroyed, and creates the schema in an empty database.
    ///
    /// The lock is SQLite's own (POSIX advisory locks on the file, in
    /// locking_mode EXCLUSIVE), the one interimap 0.5 takes too: each program
    /// therefore sees the other's instance as holding the database.
    Result<StateStorePtr> open(const std::filesystem::path& path, Logger& logger) override;
};

} // namespace interimap::sqlite
