#include "app/sync_run.hpp"

#include "async/task.hpp"
#include "sync/mailbox_filter.hpp"
#include "sync/mailbox_list_sync.hpp"
#include "sync/mailbox_sync.hpp"
#include "sync/repair.hpp"

namespace interimap::app {

namespace {

std::optional<MailboxState> listed_status(const sync::SideListing& side,
                                          const StoredMailboxName& name) {
    auto server_name = side.naming.to_server(name);
    if (!server_name)
        return std::nullopt;
    auto it = side.listing.mailboxes.find(*server_name);
    if (it == side.listing.mailboxes.end())
        return std::nullopt;
    return it->second.status;
}

enum class Action { synchronise, repair };

/// The mailbox lists, then every dirty mailbox (or, to repair, every one the
/// database knows), one after the other (each one drives both servers at
/// once).
async::Task<Result<void>> run_mailboxes(RunSession& session, const sync::MailboxFilter* filter,
                                        Action action) {
    sync::SideListing& local_listing = session.side(Side::local);
    sync::SideListing& remote_listing = session.side(Side::remote);
    auto outcome = co_await sync::sync_mailbox_list(local_listing, remote_listing, session.store(),
                                                    filter, session.logger());
    if (!outcome)
        co_return Fail(std::move(outcome).error());

    sync::SyncSide local{Side::local, local_listing.connection, local_listing.naming, nullptr};
    sync::SyncSide remote{Side::remote, remote_listing.connection, remote_listing.naming, nullptr};
    sync::SyncContext context{&local, &remote, &session.store(), &session.logger()};
    // Every UIDVALIDITY is checked before anything is synchronised, so that
    // a changed one stops the run with nothing modified.
    for (const StoredMailboxName& name : outcome->mailboxes) {
        auto record = session.store().find_mailbox(name);
        if (!record)
            co_return Fail(in_context(std::move(record).error(), "database"));
        if (!*record)
            continue;
        for (const sync::SideListing* side : {&local_listing, &remote_listing}) {
            const auto& recorded = side == &local_listing ? (*record)->local : (*record)->remote;
            auto status = listed_status(*side, name);
            auto server_name = side->naming.to_server(name);
            if (recorded && status && status->uidvalidity && server_name)
                INTERIMAP_CO_TRY(sync::check_uidvalidity(
                    side == &local_listing ? Side::local : Side::remote, *server_name,
                    recorded->uidvalidity, status->uidvalidity));
        }
    }
    for (const StoredMailboxName& name : outcome->mailboxes) {
        auto record = session.store().find_mailbox(name);
        if (!record)
            co_return Fail(in_context(std::move(record).error(), "database"));
        if (!*record)
            continue;
        if (action == Action::repair) {
            auto r = co_await sync::repair_mailbox(context, **record);
            if (!r)
                co_return r;
            continue;
        }
        if (!sync::is_dirty(**record, listed_status(local_listing, name),
                            listed_status(remote_listing, name)))
            continue;
        auto r = co_await sync::sync_mailbox(context, **record);
        if (!r)
            co_return r;
    }
    co_return ok();
}

Result<void> run(const SyncSettings& settings, Logger& logger, plugin::PluginLoader& plugins,
                 std::unique_ptr<RunSession>& session, Action action) {
    std::unique_ptr<sync::MailboxFilter> filter;
    if (settings.ignore_mailbox && !settings.patterns_from_command_line) {
        auto f = sync::MailboxFilter::compile(*settings.ignore_mailbox);
        if (!f)
            return Fail(std::move(f).error());
        filter = std::move(*f);
    }
    SessionSettings listing{settings.local,    settings.remote,           settings.database,
                            settings.patterns, settings.list_select_opts, !settings.notify,
                            settings.notify,   settings.keepalive};
    INTERIMAP_TRY(RunSession::open(listing, logger, plugins, session));
    auto task = run_mailboxes(*session, filter.get(), action);
    INTERIMAP_TRY(session->run(task));
    return session->finish();
}

} // namespace

Result<void> run_sync(const SyncSettings& settings, Logger& logger, plugin::PluginLoader& plugins,
                      std::unique_ptr<RunSession>& session) {
    return run(settings, logger, plugins, session, Action::synchronise);
}

Result<void> run_repair(const SyncSettings& settings, Logger& logger, plugin::PluginLoader& plugins,
                        std::unique_ptr<RunSession>& session) {
    return run(settings, logger, plugins, session, Action::repair);
}

} // namespace interimap::app
