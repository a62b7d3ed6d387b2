// A separate program for the lock tests: another process trying, or holding,
// the database, either through our store or the way interimap 0.5 does.
//
//   sqlite_lock_probe open PATH       open our store, print "ok" or "CODE MESSAGE"
//   sqlite_lock_probe hold PATH       open our store, print "held", wait for EOF on stdin
//   sqlite_lock_probe reference PATH  take the lock as interimap 0.5 does at start-up,
//                                     print "held", wait for EOF on stdin
//   sqlite_lock_probe read PATH       read the schema as a plain SQLite client
//   sqlite_lock_probe immediate PATH  BEGIN IMMEDIATE as interimap 0.5's first statement
// Failures print the SQLite or store message and exit 1.
#include "sqlite_store_factory.hpp"

#include <cstdio>
#include <cstring>
#include <interimap/log.hpp>
#include <sqlite3.h>
#include <string>
#include <unistd.h>

namespace {

void wait_for_eof() {
    char buffer[64];
    while (::read(STDIN_FILENO, buffer, sizeof buffer) > 0) {
    }
}

int say(const std::string& line, int code) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
    return code;
}

int open_store(const char* path, bool hold) {
    interimap::NullLogger logger;
    interimap::sqlite::SqliteStoreFactory factory;
    auto store = factory.open(path, logger);
    if (!store)
        return say(
            std::to_string(static_cast<int>(store.error().code)) + " " + store.error().message, 1);
    if (!hold)
        return say("ok", 0);
    say("held", 0);
    wait_for_eof();
    return 0;
}

// interimap 0.5 connects with a 250 ms busy timeout and AutoCommit off with
// immediate transactions, so its first statement, PRAGMA locking_mode =
// EXCLUSIVE, runs inside BEGIN IMMEDIATE; it then commits, keeping the lock.
int raw(const char* mode, const char* path) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
        return say(sqlite3_errmsg(db), 1);
    sqlite3_busy_timeout(db, 250);
    auto exec = [db](const char* sql) {
        return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
    };
    int code = 0;
    if (std::strcmp(mode, "reference") == 0) {
        if (exec("BEGIN IMMEDIATE") && exec("PRAGMA locking_mode = EXCLUSIVE") && exec("COMMIT") &&
            exec("PRAGMA foreign_keys = OFF")) {
            say("held", 0);
            wait_for_eof();
        } else {
            code = say(sqlite3_errmsg(db), 1);
        }
    } else if (std::strcmp(mode, "read") == 0) {
        code =
            exec("SELECT count(*) FROM sqlite_master") ? say("ok", 0) : say(sqlite3_errmsg(db), 1);
    } else if (std::strcmp(mode, "immediate") == 0) {
        code = exec("BEGIN IMMEDIATE") ? say("ok", 0) : say(sqlite3_errmsg(db), 1);
    } else {
        code = say(std::string("unknown mode ") + mode, 2);
    }
    sqlite3_close_v2(db);
    return code;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 3)
        return say("usage: sqlite_lock_probe MODE PATH", 2);
    if (std::strcmp(argv[1], "open") == 0)
        return open_store(argv[2], false);
    if (std::strcmp(argv[1], "hold") == 0)
        return open_store(argv[2], true);
    return raw(argv[1], argv[2]);
}
