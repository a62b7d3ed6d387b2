// interimap --repair: damage a normal run cannot see (a change hidden behind
// the recorded HIGHESTMODSEQ, a forgotten mapping row, a message gone on one
// side) is found by downloading the UID, MODSEQ and flags of every message on
// both servers and comparing them with the mapping, as interimap(1)
// describes. Each anomaly is reported with the reference's words and fixed;
// new messages are then copied and the state stored, as a sync does.
#pragma once

#include "async/task.hpp"
#include "sync/mailbox_sync.hpp"
#include "sync/selected_mailbox.hpp"
#include "sync/uid_set.hpp"

#include <cstdint>
#include <interimap/result.hpp>
#include <interimap/state_store.hpp>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace interimap::sync {

/// One message as UID FETCH (MODSEQ FLAGS) reports it.
struct MessageFlags {
    std::uint64_t modseq = 0;
    FlagList flags;
};

/// One server's mailbox as the repair compares it.
struct RepairSideView {
    /// Every message that exists, by UID.
    std::map<Uid, MessageFlags> messages;
    /// UIDs reported VANISHED since `highestmodseq` (below `uidnext`).
    std::set<Uid> vanished;
    /// The recorded state: messages below `uidnext` are known (a message
    /// there without a mapping is a forgotten one), changes up to
    /// `highestmodseq` were synchronised.
    Uid uidnext = 1;
    std::uint64_t highestmodseq = 0;
};

/// A warning, in the context of one server's mailbox or of none.
struct RepairWarning {
    std::optional<Side> side;
    std::string text;

    friend bool operator==(const RepairWarning&, const RepairWarning&) = default;
};

/// What the comparison decided, in the order the reference acts: the pair
/// warnings, the removals, the mapping rows forgotten, the flag updates,
/// the warnings about unmatched UIDs, then the copies.
struct RepairPlan {
    std::vector<RepairWarning> pair_warnings;
    std::vector<Uid> remove_local, remove_remote;
    /// Local UIDs of the pairs to forget.
    std::vector<Uid> forget;
    std::map<FlagList, std::vector<Uid>> update_local, update_remote;
    std::vector<RepairWarning> unmatched_warnings;
    /// Messages to copy to the other server, in ascending order.
    std::vector<Uid> copy_from_local, copy_from_remote;
};

/// Compares the servers with the mapping (`pairs`, in any order; they are
/// looked at by ascending local UID). `display` names the mailbox in the
/// warnings.
RepairPlan plan_repair(std::vector<UidPair> pairs, const RepairSideView& local,
                       const RepairSideView& remote, const std::string& display);

/// Repairs `mailbox` (a database record; one never synchronised is left
/// alone, as the reference does), then copies new messages and stores the
/// state.
async::Task<Result<void>> repair_mailbox(SyncContext& context, const MailboxRecord& mailbox);

} // namespace interimap::sync
