#include "app/mailbox_rounds.hpp"

#include "sync/copy_turns.hpp"
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

} // namespace

async::Task<Result<std::vector<StoredMailboxName>>>
reconcile_mailbox_lists(RunSession& session, const sync::MailboxFilter* filter) {
    auto outcome =
        co_await sync::sync_mailbox_list(session.side(Side::local), session.side(Side::remote),
                                         session.store(), filter, session.logger());
    if (!outcome)
        co_return Fail(std::move(outcome).error());
    co_return std::move(outcome->mailboxes);
}

Result<std::vector<MailboxRecord>>
choose_mailboxes(RunSession& session, const std::vector<StoredMailboxName>& mailboxes,
                 const UidvalidityOf& current,
                 const std::function<bool(const MailboxRecord&)>& dirty) {
    // Every UIDVALIDITY is checked before anything is synchronised, so that
    // a changed one stops the run with nothing modified.
    std::vector<MailboxRecord> chosen;
    for (const StoredMailboxName& name : mailboxes) {
        auto record = session.store().find_mailbox(name);
        if (!record)
            return Fail(in_context(std::move(record).error(), "database"));
        if (!*record)
            continue;
        for (Side side : {Side::local, Side::remote}) {
            const auto& recorded = side == Side::local ? (*record)->local : (*record)->remote;
            auto uidvalidity = current(side, name);
            auto server_name = session.side(side).naming.to_server(name);
            if (recorded && uidvalidity && *uidvalidity && server_name)
                INTERIMAP_TRY(sync::check_uidvalidity(side, *server_name, recorded->uidvalidity,
                                                      *uidvalidity));
        }
        if (dirty(**record))
            chosen.push_back(std::move(**record));
    }
    return chosen;
}

Result<std::vector<MailboxRecord>>
listed_mailboxes(RunSession& session, const std::vector<StoredMailboxName>& names, Action action) {
    const sync::SideListing& local = session.side(Side::local);
    const sync::SideListing& remote = session.side(Side::remote);
    auto listed_uidvalidity = [&](Side side,
                                  const StoredMailboxName& name) -> std::optional<std::uint32_t> {
        auto status = listed_status(side == Side::local ? local : remote, name);
        if (!status)
            return std::nullopt;
        return status->uidvalidity;
    };
    return choose_mailboxes(session, names, listed_uidvalidity, [&](const MailboxRecord& record) {
        return action == Action::repair || sync::is_dirty(record, listed_status(local, record.name),
                                                          listed_status(remote, record.name));
    });
}

async::Task<Result<void>>
synchronise_mailboxes(RunSession& session, std::vector<MailboxRecord> todo, RoundOptions options) {
    sync::SideListing& local_listing = session.side(Side::local);
    sync::SideListing& remote_listing = session.side(Side::remote);
    sync::SelectionRouter local_router(*local_listing.connection);
    sync::SelectionRouter remote_router(*remote_listing.connection);
    if (options.news) {
        options.news->listen(Side::local, *local_listing.connection, &local_router);
        options.news->listen(Side::remote, *remote_listing.connection, &remote_router);
    }
    if (options.mailbox_left_selected) {
        // Data the servers send before the first SELECT's [CLOSED] is about
        // the mailbox the previous round left selected, not the first one.
        local_router.selected_before();
        remote_router.selected_before();
    }
    sync::CopyTurns local_turns(local_listing.connection->loop());
    sync::CopyTurns remote_turns(remote_listing.connection->loop());
    sync::FlowControl flow(*local_listing.connection, local_turns, *remote_listing.connection,
                           remote_turns);
    // --repair goes one mailbox at a time, as the reference does.
    const std::size_t at_once = options.action == Action::repair ? 1 : kMailboxesAtOnce;
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
            run.task = run_one(run, options.action, stop, failure);
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

} // namespace interimap::app
