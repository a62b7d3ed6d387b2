#include "app/sync_run.hpp"

#include "app/mailbox_rounds.hpp"
#include "app/watch.hpp"
#include "async/task.hpp"
#include "sync/mailbox_filter.hpp"

#include <memory>

namespace interimap::app {

namespace {

/// One round: the mailbox lists, then every dirty mailbox (or, to repair,
/// every one the database knows).
async::Task<Result<void>> run_round(RunSession& session, const sync::MailboxFilter* filter,
                                    Action action) {
    auto names = co_await reconcile_mailbox_lists(session, filter);
    if (!names)
        co_return Fail(std::move(names).error());
    auto todo = listed_mailboxes(session, *names, action);
    if (!todo)
        co_return Fail(std::move(todo).error());
    co_return co_await synchronise_mailboxes(session, std::move(*todo), RoundOptions{action});
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
                            settings.notify,   settings.watch.has_value()};
    INTERIMAP_TRY(RunSession::open(listing, logger, plugins, session));
    if (settings.watch && action == Action::synchronise)
        return watch(*session,
                     WatchSettings{*settings.watch, settings.notify, settings.termination},
                     filter.get());
    auto task = run_round(*session, filter.get(), action);
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
