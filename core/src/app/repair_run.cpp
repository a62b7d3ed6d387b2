#include "app/repair_run.hpp"

#include "async/task.hpp"
#include "sync/mailbox_filter.hpp"
#include "sync/mailbox_list_sync.hpp"
#include "sync/mailbox_sync.hpp"
#include "sync/repair.hpp"

namespace interimap::app {

namespace {

/// The recorded UIDVALIDITY against the one LIST-STATUS reported, for a
/// mailbox on one server (nothing to check if either is unknown).
Result<void> check_listed_uidvalidity(const sync::SideListing& listing, Side side,
                                      const StoredMailboxName& name,
                                      const std::optional<MailboxState>& recorded) {
    auto server_name = listing.naming.to_server(name);
    if (!recorded || !server_name)
        return ok();
    auto it = listing.listing.mailboxes.find(*server_name);
    if (it == listing.listing.mailboxes.end() || !it->second.status ||
        !it->second.status->uidvalidity)
        return ok();
    return sync::check_uidvalidity(side, *server_name, recorded->uidvalidity,
                                   it->second.status->uidvalidity);
}

async::Task<Result<void>> repair(RunSession& session, const sync::MailboxFilter* filter) {
    sync::SideListing& local_listing = session.side(Side::local);
    sync::SideListing& remote_listing = session.side(Side::remote);
    auto outcome = co_await sync::sync_mailbox_list(local_listing, remote_listing, session.store(),
                                                    filter, session.logger());
    if (!outcome)
        co_return Fail(std::move(outcome).error());

    // As for a sync, a changed UIDVALIDITY anywhere stops the run before
    // anything is modified.
    std::vector<MailboxRecord> records;
    for (const StoredMailboxName& name : outcome->mailboxes) {
        auto record = session.store().find_mailbox(name);
        if (!record)
            co_return Fail(in_context(std::move(record).error(), "database"));
        if (!*record)
            continue; // not in the database: nothing to compare with
        INTERIMAP_CO_TRY(
            check_listed_uidvalidity(local_listing, Side::local, name, (*record)->local));
        INTERIMAP_CO_TRY(
            check_listed_uidvalidity(remote_listing, Side::remote, name, (*record)->remote));
        records.push_back(std::move(**record));
    }

    sync::SyncSide local{Side::local, local_listing.connection, local_listing.naming, nullptr};
    sync::SyncSide remote{Side::remote, remote_listing.connection, remote_listing.naming, nullptr};
    sync::SyncContext context{&local, &remote, &session.store(), &session.logger()};
    for (const MailboxRecord& record : records) {
        auto r = co_await sync::repair_mailbox(context, record);
        if (!r)
            co_return r;
    }
    co_return ok();
}

} // namespace

Result<void> run_repair(const SyncSettings& settings, Logger& logger, plugin::PluginLoader& plugins,
                        std::unique_ptr<RunSession>& session) {
    std::unique_ptr<sync::MailboxFilter> filter;
    if (settings.ignore_mailbox && !settings.patterns_from_command_line) {
        auto f = sync::MailboxFilter::compile(*settings.ignore_mailbox);
        if (!f)
            return Fail(std::move(f).error());
        filter = std::move(*f);
    }
    SessionSettings listing{settings.local,
                            settings.remote,
                            settings.database,
                            settings.patterns,
                            settings.list_select_opts,
                            true,
                            false,
                            false};
    INTERIMAP_TRY(RunSession::open(listing, logger, plugins, session));
    auto task = repair(*session, filter.get());
    INTERIMAP_TRY(session->run(task));
    return session->finish();
}

} // namespace interimap::app
