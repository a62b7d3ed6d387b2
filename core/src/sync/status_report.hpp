// What a STATUS response (RFC 3501 7.2.4) says about a mailbox: the answer
// to LIST-STATUS, and what NOTIFY (RFC 5465) sends when a mailbox changes,
// which carries only the items that changed (a flag change: HIGHESTMODSEQ
// alone).
#pragma once

#include "imap/response.hpp"

#include <cstdint>
#include <interimap/state_store.hpp>
#include <optional>
#include <string>

namespace interimap::sync {

struct StatusReport {
    std::string mailbox; ///< as the server spells it; INBOX in any case is "INBOX"
    std::optional<std::uint32_t> uidvalidity;
    std::optional<std::uint32_t> uidnext;
    std::optional<std::uint64_t> highestmodseq;

    /// Takes the items `later` reports over ours.
    void merge(const StatusReport& later);
};

/// Parses "* STATUS name (UIDNEXT n HIGHESTMODSEQ n ...)". nullopt when
/// malformed (an item without a number, a number over 64 bits).
std::optional<StatusReport> parse_status_report(const imap::Response& r);

/// True if `report` tells of changes the database has not seen: nothing is
/// recorded, another UIDVALIDITY, or a UIDNEXT or HIGHESTMODSEQ past the
/// recorded one. Past, not different: both only grow, so a smaller value is
/// a report older than the last synchronisation (the echo of our own
/// APPEND or STORE, sent while we were still at it).
bool reports_news(const std::optional<MailboxState>& recorded, const StatusReport& report);

} // namespace interimap::sync
