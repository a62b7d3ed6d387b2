// Listing a server's mailboxes with their STATUS in one round trip
// (LIST-EXTENDED RETURN (SUBSCRIBED STATUS ...), RFC 5258 / RFC 5819), and
// the translation between a server's names and the stored form, where the
// reference prefix is trimmed and the hierarchy delimiter becomes NUL.
#pragma once

#include "async/task.hpp"
#include "imap/connection.hpp"

#include <cstdint>
#include <interimap/result.hpp>
#include <interimap/state_store.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace interimap::sync {

struct ListedMailbox {
    std::string name;              ///< as the server spells it
    std::optional<char> delimiter; ///< nullopt for a flat name (NIL)
    std::vector<std::string> attributes;
    bool subscribed = false;
    bool selectable = true; ///< not \NoSelect nor \NonExistent
    std::optional<MailboxState> status;
};

struct ListRequest {
    std::string reference;             ///< list-reference
    std::vector<std::string> patterns; ///< list-mailbox or MAILBOX arguments; empty = "*"
    std::string select_options;        ///< list-select-opts, upper-cased
    bool with_status = true;           ///< RETURN (STATUS ...) needs LIST-STATUS
    /// The hierarchy delimiter an earlier LIST of the session found (nullopt
    /// inside: a flat namespace); set, it is not asked for again.
    std::optional<std::optional<char>> known_delimiter;
};

struct MailboxListing {
    std::map<std::string, ListedMailbox> mailboxes; ///< by server name
    std::optional<char> delimiter;                  ///< of the listed hierarchy
};

/// Lists mailboxes. Patterns may contain NUL for the hierarchy delimiter;
/// the delimiter is then looked up first (LIST ref "").
async::Task<Result<MailboxListing>> list_mailboxes(imap::Connection& connection,
                                                   const ListRequest& request);

/// Maps server names to stored names and back for one side.
class MailboxNaming {
public:
    MailboxNaming(std::string reference, std::optional<char> delimiter)
        : reference_(std::move(reference)), delimiter_(delimiter) {}

    /// Stored form of a server name, or nullopt if outside the reference.
    std::optional<StoredMailboxName> to_stored(const std::string& server_name) const;
    /// Server form of a stored name; fails on a NUL in a flat namespace.
    Result<std::string> to_server(const StoredMailboxName& stored) const;
    /// For messages: the stored name with NUL shown as this side's delimiter.
    std::optional<char> delimiter() const { return delimiter_; }

private:
    std::string reference_;
    std::optional<char> delimiter_;
};

/// A stored name for messages, NULs shown as `delimiter` (the database's own
/// messages use the local delimiter, as the reference does).
std::string display_name(const StoredMailboxName& stored, std::optional<char> delimiter);

/// "\"/\"" or NIL, as the reference prints delimiters.
std::string print_delimiter(std::optional<char> delimiter);

} // namespace interimap::sync
