#include "app/watch.hpp"

#include "app/mailbox_rounds.hpp"
#include "async/task.hpp"
#include "imap/connection.hpp"
#include "sync/mailbox_news.hpp"
#include "sync/status_report.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace interimap::app {

namespace {

using Clock = async::EventLoop::Clock;

imap::Connection& connection(RunSession& session, Side side) {
    return *session.side(side).connection;
}

/// Sends each server its commands (all pipelined, both servers at once) and
/// waits for every answer; the first failure, a refusal quoted as the
/// reference quotes it ("NO [CODE] text").
async::Task<Result<void>> send_to_both(RunSession& session, std::vector<imap::Command> local,
                                       std::vector<imap::Command> remote) {
    std::vector<std::pair<Side, imap::PendingCommand>> sent;
    for (Side side : {Side::local, Side::remote})
        for (imap::Command& c : side == Side::local ? local : remote)
            sent.emplace_back(side, connection(session, side).send(std::move(c)));
    std::optional<Error> failure;
    for (auto& [side, pending] : sent) {
        auto done = co_await pending;
        if (failure)
            continue;
        if (!done)
            failure = in_context(std::move(done).error(), side_name(side));
        else if (!done->ok())
            failure = make_error(ErrorCode::refused, imap::describe(*done), side_name(side));
    }
    if (failure)
        co_return Fail(std::move(*failure));
    co_return ok();
}

std::vector<imap::Command> one(const char* command) {
    std::vector<imap::Command> out;
    out.emplace_back(command);
    return out;
}

/// Both servers' NOOP.
async::Task<Result<void>> noop_both(RunSession& session) {
    return send_to_both(session, one("NOOP"), one("NOOP"));
}

/// After a round that selected mailboxes: UNSELECT on both servers when
/// both have it (one command, and the state is clean), else NOOP on both
/// when `noop_otherwise` (the selected mailbox stays). The NOOP is for
/// LIST-STATUS, which may not report the current HIGHESTMODSEQ of the
/// selected mailbox (RFC 3501 forbids STATUS as a check for news in the
/// selected mailbox): the NOOP makes the server tell its news first.
/// `selected` tells whether a mailbox remains selected.
async::Task<Result<void>> leave_selection(RunSession& session, bool& selected,
                                          bool noop_otherwise) {
    if (!selected)
        co_return ok();
    if (connection(session, Side::local).capabilities().has("UNSELECT") &&
        connection(session, Side::remote).capabilities().has("UNSELECT")) {
        INTERIMAP_CO_TRY(co_await send_to_both(session, one("UNSELECT"), one("UNSELECT")));
        selected = false;
    } else if (noop_otherwise) {
        INTERIMAP_CO_TRY(co_await noop_both(session));
    }
    co_return ok();
}

bool terminating(const WatchSettings& settings) {
    return settings.termination && settings.termination->requested();
}

/// Waits until `condition()` holds, SIGTERM arrives or `deadline` passes;
/// `met` tells whether the condition (or SIGTERM) ended the wait.
async::Task<Result<void>> wait_until(RunSession& session, const WatchSettings& settings,
                                     std::function<bool()> condition, Clock::time_point deadline,
                                     bool& met) {
    // The signal's pipe is polled only meanwhile: a round leaves it unread.
    struct Listening {
        async::EventLoop& loop;
        async::Pollable* pollable;
        Listening(async::EventLoop& l, async::Pollable* p) : loop(l), pollable(p) {
            if (pollable)
                loop.add(pollable);
        }
        ~Listening() {
            if (pollable)
                loop.remove(pollable);
        }
    } listening(session.loop(), settings.termination);
    met = co_await session.loop().wait_until([&] { return terminating(settings) || condition(); },
                                             deadline);
    co_return ok();
}

/// Ends the watch for SIGTERM. The servers may be gone already (a service
/// manager signals the tunnels too): closing them cannot fail the watch.
Result<void> terminate(RunSession& session) {
    (void)session.finish();
    return ok();
}

/// The error that broke either connection, if any.
std::optional<Error> broken(RunSession& session) {
    for (Side side : {Side::local, Side::remote})
        if (const auto& failure = connection(session, side).failure())
            return failure;
    return std::nullopt;
}

// --watch: LIST-STATUS tells what changed ---------------------------------

async::Task<Result<void>> listed_round(RunSession& session, const sync::MailboxFilter* filter,
                                       bool& selected) {
    auto names = co_await reconcile_mailbox_lists(session, filter);
    if (!names)
        co_return Fail(std::move(names).error());
    auto todo = listed_mailboxes(session, *names, Action::synchronise);
    if (!todo)
        co_return Fail(std::move(todo).error());
    const bool selects = !todo->empty();
    INTERIMAP_CO_TRY(co_await synchronise_mailboxes(
        session, std::move(*todo), RoundOptions{Action::synchronise, selected, nullptr}));
    selected = selected || selects;
    co_return co_await leave_selection(session, selected, true);
}

Result<void> watch_listing(RunSession& session, const WatchSettings& settings,
                           const sync::MailboxFilter* filter) {
    bool selected = false;
    for (;;) {
        auto round = listed_round(session, filter, selected);
        INTERIMAP_TRY(session.run(round));
        bool met = false;
        auto sleep = wait_until(
            session, settings, [] { return false; }, Clock::now() + settings.interval, met);
        INTERIMAP_TRY(session.run(sleep));
        if (terminating(settings))
            return terminate(session);
        INTERIMAP_TRY(session.list_again());
    }
}

// --notify: the servers tell what changed ---------------------------------

/// The mailboxes to synchronise by what the servers reported: those the
/// database has no state for, those a report shows changed, and, when the
/// mailbox a round left selected changed, every mailbox of that round (it
/// is one of them).
Result<std::vector<MailboxRecord>> notified_mailboxes(RunSession& session,
                                                      const std::vector<StoredMailboxName>& names,
                                                      const sync::MailboxNews& news,
                                                      const std::vector<StoredMailboxName>& last) {
    auto reported_uidvalidity = [&](Side side,
                                    const StoredMailboxName& name) -> std::optional<std::uint32_t> {
        const sync::StatusReport* report = news.report(side, name);
        return report ? report->uidvalidity : std::nullopt;
    };
    return choose_mailboxes(session, names, reported_uidvalidity, [&](const MailboxRecord& record) {
        if (!record.local || !record.remote)
            return true;
        for (Side side : {Side::local, Side::remote}) {
            const sync::StatusReport* report = news.report(side, record.name);
            if (report &&
                sync::reports_news(side == Side::local ? record.local : record.remote, *report))
                return true;
            if (news.selection_changed(side) &&
                std::find(last.begin(), last.end(), record.name) != last.end())
                return true;
        }
        return false;
    });
}

Result<void> watch_notifications(RunSession& session, const WatchSettings& settings,
                                 const sync::MailboxFilter* filter) {
    const auto interval = settings.interval;
    auto reconcile = reconcile_mailbox_lists(session, filter);
    auto names = session.run(reconcile);
    if (!names)
        return Fail(std::move(names).error());

    sync::MailboxNews news(session.side(Side::local), session.side(Side::remote), *names);
    for (Side side : {Side::local, Side::remote})
        news.listen(side, connection(session, side));
    // SET STATUS makes both servers report every mailbox's state first:
    // that is what the first round goes by.
    auto notify = send_to_both(session, sync::notify_commands(news.server_names(Side::local)),
                               sync::notify_commands(news.server_names(Side::remote)));
    INTERIMAP_TRY(session.run(notify));

    bool selected = false;
    std::vector<StoredMailboxName> last_round;
    auto deadline = Clock::now() + interval;
    for (;;) {
        if (terminating(settings))
            return terminate(session);
        if (news.error())
            return Fail(*news.error());
        auto todo = notified_mailboxes(session, *names, news, last_round);
        if (!todo)
            return Fail(std::move(todo).error());
        news.clear_news();
        if (!todo->empty()) {
            last_round.clear();
            for (const MailboxRecord& record : *todo) {
                // The round reads the current state; reports from now on are news.
                news.forget(record.name);
                last_round.push_back(record.name);
            }
            {
                auto round = synchronise_mailboxes(
                    session, std::move(*todo), RoundOptions{Action::synchronise, selected, &news});
                INTERIMAP_TRY(session.run(round));
            }
            // The round's routers are gone: the news take everything again.
            for (Side side : {Side::local, Side::remote})
                news.listen(side, connection(session, side));
            selected = true;
            auto leave = leave_selection(session, selected, false);
            INTERIMAP_TRY(session.run(leave));
            deadline = Clock::now() + interval;
            continue; // what was reported during the round is looked at at once
        }
        bool met = false;
        auto wait = wait_until(
            session, settings, [&] { return news.has_news() || broken(session).has_value(); },
            deadline, met);
        INTERIMAP_TRY(session.run(wait));
        if (terminating(settings))
            return terminate(session);
        if (auto failure = broken(session))
            return Fail(std::move(*failure));
        if (!met) {
            // Silence for the whole interval: a NOOP keeps both sessions
            // alive, and brings any news the server kept for a command.
            auto noop = noop_both(session);
            INTERIMAP_TRY(session.run(noop));
            deadline = Clock::now() + interval;
        }
    }
}

} // namespace

Result<void> watch(RunSession& session, const WatchSettings& settings,
                   const sync::MailboxFilter* filter) {
    if (settings.notify)
        return watch_notifications(session, settings, filter);
    return watch_listing(session, settings, filter);
}

} // namespace interimap::app
