#include "sqlite_test_support.hpp"

#include "sqlite_store_factory.hpp"

#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>

namespace interimap::sqlite::test {

TempDir::TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/sqlite-store-test.XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr)
        ADD_FAILURE() << "mkdtemp failed";
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

StateStorePtr open_store(const std::filesystem::path& path, Logger& logger) {
    SqliteStoreFactory factory;
    auto store = factory.open(path, logger);
    if (!store) {
        ADD_FAILURE() << "open " << path << ": " << store.error().message;
        return nullptr;
    }
    return std::move(store).value();
}

StateStorePtr open_store(const std::filesystem::path& path) {
    NullLogger logger;
    return open_store(path, logger);
}

RawDatabase::RawDatabase(const std::filesystem::path& path, int busy_timeout_ms) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
        ADD_FAILURE() << "raw open " << path << ": " << sqlite3_errmsg(db_);
    sqlite3_busy_timeout(db_, busy_timeout_ms);
}

RawDatabase::~RawDatabase() {
    sqlite3_close_v2(db_);
}

int RawDatabase::exec(const std::string& sql) {
    return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
}

std::vector<std::vector<std::string>> RawDatabase::rows(const std::string& sql) {
    std::vector<std::vector<std::string>> out;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
        ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
        return out;
    }
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        std::vector<std::string> row;
        for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
            switch (sqlite3_column_type(stmt, i)) {
            case SQLITE_NULL:
                row.push_back("NULL");
                break;
            case SQLITE_BLOB: {
                const auto* bytes = static_cast<const unsigned char*>(sqlite3_column_blob(stmt, i));
                std::string hex = "X'";
                for (int k = 0; k < sqlite3_column_bytes(stmt, i); ++k) {
                    char digits[3];
                    std::snprintf(digits, sizeof digits, "%02X", bytes[k]);
                    hex += digits;
                }
                row.push_back(hex + "'");
                break;
            }
            default:
                row.push_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, i)));
            }
        }
        out.push_back(std::move(row));
    }
    if (rc != SQLITE_DONE)
        ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
    sqlite3_finalize(stmt);
    return out;
}

std::int64_t RawDatabase::integer(const std::string& sql) {
    auto result = rows(sql);
    if (result.size() != 1 || result[0].size() != 1) {
        ADD_FAILURE() << sql << ": expected one value";
        return -1;
    }
    return std::stoll(result[0][0]);
}

StoredMailboxName stored_name(std::initializer_list<std::string_view> levels) {
    StoredMailboxName name;
    for (const auto level : levels) {
        if (!name.empty())
            name.push_back('\0');
        name.append(level);
    }
    return name;
}

std::filesystem::path copy_reference_database(const std::filesystem::path& dir) {
    const auto source =
        std::filesystem::path(INTERIMAP_TEST_DATA_DIR) / "sqlite/interimap-0.5.7.db";
    const auto target = dir / "interimap-0.5.7.db";
    std::filesystem::copy_file(source, target);
    return target;
}

Probe::Probe(std::string_view mode, const std::filesystem::path& path) {
    int in[2], out[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) {
        ADD_FAILURE() << "pipe failed";
        return;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    std::string program = INTERIMAP_SQLITE_LOCK_PROBE;
    std::string mode_arg(mode), path_arg = path.string();
    char* argv[] = {program.data(), mode_arg.data(), path_arg.data(), nullptr};
    if (::posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv, environ) != 0) {
        ADD_FAILURE() << "cannot start " << program;
        pid_ = -1;
    }
    posix_spawn_file_actions_destroy(&actions);
    ::close(in[0]);
    ::close(out[1]);
    stdin_fd_ = in[1];
    stdout_fd_ = out[0];
}

std::string Probe::first_line() {
    std::string line;
    char c;
    while (::read(stdout_fd_, &c, 1) == 1 && c != '\n')
        line.push_back(c);
    return line;
}

int Probe::finish() {
    if (stdin_fd_ >= 0)
        ::close(std::exchange(stdin_fd_, -1));
    if (stdout_fd_ >= 0)
        ::close(std::exchange(stdout_fd_, -1));
    if (pid_ <= 0)
        return -1;
    int status = 0;
    const pid_t waited = ::waitpid(std::exchange(pid_, -1), &status, 0);
    return waited > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Probe::~Probe() {
    finish();
}

} // namespace interimap::sqlite::test
