// One server as the synchronisation sees it: its connection, how its mailbox
// names map to the stored ones, and the mailbox it has selected.
#pragma once

#include "imap/connection.hpp"
#include "sync/mailbox_list.hpp"
#include "sync/selected_mailbox.hpp"

#include <interimap/state_store.hpp>
#include <memory>

namespace interimap::sync {

struct SyncSide {
    Side which = Side::local;
    imap::Connection* connection = nullptr;
    MailboxNaming naming{"", std::nullopt};
    std::unique_ptr<SelectedMailbox> selected;

    const char* name() const { return side_name(which); }
    /// Log context "local(INBOX)" for the selected mailbox.
    LogContext context() const {
        return LogContext{name(), selected ? std::string_view(selected->name) : std::string_view{}};
    }
};

} // namespace interimap::sync
