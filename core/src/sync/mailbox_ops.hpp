// Commands on one mailbox of one server, each pipelined: every chunk of a
// long UID set is sent before the first answer is awaited. Mailboxes are
// synchronised side by side on one connection, so each function first sends
// a SELECT of its mailbox when the commands sent so far leave another one
// selected (QRESYNC from what this mailbox already knows: nothing is lost
// and nothing reported twice), in the same breath as its own commands.
#pragma once

#include "async/task.hpp"
#include "sync/side.hpp"
#include "sync/uid_set.hpp"

#include <cstdint>
#include <interimap/log.hpp>
#include <interimap/result.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace interimap::sync {

/// QRESYNC parameters of a SELECT (RFC 7162 3.2.5).
struct QresyncParams {
    std::uint32_t uidvalidity = 0;
    std::uint64_t modseq = 0;
    std::string known_uids;      ///< "1:UIDNEXT-1"
    std::string sequence_sample; ///< message sequence match data: seqs
    std::string uid_sample;      ///< ... and the matching UIDs
};

/// SELECTs `server_name` (with QRESYNC when `qresync` is set); from then
/// on `side.selected` receives what the server says about it.
async::Task<Result<void>> select_mailbox(SyncSide& side, const std::string& server_name,
                                         const std::optional<QresyncParams>& qresync);

/// A SELECT sent ahead of commands, to be checked once answered.
struct SentSelect {
    std::optional<imap::PendingCommand> command;
    std::uint32_t uidvalidity = 0; ///< what it must still be (0: unknown yet)
};

/// Sends a SELECT of `side`'s mailbox unless it is the server's selected
/// mailbox once the commands sent so far have run. Commands about the
/// mailbox must be sent right after, before anything is awaited.
SentSelect reselect_if_needed(SyncSide& side);
/// Sends a SELECT of `side`'s mailbox in any case (QRESYNC from what it
/// knows): what changed since, and the HIGHESTMODSEQ now.
SentSelect reselect(SyncSide& side);

/// Awaits and checks a SELECT: it succeeded, the mailbox has MODSEQs, and
/// its UIDVALIDITY did not change since we last selected it.
async::Task<Result<void>> check_select(SyncSide& side, SentSelect& sent);

/// Sends `verb SET tail` for each of `sets` with `options` (after a SELECT
/// if needed), all before the first answer is awaited, then awaits every
/// one, whatever happens: until a command completes, its answers go to the
/// handlers in `options`. Response codes go to the selected mailbox. The
/// completions, or the first failure (`what`: the error's wording).
async::Task<Result<std::vector<imap::Completion>>>
send_per_set(SyncSide& side, const std::vector<std::string>& sets, const char* verb,
             const char* tail, const char* what, const imap::CommandOptions& options = {});

/// UID FETCH (MODSEQ FLAGS) of `uids`: the answers land in the selected
/// mailbox's pending flag updates.
async::Task<Result<void>> fetch_flags(SyncSide& side, const std::vector<Uid>& uids);

/// Removes `uids`: UID STORE +FLAGS.SILENT (\Deleted) then UID EXPUNGE.
/// Those the server does not report VANISHED are warned about, as the
/// reference does ("Couldn't UID EXPUNGE").
async::Task<Result<void>> remove_messages(SyncSide& side, const std::vector<Uid>& uids,
                                          Logger& logger);

/// Sets the flags of `uids` to `flags` unless they changed since `modseq`
/// (UNCHANGEDSINCE); returns the UIDs the server refused ([MODIFIED]).
async::Task<Result<std::vector<Uid>>> push_flags(SyncSide& side, const std::string& flags,
                                                 const std::vector<Uid>& uids, std::uint64_t modseq,
                                                 Logger& logger);

/// push_flags for several flag lists, every command sent before the first
/// answer is awaited.
async::Task<Result<void>> push_flag_groups(SyncSide& side,
                                           const std::map<std::string, std::vector<Uid>>& groups,
                                           std::uint64_t modseq, Logger& logger);

/// Completion check shared by the commands here: NO/BAD becomes an error
/// naming the command and the server's text.
Result<imap::Completion> expect_ok(Result<imap::Completion> done, const SyncSide& side,
                                   const std::string& what);

} // namespace interimap::sync
