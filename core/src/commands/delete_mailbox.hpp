// interimap --delete MAILBOX...: each mailbox goes from the servers where it
// exists and from the database (with its states and UID mapping), on the
// --target(s) selected. Not recursive: children stay, as IMAP DELETE leaves
// them. INBOX cannot be deleted (RFC 3501 6.3.4).
#pragma once

#include "app/run_session.hpp"
#include "commands/targets.hpp"

#include <memory>

namespace interimap::commands {

/// Mailboxes are handled in the order given; the first failure stops the
/// command, earlier deletions stand.
/// `session` stays with the caller, who logs an error before dropping it
/// (which logs the traffic summary), in the reference\'s order.
Result<void> run_delete(const CommandSettings& settings, Logger& logger,
                        plugin::PluginLoader& plugins, std::unique_ptr<app::RunSession>& session);

} // namespace interimap::commands
