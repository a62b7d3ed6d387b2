#include "connection.hpp"

#include "statement.hpp"

#include <sqlite3.h>
#include <utility>

namespace interimap::sqlite {

Result<Connection> Connection::open(const std::filesystem::path& path) {
    sqlite3* db = nullptr;
    // NOMUTEX: a store is used by one thread at a time.
    const int rc =
        sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
        sqlite3_close_v2(db);
        return Fail(ErrorCode::storage, "database " + path.string() + ": cannot open: " + message);
    }
    sqlite3_extended_result_codes(db, 1);
    return Connection(db, path);
}

Connection::Connection(Connection&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), path_(std::move(other.path_)) {}

Connection& Connection::operator=(Connection&& other) noexcept {
    if (this != &other) {
        sqlite3_close_v2(db_);
        db_ = std::exchange(other.db_, nullptr);
        path_ = std::move(other.path_);
    }
    return *this;
}

// Closing rolls back an open transaction and releases the exclusive lock.
Connection::~Connection() {
    sqlite3_close_v2(db_);
}

Result<void> Connection::exec(std::string_view sql, std::string_view doing) {
    auto statement = Statement::prepare(*this, sql);
    if (!statement)
        return Fail(std::move(statement).error());
    for (;;) {
        auto row = statement->step(doing);
        if (!row)
            return Fail(std::move(row).error());
        if (!*row)
            return ok();
    }
}

Result<std::int64_t> Connection::query_int(std::string_view sql, std::string_view doing) {
    auto statement = Statement::prepare(*this, sql);
    if (!statement)
        return Fail(std::move(statement).error());
    auto row = statement->step(doing);
    if (!row)
        return Fail(std::move(row).error());
    if (!*row)
        return Fail(ErrorCode::storage,
                    "database " + path_.string() + ": " + std::string(doing) + " returned no row");
    return statement->column_int(0);
}

bool Connection::in_transaction() const {
    return sqlite3_get_autocommit(db_) == 0;
}

Error Connection::error(std::string_view doing) const {
    return make_error(ErrorCode::storage, "database " + path_.string() + ": " + std::string(doing) +
                                              " failed: " + sqlite3_errmsg(db_));
}

int Connection::last_error_code() const {
    return sqlite3_extended_errcode(db_);
}

} // namespace interimap::sqlite
