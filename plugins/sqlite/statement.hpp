// A prepared SQLite statement that finalizes itself. Binding errors are kept
// until step() so that call sites can bind without checking each call.
#pragma once

#include "connection.hpp"

#include <cstdint>
#include <interimap/result.hpp>
#include <string>
#include <string_view>

struct sqlite3_stmt;

namespace interimap::sqlite {

class Statement {
public:
    static Result<Statement> prepare(Connection& db, std::string_view sql);

    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement();

    /// Parameters are numbered from 1, as in SQL.
    Statement& bind_int(int index, std::int64_t value);
    /// Binds bytes as a BLOB (never TEXT: mailbox names are compared as BLOBs
    /// and may contain NUL).
    Statement& bind_blob(int index, std::string_view bytes);

    /// Advances: true with a row available, false once done. `doing` names the
    /// operation in the error message.
    Result<bool> step(std::string_view doing);

    /// Runs a statement that returns no row.
    Result<void> run(std::string_view doing);

    bool column_is_null(int column) const;
    std::int64_t column_int(int column) const;
    std::string column_blob(int column) const;

    /// Makes the statement ready for new bindings; releases its read cursor.
    void reset();

private:
    Statement(Connection& db, sqlite3_stmt* stmt) : db_(&db), stmt_(stmt) {}

    Connection* db_ = nullptr;
    sqlite3_stmt* stmt_ = nullptr;
    int bind_error_ = 0;
};

/// Resets a cached statement when a call using it returns, however it returns.
class ResetOnExit {
public:
    explicit ResetOnExit(Statement& statement) : statement_(statement) { statement_.reset(); }
    ~ResetOnExit() { statement_.reset(); }
    ResetOnExit(const ResetOnExit&) = delete;
    ResetOnExit& operator=(const ResetOnExit&) = delete;

private:
    Statement& statement_;
};

} // namespace interimap::sqlite
