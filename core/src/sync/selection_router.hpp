// Which mailbox a server has selected, while SELECTs are pipelined with the
// commands of several mailboxes. A SELECT is sent without waiting for the
// commands before it, so untagged data (VANISHED, FETCH, EXISTS, response
// codes) cannot be attributed by looking at what we sent last: the router
// attributes it by what the server said. With QRESYNC enabled, a server
// leaving a mailbox for another says "* OK [CLOSED]" before any response
// about the new one (RFC 7162 3.2.11), so data goes to the previously
// selected mailbox until that CLOSED, then to the one the next SELECT enters.
#pragma once

#include "imap/connection.hpp"
#include "sync/selected_mailbox.hpp"

#include <deque>
#include <memory>

namespace interimap::sync {

class SelectionRouter {
public:
    /// Becomes the unsolicited-response handler of `connection`.
    explicit SelectionRouter(imap::Connection& connection);
    ~SelectionRouter();
    SelectionRouter(const SelectionRouter&) = delete;
    SelectionRouter& operator=(const SelectionRouter&) = delete;

    imap::Connection& connection() { return connection_; }

    /// Sends `select` (a SELECT of `mailbox`'s server name) and routes what
    /// the server says about that mailbox to `mailbox` from its CLOSED on.
    imap::PendingCommand send_select(imap::Command select,
                                     const std::shared_ptr<SelectedMailbox>& mailbox);

    /// The server still has a mailbox selected from before this router (a
    /// previous round left it): the first SELECT then enters with [CLOSED]
    /// like the others, and what comes before it goes nowhere.
    void selected_before();

    /// True if, once every command sent so far has run, `mailbox` is the
    /// server's selected mailbox: commands about it need no SELECT first.
    bool selected_last(const SelectedMailbox* mailbox) const { return last_sent_.get() == mailbox; }

    /// An untagged response nobody collected.
    void route(const imap::Response& r);

    /// A SELECT failed: the server has no mailbox selected, and what it
    /// says next can no longer be attributed with certainty (the SELECTs
    /// after it enter without [CLOSED]). The run stops: every later check
    /// of a SELECT fails and untagged data is dropped rather than given to
    /// a mailbox it may not be about.
    bool broken() const { return state_->broken; }

private:
    /// Shared with the SELECTs in flight, which may outlive the router.
    struct State {
        /// Receives data now: the mailbox selected as far as the responses
        /// read so far tell.
        std::shared_ptr<SelectedMailbox> current;
        /// SELECTs sent whose CLOSED has not arrived yet, oldest first.
        std::deque<std::shared_ptr<SelectedMailbox>> entering;
        bool broken = false;
    };
    imap::Connection& connection_;
    std::shared_ptr<State> state_ = std::make_shared<State>();
    /// The mailbox of the last SELECT sent (held so that its address is
    /// not reused by another mailbox while we compare against it).
    std::shared_ptr<SelectedMailbox> last_sent_;
};

} // namespace interimap::sync
