#include "sync/mailbox_ops.hpp"

#include <algorithm>

namespace interimap::sync {

Result<imap::Completion> expect_ok(Result<imap::Completion> done, const SyncSide& side,
                                   const std::string& what) {
    if (!done)
        return done;
    if (!done->ok())
        return Fail(ErrorCode::refused, what + ": " + imap::describe(*done), side.name());
    return done;
}

async::Task<Result<void>> select_mailbox(SyncSide& side, const std::string& server_name,
                                         const std::optional<QresyncParams>& qresync) {
    bool after_another = side.selected != nullptr;
    side.selected = std::make_unique<SelectedMailbox>(server_name, after_another);
    SelectedMailbox* selected = side.selected.get();
    side.connection->set_unsolicited_handler(
        [selected](const imap::Response& r) { selected->handle(r); });

    imap::Command cmd("SELECT");
    cmd.mailbox(server_name);
    if (qresync) {
        std::string params = "(QRESYNC (" + std::to_string(qresync->uidvalidity) + " " +
                             std::to_string(qresync->modseq) + " " + qresync->known_uids;
        if (!qresync->sequence_sample.empty())
            params += " (" + qresync->sequence_sample + " " + qresync->uid_sample + ")";
        params += "))";
        cmd.raw(params);
    }
    imap::CommandOptions opts;
    opts.barrier = true;
    auto done = expect_ok(co_await side.connection->send(std::move(cmd), std::move(opts)), side,
                          "Couldn't select " + server_name);
    if (!done)
        co_return Fail(std::move(done).error());
    if (done->code)
        selected->handle_code(*done->code);
    if (selected->protocol_error)
        co_return Fail(ErrorCode::protocol, *selected->protocol_error, side.name());
    if (selected->nomodseq || !selected->highestmodseq)
        co_return Fail(ErrorCode::protocol,
                       "Mailbox " + server_name + " doesn't support MODSEQ (NOMODSEQ)",
                       side.name());
    if (!selected->uidvalidity || !selected->uidnext)
        co_return Fail(ErrorCode::protocol,
                       "No UIDVALIDITY or UIDNEXT for " + server_name + " - non-compliant server?",
                       side.name());
    co_return ok();
}

async::Task<Result<void>> fetch_flags(SyncSide& side, const std::vector<Uid>& uids) {
    std::vector<imap::PendingCommand> pending;
    for (const std::string& set : compact_set_chunks(uids))
        pending.push_back(side.connection->send(
            std::move(imap::Command("UID FETCH").raw(set).raw("(MODSEQ FLAGS)"))));
    for (auto& p : pending) {
        auto done = expect_ok(co_await p, side, "UID FETCH failed");
        if (!done)
            co_return Fail(std::move(done).error());
    }
    co_return ok();
}

async::Task<Result<void>> remove_messages(SyncSide& side, const std::vector<Uid>& uids,
                                          Logger& logger) {
    std::vector<imap::PendingCommand> pending;
    for (const std::string& set : compact_set_chunks(uids)) {
        pending.push_back(side.connection->send(
            std::move(imap::Command("UID STORE").raw(set).raw("+FLAGS.SILENT (\\Deleted)"))));
        pending.push_back(side.connection->send(std::move(imap::Command("UID EXPUNGE").raw(set))));
    }
    for (auto& p : pending) {
        auto done = expect_ok(co_await p, side, "Couldn't remove messages");
        if (!done)
            co_return Fail(std::move(done).error());
        if (done->code)
            side.selected->handle_code(*done->code);
    }
    // Our own expunges come back as VANISHED: they are done, not news.
    side.selected->discard(uids);
    logger.info(side.context(),
                "Removed " + std::to_string(uids.size()) + " UID(s) " + compact_set(uids));
    co_return ok();
}

async::Task<Result<std::vector<Uid>>> push_flags(SyncSide& side, const std::string& flags,
                                                 const std::vector<Uid>& uids, std::uint64_t modseq,
                                                 Logger& logger) {
    std::vector<imap::PendingCommand> pending;
    for (const std::string& set : compact_set_chunks(uids))
        pending.push_back(
            side.connection->send(std::move(imap::Command("UID STORE")
                                                .raw(set)
                                                .raw("(UNCHANGEDSINCE " + std::to_string(modseq) +
                                                     ") FLAGS.SILENT (" + flags + ")"))));
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
    std::vector<async::Task<Result<std::vector<Uid>>>> tasks;
    for (const auto& [flags, uids] : groups)
        tasks.push_back(push_flags(side, flags, uids, modseq, logger));
    for (auto& t : tasks) {
        auto r = co_await t;
        if (!r)
            co_return Fail(std::move(r).error());
    }
    co_return ok();
}

} // namespace interimap::sync
