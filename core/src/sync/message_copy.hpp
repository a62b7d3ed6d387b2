// Copying new messages from one server to the other: UID FETCH of body,
// flags and INTERNALDATE, APPENDed to the other side as they arrive (in
// MULTIAPPEND batches when the target has it), the UID mapping taken from
// APPENDUID and committed per batch.
#pragma once

#include "async/task.hpp"
#include "sync/copy_turns.hpp"
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

/// Copies; the job and what it points to outlive the task. Memory stays
/// bounded only under a FlowControl of the two connections.
async::Task<Result<CopyOutcome>> copy_messages(const CopyJob& job);

/// For as long as it lives, a connection is read only while the other one
/// keeps up with what we give it to send (bodies being copied), so that
/// memory stays bounded whatever the size of the mailboxes: a source is
/// not read faster than its target accepts appends. A connection that lags
/// as much itself is read anyway (its server may wait for us to read its
/// answers before it takes our appends); what it then sends is bounded by
/// the FETCH window of CopyTurns.
class FlowControl {
public:
    FlowControl(imap::Connection& a, CopyTurns& a_turns, imap::Connection& b, CopyTurns& b_turns);
    ~FlowControl();
    FlowControl(const FlowControl&) = delete;
    FlowControl& operator=(const FlowControl&) = delete;

private:
    imap::Connection& a_;
    imap::Connection& b_;
};

/// Sets covering [from, last] without the UIDs of `skip`; empty if nothing
/// is left.
std::vector<std::string> range_excluding(Uid from, std::vector<Uid> skip, Uid last = 0xFFFFFFFFu);

} // namespace interimap::sync
