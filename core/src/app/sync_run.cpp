#include "app/sync_run.hpp"

#include "async/task.hpp"
#include "sync/mailbox_filter.hpp"
#include "sync/mailbox_list_sync.hpp"
#include "sync/mailbox_sync.hpp"
#include "sync/message_copy.hpp"
#include "sync/repair.hpp"
#include "sync/selection_router.hpp"

#include <deque>
#include <memory>

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

/// Mailboxes synchronised at once. Their commands share the two connections,
/// pipelined one behind the other (each mailbox SELECTed again when another
/// one came in between), so a step's round trip is paid once for all of
/// them instead of once per mailbox. The bound keeps memory (each mailbox
/// holds its UID mapping) and the server's queue of our commands in check.
constexpr std::size_t kMailboxesAtOnce = 32;

/// One mailbox being synchronised: what its coroutine refers to.
struct MailboxRun {
    MailboxRun(const sync::SideListing& l, sync::SelectionRouter& lrouter, sync::CopyTurns& lturns,
               const sync::SideListing& r, sync::SelectionRouter& rrouter, sync::CopyTurns& rturns,
               StateStore& store, Logger& logger, const bool& stop, MailboxRecord mailbox)
        : local{Side::local, l.connection, l.naming, nullptr, &lrouter, &lturns},
          remote{Side::remote, r.connection, r.naming, nullptr, &rrouter, &rturns},
          context{&local, &remote, &store, &logger, &stop}, record(std::move(mailbox)) {}

    sync::SyncSide local;
    sync::SyncSide remote;
    sync::SyncContext context;
    MailboxRecord record;
    async::Task<Result<void>> task;
};

/// Synchronises (or repairs) one mailbox; the first failure of all is kept
/// and stops the others.
async::Task<Result<void>> run_one(MailboxRun& run, Action action, bool& stop,
                                  std::optional<Error>& failure) {
    Result<void> r = ok();
    if (action == Action::repair)
        r = co_await sync::repair_mailbox(run.context, run.record);
    else
        r = co_await sync::sync_mailbox(run.context, run.record);
    if (!r) {
        if (!failure)
            failure = std::move(r).error();
        stop = true;
    }
    co_return ok();
}

/// The mailbox lists, then every dirty mailbox (or, to repair, every one the
/// database knows, one at a time), each one driving both servers at once.
async::Task<Result<void>> run_mailboxes(RunSession& session, const sync::MailboxFilter* filter,
                                        Action action) {
    sync::SideListing& local_listing = session.side(Side::local);
    sync::SideListing& remote_listing = session.side(Side::remote);
    auto outcome = co_await sync::sync_mailbox_list(local_listing, remote_listing, session.store(),
                                                    filter, session.logger());
    if (!outcome)
        co_return Fail(std::move(outcome).error());

    // Every UIDVALIDITY is checked before anything is synchronised, so that
    // a changed one stops the run with nothing modified.
    std::vector<MailboxRecord> todo;
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
        if (action == Action::repair || sync::is_dirty(**record, listed_status(local_listing, name),
                                                       listed_status(remote_listing, name)))
            todo.push_back(std::move(**record));
    }

    sync::SelectionRouter local_router(*local_listing.connection);
    sync::SelectionRouter remote_router(*remote_listing.connection);
    sync::CopyTurns local_turns(local_listing.connection->loop());
    sync::CopyTurns remote_turns(remote_listing.connection->loop());
    sync::FlowControl flow(*local_listing.connection, local_turns, *remote_listing.connection,
                           remote_turns);
    // --repair goes one mailbox at a time, as the reference does.
    const std::size_t at_once = action == Action::repair ? 1 : kMailboxesAtOnce;
    bool stop = false;
    std::optional<Error> failure;
    std::deque<std::unique_ptr<MailboxRun>> running;
    std::size_t next = 0;
    for (;;) {
        while (!stop && running.size() < at_once && next < todo.size()) {
            running.push_back(std::make_unique<MailboxRun>(
                local_listing, local_router, local_turns, remote_listing, remote_router,
                remote_turns, session.store(), session.logger(), stop, std::move(todo[next++])));
            MailboxRun& run = *running.back();
            run.task = run_one(run, action, stop, failure);
            run.task.start();
        }
        if (running.empty())
            break;
        async::Task<Result<void>>& oldest = running.front()->task;
        auto finished = co_await oldest; // run_one keeps the failure
        (void)finished;
        running.pop_front();
    }
    if (failure)
        co_return Fail(std::move(*failure));
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
