// Commands on the selected mailbox of one server, each pipelined: every
// chunk of a long UID set is sent before the first answer is awaited.
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

/// SELECTs `server_name` (with QRESYNC when `qresync` is set) and makes the
/// SelectedMailbox of `side` receive the responses.
async::Task<Result<void>> select_mailbox(SyncSide& side, const std::string& server_name,
                                         const std::optional<QresyncParams>& qresync);

/// UID FETCH (MODSEQ FLAGS) of `uids`: the answers land in the selected
/// mailbox's pending flag updates.
async::Task<Result<void>> fetch_flags(SyncSide& side, const std::vector<Uid>& uids);

/// Removes `uids`: UID STORE +FLAGS.SILENT (\Deleted) then UID EXPUNGE.
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
