// Reconciling the two mailbox lists with the database (the first phase of a
// run): a mailbox on both servers and new to the database is recorded, one on
// a single server is created on the other, and subscriptions are made to
// agree, as interimap(1) describes.
#pragma once

#include "async/task.hpp"
#include "imap/connection.hpp"
#include "sync/mailbox_filter.hpp"
#include "sync/mailbox_list.hpp"

#include <interimap/log.hpp>
#include <interimap/result.hpp>
#include <interimap/state_store.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace interimap::sync {

/// One server as the mailbox-list phase sees it.
struct SideListing {
    imap::Connection* connection = nullptr;
    MailboxListing listing;
    MailboxNaming naming{"", std::nullopt};
};

struct MailboxListOutcome {
    /// Mailboxes to synchronise, stored form, in a stable order.
    std::vector<StoredMailboxName> mailboxes;
};

/// Reconciles and commits. `filter` applies unless MAILBOX arguments were given.
/// Changes to the servers are logged as info (hidden by --quiet), new
/// database entries as notices, as the reference does.
async::Task<Result<MailboxListOutcome>> sync_mailbox_list(SideListing& local, SideListing& remote,
                                                          StateStore& store,
                                                          const MailboxFilter* filter,
                                                          Logger& logger);

} // namespace interimap::sync
