// --notify (RFC 5465): instead of being asked for the state of every mailbox
// each round, both servers report changes to the synchronised mailboxes as
// they happen, as untagged STATUS responses, whatever command is in flight
// and between commands. MailboxNews keeps those reports until a round
// synchronises the mailboxes they make dirty.
#pragma once

#include "imap/command.hpp"
#include "imap/connection.hpp"
#include "sync/mailbox_list_sync.hpp"
#include "sync/selection_router.hpp"
#include "sync/status_report.hpp"

#include <interimap/result.hpp>
#include <interimap/state_store.hpp>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace interimap::sync {

/// The NOTIFY commands to send, in order, for `mailboxes` (server names).
/// The first (SET STATUS) makes the server report the current state of
/// each of them at once; the second replaces it with the same events plus
/// changes to the personal namespace's mailbox list (RFC 5465 5.4, 5.5),
/// without a STATUS for every mailbox of that namespace. An empty
/// `mailboxes` leaves the MAILBOXES filter out (it needs a name).
std::vector<imap::Command> notify_commands(const std::vector<std::string>& mailboxes);

class MailboxNews {
public:
    /// Watches `mailboxes` (stored names) on the servers of `local` and
    /// `remote`, whose naming tells their server names.
    MailboxNews(const SideListing& local, const SideListing& remote,
                const std::vector<StoredMailboxName>& mailboxes);

    /// The watched mailboxes' names on `side`'s server, for NOTIFY.
    std::vector<std::string> server_names(Side side) const;

    /// Makes this the receiver of `side`'s unsolicited responses: STATUS
    /// and LIST ones are taken here, the others go to `router` (the
    /// selection of a round) if any. Outside a round, message data (EXISTS,
    /// FETCH, VANISHED) can only be about a mailbox left selected: that
    /// counts as news (selection_changed()).
    void listen(Side side, imap::Connection& connection, SelectionRouter* router = nullptr);

    /// Takes `r` if it is a notification (STATUS or LIST); true if taken.
    bool take(Side side, const imap::Response& r);

    /// What `side` reported about `mailbox` since it was last forgotten.
    const StatusReport* report(Side side, const StoredMailboxName& mailbox) const;
    /// Forgets the reports about `mailbox`: a round synchronises it now and
    /// reads its current state.
    void forget(const StoredMailboxName& mailbox);

    /// Something was reported since the last clear_news().
    bool has_news() const { return news_; }
    void clear_news();
    /// The mailbox a round left selected on `side` changed meanwhile.
    bool selection_changed(Side side) const { return selection_changed_[index(side)]; }

    /// A STATUS response that could not be understood.
    const std::optional<Error>& error() const { return error_; }

private:
    static std::size_t index(Side side) { return side == Side::local ? 0 : 1; }

    /// Per side: server name -> stored name, and the reports by stored name.
    std::map<std::string, StoredMailboxName> watched_[2];
    std::map<StoredMailboxName, StatusReport> reports_[2];
    bool news_ = false;
    bool selection_changed_[2] = {false, false};
    std::optional<Error> error_;
};

} // namespace interimap::sync
