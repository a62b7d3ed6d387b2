// Picking up after an interruption (a crash, a kill, a lost connection):
//  - copies recorded as in flight (PendingAppend) are looked for on their
//    target; those found are mapped instead of being copied again;
//  - pairs mapped beyond the stored UIDNEXT (copied, but the run ended
//    before the state was stored) are checked on both servers: a message
//    gone on one side is removed on the other, differing flags get their
//    union, as the reference's "full synchronisation" of the range does.
#pragma once

#include "async/task.hpp"
#include "sync/mailbox_sync.hpp"
#include "sync/uid_set.hpp"

#include <interimap/result.hpp>
#include <interimap/state_store.hpp>
#include <unordered_map>
#include <vector>

namespace interimap::sync {

/// The UID mapping of the mailbox being synchronised, both ways.
struct Mapping {
    std::unordered_map<Uid, Uid> local_to_remote;
    std::unordered_map<Uid, Uid> remote_to_local;

    void add(UidPair p) {
        local_to_remote[p.local] = p.remote;
        remote_to_local[p.remote] = p.local;
    }
    void remove_local(Uid l) {
        auto it = local_to_remote.find(l);
        if (it == local_to_remote.end())
            return;
        remote_to_local.erase(it->second);
        local_to_remote.erase(it);
    }
    const std::unordered_map<Uid, Uid>& from(Side side) const {
        return side == Side::local ? local_to_remote : remote_to_local;
    }
};

/// Maps the copies of `pending` found on their targets and forgets them all.
async::Task<Result<void>> recover_pending_copies(SyncContext& context, MailboxId mailbox,
                                                 const std::vector<PendingAppend>& pending,
                                                 Mapping& mapping);

/// Checks the pairs with a UID at or beyond `local_uidnext` / `remote_uidnext`.
async::Task<Result<void>> resume_interrupted_pairs(SyncContext& context, MailboxId mailbox,
                                                   const StoredMailboxName& name, Mapping& mapping,
                                                   Uid local_uidnext, Uid remote_uidnext);

} // namespace interimap::sync
