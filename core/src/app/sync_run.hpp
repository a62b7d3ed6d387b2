// One run of interimap's default command: open the database, connect and log
// in to both servers at once, reconcile the mailbox lists, then synchronise
// every mailbox that changed; and --repair, which does the same but
// compares every listed mailbox in full with the mapping.
#pragma once

#include "app/run_session.hpp"
#include "plugin/loader.hpp"

#include <filesystem>
#include <interimap/config.hpp>
#include <interimap/log.hpp>
#include <interimap/result.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace interimap::app {

struct SyncSettings {
    ConfigSection local;
    ConfigSection remote;
    std::filesystem::path database;
    /// MAILBOX arguments (bypass ignore-mailbox) or list-mailbox patterns.
    std::vector<std::string> patterns;
    bool patterns_from_command_line = false;
    std::string list_select_opts;
    std::optional<std::string> ignore_mailbox;
    bool notify = false;
    bool keepalive = false;
};

/// Runs once. Errors come back with their context (local, remote, database)
/// for the caller to log while `session` still lives: dropping it logs the
/// traffic summary, which the reference prints after the error.
Result<void> run_sync(const SyncSettings& settings, Logger& logger, plugin::PluginLoader& plugins,
                      std::unique_ptr<RunSession>& session);

/// interimap --repair [MAILBOX...], with the settings of a sync (`notify`
/// and `keepalive` unset); errors as for run_sync.
Result<void> run_repair(const SyncSettings& settings, Logger& logger, plugin::PluginLoader& plugins,
                        std::unique_ptr<RunSession>& session);

} // namespace interimap::app
