// interimap --repair [MAILBOX...]: the session of a sync (database, both
// servers, the mailbox lists reconciled), then each listed mailbox compared
// in full with the mapping and repaired, as interimap(1) describes.
#pragma once

#include "app/run_session.hpp"
#include "app/sync_run.hpp"
#include "plugin/loader.hpp"

#include <interimap/log.hpp>
#include <interimap/result.hpp>
#include <memory>

namespace interimap::app {

/// Runs once, with the settings of a sync (`notify` and `keepalive` unset).
/// Errors come back with their context for the caller to log while
/// `session` still lives, as run_sync's do.
Result<void> run_repair(const SyncSettings& settings, Logger& logger, plugin::PluginLoader& plugins,
                        std::unique_ptr<RunSession>& session);

} // namespace interimap::app
