// The steps of a synchronisation round on an open session: reconcile the
// mailbox lists, choose the mailboxes to synchronise (checking every
// UIDVALIDITY first), then synchronise them side by side. A run without
// --watch is one round; --watch repeats them on the same session.
#pragma once

#include "app/run_session.hpp"
#include "async/task.hpp"
#include "sync/mailbox_filter.hpp"
#include "sync/mailbox_news.hpp"

#include <functional>
#include <interimap/result.hpp>
#include <interimap/state_store.hpp>
#include <optional>
#include <vector>

namespace interimap::app {

enum class Action { synchronise, repair };

/// Reconciles the mailbox lists of the session's last LIST with the
/// database; the mailboxes to synchronise, stored names.
async::Task<Result<std::vector<StoredMailboxName>>>
reconcile_mailbox_lists(RunSession& session, const sync::MailboxFilter* filter);

/// What a server currently says about a mailbox's UIDVALIDITY, if anything.
using UidvalidityOf =
    std::function<std::optional<std::uint32_t>(Side side, const StoredMailboxName& mailbox)>;

/// The database records of `mailboxes` that `dirty` selects, in order. A
/// UIDVALIDITY `current` reports different from the recorded one, for any
/// of `mailboxes`, fails before anything is synchronised.
Result<std::vector<MailboxRecord>>
choose_mailboxes(RunSession& session, const std::vector<StoredMailboxName>& mailboxes,
                 const UidvalidityOf& current,
                 const std::function<bool(const MailboxRecord&)>& dirty);

/// The mailboxes to synchronise by the session's last LIST-STATUS (every one
/// the database knows for a repair).
Result<std::vector<MailboxRecord>>
listed_mailboxes(RunSession& session, const std::vector<StoredMailboxName>& names, Action action);

struct RoundOptions {
    Action action = Action::synchronise;
    /// A previous round left a mailbox selected on both servers (no
    /// UNSELECT): what they say until the first SELECT closes it is about
    /// that mailbox.
    bool mailbox_left_selected = false;
    /// With --notify: takes the notifications that arrive meanwhile.
    sync::MailboxNews* news = nullptr;
};

/// Synchronises (or repairs) `todo`, each mailbox driving both servers at
/// once, several mailboxes side by side (a repair one at a time).
async::Task<Result<void>>
synchronise_mailboxes(RunSession& session, std::vector<MailboxRecord> todo, RoundOptions options);

} // namespace interimap::app
