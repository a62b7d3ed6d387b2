// What --delete and --rename share: the database opened (and locked) first,
// both servers connected and logged in at once, and the command's mailbox
// names LISTed on each, which tells whether they exist there and which
// hierarchy delimiter each server uses. Names on the command line use the
// local delimiter; they are stored (delimiter as NUL) before the remote
// server sees them, as the reference does.
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

namespace interimap::commands {

/// Where a command acts (--target): each server and the database.
struct Targets {
    bool local = false;
    bool remote = false;
    bool database = false;

    bool has(Side side) const { return side == Side::local ? local : remote; }
    /// From the checked --target values ("local", "remote", "database").
    static Targets from_names(const std::vector<std::string>& names);
};

struct CommandSettings {
    ConfigSection local;
    ConfigSection remote;
    std::filesystem::path database;
    /// The MAILBOX arguments, as typed (local hierarchy delimiter).
    std::vector<std::string> mailboxes;
    Targets targets;
};

class CommandSession {
public:
    /// Opens the database, connects, logs in and lists the command's names.
    /// Errors carry their context (local, remote, database); once connected,
    /// the traffic summary is logged even when a later step fails.
    static Result<std::unique_ptr<CommandSession>>
    open(const CommandSettings& settings, Logger& logger, plugin::PluginLoader& plugins);
    ~CommandSession();
    CommandSession(const CommandSession&) = delete;
    CommandSession& operator=(const CommandSession&) = delete;

    sync::SideListing& side(Side which) { return which == Side::local ? local_ : remote_; }
    StateStore& store() { return *store_; }
    Logger& logger() { return logger_; }
    /// The MAILBOX arguments in stored form.
    const std::vector<StoredMailboxName>& mailboxes() const { return mailboxes_; }

    /// Whether `stored` is LISTed on `which`, with any attributes (a
    /// \NonExistent parent can still be renamed).
    bool listed(Side which, const StoredMailboxName& stored);
    /// Whether `stored` is LISTed on `which` and selectable.
    bool exists(Side which, const StoredMailboxName& stored);
    /// The name as the messages about the database show it: local delimiter.
    std::string display(const StoredMailboxName& stored) const;

    /// Drives `task` on the event loop until it completes.
    Result<void> run(async::Task<Result<void>>& task);

    /// Logs the traffic summary and closes both connections.
    Result<void> finish();

private:
    CommandSession(Logger& logger, StateStoreFactoryPtr factory, StateStorePtr store);
    Result<void> connect_and_list(const CommandSettings& settings, plugin::PluginLoader& plugins);
    void log_traffic();
    template <typename T>
    Result<void> run_task(async::Task<T>& task);

    Logger& logger_;
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

} // namespace interimap::commands
