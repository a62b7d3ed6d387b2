// What every command of a run starts with: the database opened (and locked)
// first, both servers connected and logged in at once, and the mailboxes
// LISTed on each, which tells what exists where and which hierarchy
// delimiter each server uses. Patterns use the local delimiter; they are
// stored (delimiter as NUL) before the remote server sees them, as the
// reference does, so that each server gets its own delimiter.
#pragma once

#include "async/event_loop.hpp"
#include "async/task.hpp"
#include "imap/connection.hpp"
#include "plugin/loader.hpp"
#include "sync/mailbox_list_sync.hpp"

#include <filesystem>
#include <functional>
#include <interimap/config.hpp>
#include <interimap/log.hpp>
#include <interimap/result.hpp>
#include <interimap/state_store.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace interimap::app {

struct SessionSettings {
    ConfigSection local;
    ConfigSection remote;
    std::filesystem::path database;
    /// LIST patterns as typed (local delimiter, or NUL); empty lists "*".
    std::vector<std::string> patterns;
    /// list-select-opts, upper-cased.
    std::string select_options;
    /// Ask for STATUS with LIST (the sync does, --delete and --rename don't).
    bool with_status = false;
    /// --notify: NOTIFY replaces LIST-STATUS among the required extensions.
    /// It is checked once both servers are logged in, before any change.
    bool notify = false;
    /// --watch: SO_KEEPALIVE on network sockets.
    bool keepalive = false;
};

class RunSession {
public:
    /// Opens the database, connects, logs in and lists the mailboxes, into
    /// `session` (set as soon as the database is open, so that the caller
    /// can log an error before the session logs the traffic summary when it
    /// goes). Errors carry their context (local, remote, database).
    static Result<void> open(const SessionSettings& settings, Logger& logger,
                             plugin::PluginLoader& plugins, std::unique_ptr<RunSession>& session);
    ~RunSession();
    RunSession(const RunSession&) = delete;
    RunSession& operator=(const RunSession&) = delete;

    sync::SideListing& side(Side which) { return which == Side::local ? local_ : remote_; }
    StateStore& store() { return *store_; }
    Logger& logger() { return logger_; }
    /// The patterns in stored form.
    const std::vector<StoredMailboxName>& mailboxes() const { return mailboxes_; }

    /// Whether `stored` is LISTed on `which`, with any attributes (a
    /// \NonExistent parent can still be renamed).
    bool listed(Side which, const StoredMailboxName& stored);
    /// Whether `stored` is LISTed on `which` and selectable.
    bool exists(Side which, const StoredMailboxName& stored);
    /// The name as the messages about the database show it: local delimiter.
    std::string display(const StoredMailboxName& stored) const;

    /// Drives `task` on the event loop until it completes.
    template <typename T>
    Result<T> run(async::Task<Result<T>>& task) {
        INTERIMAP_TRY(run_task(task));
        return task.take_result();
    }

    /// Lists both servers again, at once, as the session did when it
    /// opened (--watch, between rounds).
    Result<void> list_again();

    async::EventLoop& loop() { return loop_; }

    /// Logs the traffic summary and closes both connections.
    Result<void> finish();

private:
    RunSession(const SessionSettings& settings, Logger& logger, StateStoreFactoryPtr factory,
               StateStorePtr store);
    Result<void> connect_and_list(plugin::PluginLoader& plugins);
    void log_traffic();
    template <typename T>
    Result<void> run_task(async::Task<T>& task) {
        task.start();
        return loop_.run_until([&] { return task.done(); });
    }

    Logger& logger_;
    SessionSettings settings_;
    StateStoreFactoryPtr store_factory_;
    StateStorePtr store_;
    async::EventLoop loop_; // before the connections, which unregister from it
    std::unique_ptr<imap::Connection> local_connection_;
    std::unique_ptr<imap::Connection> remote_connection_;
    sync::SideListing local_;
    sync::SideListing remote_;
    std::vector<StoredMailboxName> mailboxes_;
    bool traffic_logged_ = false;
};

/// Adds `context` to an error that has none.
Error in_context(Error e, const std::string& context);

/// Runs `change` in a transaction of `store`: committed if it succeeds, rolled
/// back otherwise. Errors come back in the "database" context.
Result<void> in_transaction(StateStore& store, const std::function<Result<void>()>& change);

} // namespace interimap::app
