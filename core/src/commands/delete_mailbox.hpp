// interimap --delete MAILBOX...: each mailbox goes from the servers where it
// exists and from the database (with its states and UID mapping), on the
// --target(s) selected. Not recursive: children stay, as IMAP DELETE leaves
// them. INBOX cannot be deleted (RFC 3501 6.3.4).
#pragma once

#include "commands/command_session.hpp"

namespace interimap::commands {

/// Mailboxes are handled in the order given; the first failure stops the
/// command, earlier deletions stand.
Result<void> run_delete(const CommandSettings& settings, Logger& logger,
                        plugin::PluginLoader& plugins);

} // namespace interimap::commands
