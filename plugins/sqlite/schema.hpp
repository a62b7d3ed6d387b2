// The database schema of interimap 0.5 (schema version 1). The tables are
// created with the very same SQL text, so that `sqlite_master` of a database
// we create is identical to one interimap 0.5 creates, and either program can
// continue a database written by the other.
#pragma once

#include "connection.hpp"

#include <cstdint>
#include <interimap/log.hpp>
#include <interimap/result.hpp>

namespace interimap::sqlite {

/// What interimap 0.5 stores in PRAGMA user_version.
inline constexpr std::int64_t kSchemaVersion = 1;

/// Creates the schema in a database without tables, or checks the version of
/// an existing one. Runs inside the caller's transaction.
///
/// A version 0 database with tables (interimap < 0.5) is refused: upgrading
/// it replaces the hierarchy delimiter in every stored name by NUL, and the
/// delimiter is known only once both servers are connected, while the store
/// is opened (and locked) before any network traffic.
Result<void> prepare_schema(Connection& db, Logger& logger);

/// interimap 0.5's tables only (prepare_schema adds ours).
Result<void> prepare_reference_schema(Connection& db, Logger& logger);

} // namespace interimap::sqlite
