// One run of interimap's default command: open the database, connect and log
// in to both servers at once, reconcile the mailbox lists, then synchronise
// every mailbox that changed (with --watch, again and again on the same
// session); and --repair, which does the same once but compares every
// listed mailbox in full with the mapping.
#pragma once

#include "app/run_session.hpp"
#include "app/termination.hpp"
#include "plugin/loader.hpp"

#include <chrono>
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
    /// --watch (or --notify): seconds between rounds; unset for one round.
    std::optional<std::chrono::seconds> watch;
    bool notify = false;
    /// With `watch`: SIGTERM ends the watch between rounds (run_sync then
    /// succeeds).
    Termination* termination = nullptr;
};

/// Runs once, or with `watch` round after round until a round fails (or
/// SIGTERM arrives: then it succeeds). Errors come back with their context
/// (local, remote, database) for the caller to log while `session` still
/// lives: dropping it logs the traffic summary, which the reference prints
/// after the error.
Result<void> run_sync(const SyncSettings& settings, Logger& logger, plugin::PluginLoader& plugins,
                      std::unique_ptr<RunSession>& session);

/// interimap --repair [MAILBOX...], with the settings of a sync (`watch`
/// and `notify` unset); errors as for run_sync.
Result<void> run_repair(const SyncSettings& settings, Logger& logger, plugin::PluginLoader& plugins,
                        std::unique_ptr<RunSession>& session);

} // namespace interimap::app
