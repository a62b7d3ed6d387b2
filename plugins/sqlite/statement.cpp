#include "statement.hpp"

#include <sqlite3.h>
#include <utility>

namespace interimap::sqlite {

Result<Statement> Statement::prepare(Connection& db, std::string_view sql) {
    sqlite3_stmt* stmt = nullptr;
    const int rc =
        sqlite3_prepare_v2(db.handle(), sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return Fail(db.error("preparing \"" + std::string(sql) + "\""));
    }
    return Statement(db, stmt);
}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)), bind_error_(other.bind_error_) {}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        sqlite3_finalize(stmt_);
        db_ = other.db_;
        stmt_ = std::exchange(other.stmt_, nullptr);
        bind_error_ = other.bind_error_;
    }
    return *this;
}

Statement::~Statement() {
    sqlite3_finalize(stmt_);
}

Statement& Statement::bind_int(int index, std::int64_t value) {
    const int rc = sqlite3_bind_int64(stmt_, index, value);
    if (rc != SQLITE_OK && bind_error_ == 0)
        bind_error_ = rc;
    return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
    // A zero-length blob still binds as a BLOB (not NULL) with a non-null pointer.
    static const char empty = 0;
    const int rc = sqlite3_bind_blob64(stmt_, index, bytes.empty() ? &empty : bytes.data(),
                                       bytes.size(), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK && bind_error_ == 0)
        bind_error_ = rc;
    return *this;
}

Result<bool> Statement::step(std::string_view doing) {
    if (bind_error_ != 0)
        return Fail(ErrorCode::storage, "database " + db_->path().string() + ": " +
                                            std::string(doing) +
                                            " failed: " + sqlite3_errstr(bind_error_));
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    return Fail(db_->error(doing));
}

Result<void> Statement::run(std::string_view doing) {
    auto row = step(doing);
    if (!row)
        return Fail(std::move(row).error());
    return ok();
}

bool Statement::column_is_null(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::column_int(int column) const {
    return sqlite3_column_int64(stmt_, column);
}

std::string Statement::column_blob(int column) const {
    const void* data = sqlite3_column_blob(stmt_, column);
    const int size = sqlite3_column_bytes(stmt_, column);
    if (data == nullptr || size <= 0)
        return {};
    return std::string(static_cast<const char*>(data), static_cast<std::size_t>(size));
}

void Statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    bind_error_ = 0;
}

} // namespace interimap::sqlite
