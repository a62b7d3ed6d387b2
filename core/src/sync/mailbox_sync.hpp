// Synchronising one mailbox, as interimap(1) describes: SELECT both sides
// (QRESYNC), propagate vanished messages and flag updates (repeating while
// the servers report more), copy new messages both ways, then store
// UIDNEXT and HIGHESTMODSEQ last.
#pragma once

#include "async/task.hpp"
#include "sync/message_copy.hpp"
#include "sync/side.hpp"

#include <interimap/log.hpp>
#include <interimap/result.hpp>
#include <interimap/state_store.hpp>

namespace interimap::sync {

struct SyncContext {
    SyncSide* local = nullptr;
    SyncSide* remote = nullptr;
    StateStore* store = nullptr;
    Logger* logger = nullptr;
    /// Set when another mailbox synchronised at the same time failed: the
    /// run stops, each mailbox after the commands it has in flight.
    const bool* stop = nullptr;

    /// Also after a failed SELECT on either connection: what the servers
    /// said since cannot be trusted to be about the right mailbox.
    bool stopped() const {
        return (stop && *stop) || (local && local->router && local->router->broken()) ||
               (remote && remote->router && remote->router->broken());
    }
};

struct Mapping;

/// SELECTs `mailbox` on both servers at once (QRESYNC from its recorded
/// state), checks UIDVALIDITY, loads its UID mapping into `mapping` and maps
/// the copies an interrupted run left in flight.
async::Task<Result<void>> open_mailbox(SyncContext& context, const MailboxRecord& mailbox,
                                       Mapping& mapping);

/// Runs both copies at once (one without UID sets does nothing) and adds
/// what they copied to `mapping`. The jobs outlive the task.
async::Task<Result<std::pair<CopyOutcome, CopyOutcome>>>
copy_both_ways(const CopyJob& to_local, const CopyJob& to_remote, Mapping& mapping);

/// Synchronises `mailbox` (a database record, states possibly unknown).
async::Task<Result<void>> sync_mailbox(SyncContext& context, const MailboxRecord& mailbox);

/// The reference's abort when a server changed a mailbox's UIDVALIDITY: its
/// UIDs no longer name the messages the database maps.
Result<void> check_uidvalidity(Side side, const std::string& server_name, std::uint32_t recorded,
                               std::uint32_t current);

/// True if the LIST-STATUS values differ from what the database recorded
/// (or nothing is recorded yet).
bool is_dirty(const MailboxRecord& mailbox, const std::optional<MailboxState>& local_status,
              const std::optional<MailboxState>& remote_status);

} // namespace interimap::sync
