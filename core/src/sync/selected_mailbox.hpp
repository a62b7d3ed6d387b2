// What a server tells about the mailbox selected on one connection: its
// UIDVALIDITY / UIDNEXT / HIGHESTMODSEQ, and the changes reported since
// (VANISHED UIDs, flag updates with their MODSEQ) that are not processed yet.
// It receives what the SelectionRouter attributes to this mailbox.
#pragma once

#include "imap/response.hpp"
#include "sync/uid_set.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace interimap::sync {

/// A message's flags as one string: sorted, space-separated, without \Recent,
/// so that two servers' lists compare equal when they hold the same flags.
using FlagList = std::string;

FlagList normalise_flags(const imap::Value& list);
/// Union of two flag lists, as a FlagList.
FlagList union_flags(const FlagList& a, const FlagList& b);

struct FlagUpdate {
    std::uint64_t modseq = 0;      ///< 0: unknown, FETCH it again
    std::optional<FlagList> flags; ///< nullopt: unknown, FETCH it again
};

/// The parts of one FETCH response a sync needs.
struct FetchData {
    std::optional<Uid> uid;
    std::optional<FlagList> flags;
    std::optional<std::uint64_t> modseq;
    std::optional<std::string> internal_date;
    std::optional<std::uint64_t> size;     ///< RFC822.SIZE
    const imap::Value* body = nullptr;     ///< BODY[] / RFC822 (string or NIL)
    const imap::Value* envelope = nullptr; ///< ENVELOPE
};

/// Reads the attributes of `* N FETCH (...)`. nullopt when malformed.
std::optional<FetchData> parse_fetch(const imap::Response& r);

/// "sender@host" of an ENVELOPE's first From/Sender/Reply-To address, or "".
std::string envelope_sender(const imap::Value* envelope);

class SelectedMailbox {
public:
    explicit SelectedMailbox(std::string server_name) : name(std::move(server_name)) {}

    /// Feeds an untagged response (or the code of a tagged one).
    void handle(const imap::Response& r);
    void handle_code(const imap::ResponseCode& code);

    /// Takes the pending VANISHED UIDs and flag updates.
    std::vector<Uid> take_vanished();
    std::map<Uid, FlagUpdate> take_modified();
    bool has_pending() const { return !vanished_.empty() || !modified_.empty(); }

    /// Of `uids`, which we expunged, takes those the server reported
    /// VANISHED (they are done, not news) and returns them; pending flag
    /// updates about any of `uids` are dropped.
    std::vector<Uid> take_expunged(const std::vector<Uid>& uids);
    /// `uids` were expunged by us: a later VANISHED about them (a SELECT
    /// reporting what vanished since a MODSEQ) is not news.
    void forget_our_expunges(const std::vector<Uid>& uids) {
        ours_expunged_.insert(uids.begin(), uids.end());
    }
    /// Set when our UID EXPUNGE did not tell the HIGHESTMODSEQ after it: the
    /// one we know is too low to be stored (the next run would be told of
    /// our own expunges and not recognise them).
    bool modseq_after_ours_unknown = false;
    /// Takes the flag updates to `uids` that only echo `flags`, which we set,
    /// and returns their UIDs: the messages the server says it changed.
    std::vector<Uid> take_echoes(const std::vector<Uid>& uids, const FlagList& flags);
    /// Marks `uids` as changed with unknown flags: they must be fetched again.
    void mark_unknown(const std::vector<Uid>& uids);
    /// Puts back an update taken but not processed yet.
    void mark_known(Uid uid, const FlagUpdate& update) { modified_[uid] = update; }

    std::string name;
    std::optional<std::uint32_t> uidvalidity;
    std::optional<std::uint32_t> uidnext;
    std::optional<std::uint64_t> highestmodseq;
    bool nomodseq = false;
    std::uint64_t exists = 0;
    bool read_only = false;
    /// Set when a response could not be understood; the sync must stop.
    std::optional<std::string> protocol_error;

private:
    void record_flags(const FetchData& f);
    std::vector<Uid> vanished_;
    std::map<Uid, FlagUpdate> modified_;
    std::set<Uid> ours_expunged_;
};

} // namespace interimap::sync
