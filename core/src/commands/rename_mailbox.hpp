// interimap --rename SOURCE DEST: recursive, on the --target(s) selected. The
// servers move the children along with IMAP RENAME; in the database every
// stored name under SOURCE follows. Refused before any change when DEST
// exists on a selected target.
#pragma once

#include "app/run_session.hpp"
#include "commands/targets.hpp"

#include <memory>
#include <utility>
#include <vector>

namespace interimap::commands {

/// `session` stays with the caller, who logs an error before dropping it
/// (which logs the traffic summary), in the reference\'s order.
Result<void> run_rename(const CommandSettings& settings, Logger& logger,
                        plugin::PluginLoader& plugins, std::unique_ptr<app::RunSession>& session);

/// The database renames for SOURCE -> DEST among `stored`: the mailbox
/// itself and every name starting with SOURCE + NUL, ordered so that no new
/// name collides with an old name still waiting for its own rename.
std::vector<std::pair<MailboxId, StoredMailboxName>>
plan_database_renames(const std::vector<MailboxRecord>& stored, const StoredMailboxName& from,
                      const StoredMailboxName& to);

} // namespace interimap::commands
