// Helpers for the sqlite store tests: temporary directories, a logger that
// records, an independent raw SQLite reader, and child processes that hold
// or try the database lock.
#pragma once

#include <filesystem>
#include <interimap/log.hpp>
#include <interimap/state_store.hpp>
#include <sqlite3.h>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace interimap::sqlite::test {

/// A fresh directory, removed with its content at destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

struct LogRecord {
    LogLevel level;
    std::string name;
    std::string mailbox;
    std::string message;
};

class RecordingLogger final : public Logger {
public:
    void write(LogLevel level, const LogContext& context, std::string_view message) override {
        records.push_back(
            {level, std::string(context.name), std::string(context.mailbox), std::string(message)});
    }
    int debug_level() const override { return 0; }
    std::vector<LogRecord> records;
};

/// Opens a store at `path` with the sqlite factory; fails the test on error.
StateStorePtr open_store(const std::filesystem::path& path);
StateStorePtr open_store(const std::filesystem::path& path, Logger& logger);

/// A plain SQLite connection that checks what the store wrote, without
/// going through the code under test.
class RawDatabase {
public:
    explicit RawDatabase(const std::filesystem::path& path, int busy_timeout_ms = 0);
    ~RawDatabase();
    RawDatabase(const RawDatabase&) = delete;
    RawDatabase& operator=(const RawDatabase&) = delete;

    /// Result code of running `sql` to completion.
    int exec(const std::string& sql);
    /// Every row of a query, each column rendered as text (NULL as "NULL",
    /// blobs as X'hex').
    std::vector<std::vector<std::string>> rows(const std::string& sql);
    std::int64_t integer(const std::string& sql);
    sqlite3* handle() const { return db_; }

private:
    sqlite3* db_ = nullptr;
};

/// A stored mailbox name from its hierarchy levels (joined with NUL).
StoredMailboxName stored_name(std::initializer_list<std::string_view> levels);

/// The database interimap 0.5.7 wrote (tests/data/sqlite), copied to `dir`.
std::filesystem::path copy_reference_database(const std::filesystem::path& dir);

/// The lock probe (lock_probe.cpp) running in a process of its own: a fork
/// would share SQLite's in-process lock table with this process and prove
/// nothing about the file locks another program sees.
class Probe {
public:
    /// Starts `sqlite_lock_probe MODE PATH`.
    Probe(std::string_view mode, const std::filesystem::path& path);
    ~Probe();
    Probe(const Probe&) = delete;
    Probe& operator=(const Probe&) = delete;

    /// The first line the probe prints (without newline).
    std::string first_line();
    /// Closes the probe's standard input (which ends a holding probe), waits
    /// for it and returns its exit status.
    int finish();

private:
    pid_t pid_ = -1;
    int stdin_fd_ = -1;
    int stdout_fd_ = -1;
};

} // namespace interimap::sqlite::test
