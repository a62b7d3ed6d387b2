// Copying new messages from one server to the other: UID FETCH of body,
// flags and INTERNALDATE, APPENDed to the other side as they arrive (in
// MULTIAPPEND batches when the target has it), the UID mapping taken from
// APPENDUID and committed per batch.
#pragma once

#include "async/task.hpp"
#include "sync/side.hpp"
#include "sync/uid_set.hpp"

#include <cstdint>
#include <interimap/log.hpp>
#include <interimap/result.hpp>
#include <interimap/state_store.hpp>
#include <string>
#include <vector>

namespace interimap::sync {

struct CopyOutcome {
    std::vector<Uid> source_uids; ///< copied, in order
    std::vector<Uid> target_uids; ///< their new UIDs
    Uid highest_source_uid = 0;   ///< highest UID seen in the FETCH answers
};

struct CopyJob {
    SyncSide* source = nullptr;
    SyncSide* target = nullptr;
    /// UID sets to FETCH from the source (each one command).
    std::vector<std::string> fetch_sets;
    MailboxId mailbox = 0;
    StateStore* store = nullptr;
    Logger* logger = nullptr;
    /// Log "UID N from <sender> (date)" for each message, as the reference
    /// does when --repair downloads a message again (not for new ones).
    bool announce_sources = false;
};

/// Copies; the job and what it points to outlive the task.
async::Task<Result<CopyOutcome>> copy_messages(const CopyJob& job);

/// Sets covering [from, last] without the UIDs of `skip`; empty if nothing
/// is left.
std::vector<std::string> range_excluding(Uid from, std::vector<Uid> skip, Uid last = 0xFFFFFFFFu);

} // namespace interimap::sync
