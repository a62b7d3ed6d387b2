#include "sync/mailbox_ops.hpp"

#include <algorithm>

namespace interimap::sync {

Result<imap::Completion> expect_ok(Result<imap::Completion> done, const SyncSide& side,
                                   const std::string& what) {
    if (!done)
        return done;
    if (!done->ok())
        return Fail(ErrorCode::refused, what + ": " + imap::describe(*done), side.where());
    return done;
}

namespace {

SentSelect send_select(SyncSide& side, const std::optional<QresyncParams>& qresync) {
    imap::Command cmd("SELECT");
    cmd.mailbox(side.selected->name);
    if (qresync) {
        std::string params = "(QRESYNC (" + std::to_string(qresync->uidvalidity) + " " +
                             std::to_string(qresync->modseq);
        if (!qresync->known_uids.empty())
            params += " " + qresync->known_uids;
        if (!qresync->sequence_sample.empty())
            params += " (" + qresync->sequence_sample + " " + qresync->uid_sample + ")";
        params += "))";
        cmd.raw(params);
    }
    SentSelect sent;
    sent.uidvalidity = side.selected->uidvalidity.value_or(0);
    sent.command.emplace(side.router->send_select(std::move(cmd), side.selected));
    return sent;
}

} // namespace

async::Task<Result<void>> select_mailbox(SyncSide& side, const std::string& server_name,
                                         const std::optional<QresyncParams>& qresync) {
    side.selected = std::make_shared<SelectedMailbox>(server_name);
    SentSelect sent = send_select(side, qresync);
    co_return co_await check_select(side, sent);
}

SentSelect reselect_if_needed(SyncSide& side) {
    if (side.router->selected_last(side.selected.get()))
        return {};
    return reselect(side);
}

SentSelect reselect(SyncSide& side) {
    // What this mailbox knows already is not reported again: changes since
    // the highest MODSEQ it heard of, VANISHED among the UIDs below UIDNEXT.
    const SelectedMailbox& m = *side.selected;
    std::optional<QresyncParams> q;
    if (m.uidvalidity && m.highestmodseq) {
        q.emplace();
        q->uidvalidity = *m.uidvalidity;
        q->modseq = *m.highestmodseq;
        if (m.uidnext.value_or(1) > 1)
            q->known_uids = "1:" + std::to_string(*m.uidnext - 1);
    }
    return send_select(side, q);
}

async::Task<Result<void>> check_select(SyncSide& side, SentSelect& sent) {
    if (!sent.command)
        co_return ok();
    SelectedMailbox& selected = *side.selected;
    auto done = expect_ok(co_await *sent.command, side, "Couldn't select " + selected.name);
    if (!done)
        co_return Fail(std::move(done).error());
    // Another SELECT failed before this one: what the server said since
    // cannot be trusted to be about this mailbox. That one is the error.
    if (side.router->broken())
        co_return Fail(ErrorCode::internal, "stopped after a failed SELECT", side.name());
    if (done->code)
        selected.handle_code(*done->code);
    if (selected.protocol_error)
        co_return Fail(ErrorCode::protocol, *selected.protocol_error, side.name());
    if (selected.nomodseq || !selected.highestmodseq)
        co_return Fail(ErrorCode::protocol, "Mailbox " + selected.name + " doesn't support MODSEQ.",
                       side.name());
    if (!selected.uidvalidity || !selected.uidnext)
        co_return Fail(ErrorCode::protocol,
                       "No UIDVALIDITY or UIDNEXT for " + selected.name +
                           " - non-compliant server?",
                       side.name());
    // Selected again during the run: the UIDs we hold must still be valid.
    if (sent.uidvalidity != 0 && *selected.uidvalidity != sent.uidvalidity)
        co_return Fail(ErrorCode::protocol,
                       "UIDVALIDITY changed! (" + std::to_string(*selected.uidvalidity) +
                           " != " + std::to_string(sent.uidvalidity) +
                           ")  Need to invalidate the UID cache for " + selected.name + ".",
                       side.name());
    co_return ok();
}

async::Task<Result<std::vector<imap::Completion>>>
send_per_set(SyncSide& side, const std::vector<std::string>& sets, const char* verb,
             const char* tail, const char* what, const imap::CommandOptions& options) {
    SentSelect select = reselect_if_needed(side);
    std::vector<imap::PendingCommand> pending;
    for (const std::string& set : sets) {
        imap::Command command(verb);
        command.raw(set);
        if (tail)
            command.raw(tail);
        pending.push_back(side.connection->send(std::move(command), options));
    }
    auto failure = co_await check_select(side, select);
    std::vector<imap::Completion> completions;
    for (auto& p : pending) {
        auto done = expect_ok(co_await p, side, what);
        if (!done) {
            if (failure)
                failure = Fail(std::move(done).error());
            continue;
        }
        if (done->code)
            side.selected->handle_code(*done->code);
        completions.push_back(std::move(*done));
    }
    if (!failure)
        co_return Fail(std::move(failure).error());
    co_return completions;
}

async::Task<Result<void>> fetch_flags(SyncSide& side, const std::vector<Uid>& uids) {
    const std::vector<std::string> sets = compact_set_chunks(uids);
    INTERIMAP_CO_TRY(
        co_await send_per_set(side, sets, "UID FETCH", "(MODSEQ FLAGS)", "UID FETCH failed"));
    co_return ok();
}

async::Task<Result<void>> remove_messages(SyncSide& side, const std::vector<Uid>& uids,
                                          Logger& logger) {
    const std::vector<std::string> sets = compact_set_chunks(uids);
    // Every chunk's \Deleted is in before the first UID EXPUNGE goes: the
    // EXPUNGE depends on the STORE, so they must not be pipelined (RFC 3501
    // 5.5), and Dovecot does run a UID STORE and a UID EXPUNGE at once (it
    // sees no ambiguity between two UID commands): the EXPUNGE then finds
    // the flag missing and leaves the message. One round trip more, per
    // mailbox, and only when something is removed. Another mailbox's
    // commands may go in between: each step SELECTs again if need be.
    INTERIMAP_CO_TRY(co_await send_per_set(side, sets, "UID STORE", "+FLAGS.SILENT (\\Deleted)",
                                           "Couldn't remove messages"));
    auto expunged =
        co_await send_per_set(side, sets, "UID EXPUNGE", nullptr, "Couldn't remove messages");
    if (!expunged)
        co_return Fail(std::move(expunged).error());
    // RFC 7162 3.2.10 wants HIGHESTMODSEQ in the UID EXPUNGE's OK; Dovecot
    // sometimes leaves it out.
    bool modseq_told = true;
    for (const imap::Completion& done : *expunged)
        if (!done.code || done.code->name != "HIGHESTMODSEQ")
            modseq_told = false;
    // Our own expunges come back as VANISHED: they are done, not news. One
    // that does not was not removed (another client may hold it locked).
    std::vector<Uid> removed = side.selected->take_expunged(uids);
    side.selected->forget_our_expunges(removed);
    if (!modseq_told)
        side.selected->modseq_after_ours_unknown = true;
    if (!removed.empty())
        logger.info(side.context(), "Removed " + std::to_string(removed.size()) + " UID(s) " +
                                        compact_set(removed));
    if (removed.size() < uids.size()) {
        std::vector<Uid> failed;
        for (Uid u : uids)
            if (!std::binary_search(removed.begin(), removed.end(), u))
                failed.push_back(u);
        logger.warning(side.context(), "Couldn't UID EXPUNGE " + compact_set(failed));
    }
    co_return ok();
}

async::Task<Result<std::vector<Uid>>> push_flags(SyncSide& side, const std::string& flags,
                                                 const std::vector<Uid>& uids, std::uint64_t modseq,
                                                 Logger& logger) {
    SentSelect select = reselect_if_needed(side);
    std::vector<imap::PendingCommand> pending;
    for (const std::string& set : compact_set_chunks(uids))
        pending.push_back(
            side.connection->send(std::move(imap::Command("UID STORE")
                                                .raw(set)
                                                .raw("(UNCHANGEDSINCE " + std::to_string(modseq) +
                                                     ") FLAGS.SILENT (" + flags + ")"))));
    INTERIMAP_CO_TRY(co_await check_select(side, select));
    std::vector<Uid> failed;
    for (auto& p : pending) {
        auto done = expect_ok(co_await p, side, "Couldn't update flags");
        if (!done)
            co_return Fail(std::move(done).error());
        if (done->code && done->code->name == "MODIFIED" && done->code->args.size() == 1) {
            auto set = parse_uid_set(done->code->args[0].text);
            if (!set)
                co_return Fail(ErrorCode::protocol,
                               "Invalid MODIFIED response code: " + done->code->args[0].text,
                               side.name());
            failed.insert(failed.end(), set->begin(), set->end());
        } else if (done->code) {
            side.selected->handle_code(*done->code);
        }
    }
    std::sort(failed.begin(), failed.end());
    std::vector<Uid> stored;
    for (Uid u : uids)
        if (!std::binary_search(failed.begin(), failed.end(), u))
            stored.push_back(u);
    // The server reports (FETCH with MODSEQ) the messages it changed; those
    // echoes are not changes to propagate back. As the reference, only they
    // count as updated: a STORE that changed nothing is not news.
    std::vector<Uid> updated = side.selected->take_echoes(stored, flags);
    // Refused ones changed meanwhile: their flags must be fetched again.
    side.selected->mark_unknown(failed);
    if (!updated.empty())
        logger.info(side.context(),
                    "Updated flags (" + flags + ") for UID " + compact_set(updated));
    if (!failed.empty())
        logger.info(side.context(), "Couldn't update flags (" + flags + ") for UID " +
                                        compact_set(failed) + ", will try again later");
    co_return failed;
}

async::Task<Result<void>> push_flag_groups(SyncSide& side,
                                           const std::map<std::string, std::vector<Uid>>& groups,
                                           std::uint64_t modseq, Logger& logger) {
    // All started before the first is awaited: one round trip for all.
    std::vector<async::Task<Result<std::vector<Uid>>>> tasks;
    for (const auto& [flags, uids] : groups) {
        tasks.push_back(push_flags(side, flags, uids, modseq, logger));
        tasks.back().start();
    }
    // Each one awaited, whatever happens: a started task must not be
    // destroyed while its command is in flight.
    std::optional<Error> failure;
    for (auto& t : tasks) {
        auto r = co_await t;
        if (!r && !failure)
            failure = std::move(r).error();
    }
    if (failure)
        co_return Fail(std::move(*failure));
    co_return ok();
}

} // namespace interimap::sync
