// An open SQLite database handle that closes itself, and knows its file name
// so that every error message says which database failed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <interimap/result.hpp>
#include <string>
#include <string_view>

struct sqlite3;

namespace interimap::sqlite {

class Connection {
public:
    /// Opens an existing database file for reading and writing. Never creates
    /// the file: database_file.hpp does, with the right permissions.
    static Result<Connection> open(const std::filesystem::path& path);

    Connection(Connection&& other) noexcept;
    Connection& operator=(Connection&& other) noexcept;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection();

    sqlite3* handle() const { return db_; }
    const std::filesystem::path& path() const { return path_; }

    /// Runs SQL without parameters, discarding any row it returns.
    Result<void> exec(std::string_view sql, std::string_view doing);

    /// Runs a query returning a single integer (e.g. a PRAGMA).
    Result<std::int64_t> query_int(std::string_view sql, std::string_view doing);

    /// True while a transaction is open.
    bool in_transaction() const;

    /// The last error of this connection, as a storage Error:
    /// "database PATH: MESSAGE (while DOING)".
    Error error(std::string_view doing) const;

    /// Extended result code of the last failed call.
    int last_error_code() const;

private:
    Connection(sqlite3* db, std::filesystem::path path) : db_(db), path_(std::move(path)) {}

    sqlite3* db_ = nullptr;
    std::filesystem::path path_;
};

} // namespace interimap::sqlite
