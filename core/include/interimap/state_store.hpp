// The synchronisation state: known mailboxes, the last clean UIDVALIDITY /
// UIDNEXT / HIGHESTMODSEQ of each on both servers, and the local <-> remote
// UID mapping. The sqlite plugin stores it in interimap 0.5's schema.
#pragma once

#include <cstdint>
#include <filesystem>
#include <interimap/export.hpp>
#include <interimap/log.hpp>
#include <interimap/result.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace interimap {

/// Which server a value belongs to.
enum class Side { local, remote };

inline const char* side_name(Side s) {
    return s == Side::local ? "local" : "remote";
}

/// Row id of a mailbox in the store.
using MailboxId = std::int64_t;

/// A mailbox name as stored: the server's hierarchy delimiter replaced by a
/// NUL byte, so that a delimiter change on a server does not rename anything.
using StoredMailboxName = std::string;

/// What was last synchronised of a mailbox on one server. uidnext and
/// highestmodseq are 0 until the first synchronisation of the mailbox.
struct MailboxState {
    std::uint32_t uidvalidity = 0;
    std::uint32_t uidnext = 0;
    std::uint64_t highestmodseq = 0;

    friend bool operator==(const MailboxState&, const MailboxState&) = default;
};

struct MailboxRecord {
    MailboxId id = 0;
    StoredMailboxName name;
    bool subscribed = false;
    std::optional<MailboxState> local;
    std::optional<MailboxState> remote;
};

/// One replicated message: its UID on each server.
struct UidPair {
    std::uint32_t local = 0;
    std::uint32_t remote = 0;

    friend bool operator==(const UidPair&, const UidPair&) = default;
};

/// A copy in flight: recorded before the APPEND that creates it, removed in
/// the transaction that records its mapping. After an interruption, the
/// message found on `target` with this fingerprint is the copy, and is not
/// copied again.
struct PendingAppend {
    Side target = Side::local;        ///< the server receiving the copy
    std::uint32_t source_uid = 0;     ///< the original, on the other server
    std::uint32_t min_target_uid = 0; ///< the copy's UID is at least this
    std::string fingerprint;          ///< identifies the message bytes

    friend bool operator==(const PendingAppend&, const PendingAppend&) = default;
};

/// An open, exclusively locked state store. Changes happen inside a
/// transaction: nothing is visible to a later run until commit().
class INTERIMAP_EXPORT StateStore {
public:
    virtual ~StateStore();

    virtual Result<void> begin() = 0;
    virtual Result<void> commit() = 0;
    virtual Result<void> rollback() = 0;

    virtual Result<std::vector<MailboxRecord>> mailboxes() = 0;
    virtual Result<std::optional<MailboxRecord>> find_mailbox(const StoredMailboxName& name) = 0;
    /// Adds a mailbox; fails if the name exists.
    virtual Result<MailboxId> add_mailbox(const StoredMailboxName& name, bool subscribed) = 0;
    virtual Result<void> set_subscribed(MailboxId id, bool subscribed) = 0;
    virtual Result<void> rename_mailbox(MailboxId id, const StoredMailboxName& new_name) = 0;
    /// Removes the mailbox, its states and its mapping.
    virtual Result<void> delete_mailbox(MailboxId id) = 0;

    /// Inserts or replaces the state of a mailbox on one side.
    virtual Result<void> set_state(MailboxId id, Side side, const MailboxState& state) = 0;

    virtual Result<std::vector<UidPair>> mapping(MailboxId id) = 0;
    virtual Result<void> add_mapping(MailboxId id, UidPair pair) = 0;
    /// Removes the pair whose UID on `side` is `uid`.
    virtual Result<void> remove_mapping(MailboxId id, Side side, std::uint32_t uid) = 0;

    /// Records copies about to be made (see PendingAppend).
    virtual Result<void> add_pending(MailboxId id, const std::vector<PendingAppend>& copies) = 0;
    /// The copies of a mailbox recorded and not yet mapped.
    virtual Result<std::vector<PendingAppend>> pending(MailboxId id) = 0;
    /// Forgets the pending copy of `source_uid` to `target`.
    virtual Result<void> clear_pending(MailboxId id, Side target, std::uint32_t source_uid) = 0;
};

using StateStorePtr = std::unique_ptr<StateStore>;

/// Opens state stores.
class INTERIMAP_EXPORT StateStoreFactory {
public:
    virtual ~StateStoreFactory();

    /// Opens (creating if needed, with its directory 0700 and the file 0600)
    /// and exclusively locks the store at `path`. A store held by another
    /// process fails at once with ErrorCode::locked. Progress messages such as
    /// schema creation go to `logger`.
    virtual Result<StateStorePtr> open(const std::filesystem::path& path, Logger& logger) = 0;
};

using StateStoreFactoryPtr = std::unique_ptr<StateStoreFactory>;

} // namespace interimap
