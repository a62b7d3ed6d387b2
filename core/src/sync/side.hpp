// One server as the synchronisation of one mailbox sees it: the connection
// (shared with the other mailboxes synchronised at the same time, through
// its SelectionRouter), how mailbox names map to the stored ones, and what
// the server said about this mailbox.
#pragma once

#include "imap/connection.hpp"
#include "log/error_context.hpp"
#include "sync/copy_turns.hpp"
#include "sync/mailbox_list.hpp"
#include "sync/selected_mailbox.hpp"
#include "sync/selection_router.hpp"

#include <interimap/state_store.hpp>
#include <memory>
#include <string>

namespace interimap::sync {

struct SyncSide {
    Side which = Side::local;
    imap::Connection* connection = nullptr;
    MailboxNaming naming{"", std::nullopt};
    std::shared_ptr<SelectedMailbox> selected;
    SelectionRouter* router = nullptr;
    CopyTurns* copy_turns = nullptr;

    const char* name() const { return side_name(which); }
    /// Log context "local(INBOX)" for this mailbox.
    LogContext context() const {
        return LogContext{name(), selected ? std::string_view(selected->name) : std::string_view{}};
    }
    /// The same for an Error's context (see log/error_context.hpp): an
    /// error about a command on this mailbox says which mailbox, as the
    /// reference does.
    std::string where() const {
        return log::error_context(name(), selected ? std::string_view(selected->name) : "");
    }
};

} // namespace interimap::sync
