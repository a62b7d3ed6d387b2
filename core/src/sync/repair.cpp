#include "sync/repair.hpp"

#include "async/when_both.hpp"
#include "sync/mailbox_ops.hpp"
#include "sync/message_copy.hpp"
#include "sync/recovery.hpp"

#include <algorithm>

namespace interimap::sync {

namespace {

/// A server stops being compared after this many rounds of news.
constexpr int kMaxRounds = 100;
/// Copy passes per round (each one only after a pass that copied something).
constexpr int kMaxCopyPasses = 100;

/// Per side, where the copying of new messages stands in a round.
struct NewMessages {
    explicit NewMessages(Uid start) : from(start) {}

    Uid from = 1;                  ///< UIDs from here on may be new
    Uid fetched_up_to = 1;         ///< UIDs below existed at the full FETCH
    std::vector<Uid> appended;     ///< UIDs we allocated by copying
    Uid highest_seen_source = 0;   ///< highest UID fetched to be copied
    std::uint64_t compared_at = 0; ///< HIGHESTMODSEQ when the FETCH answered
};

/// UID FETCH 1:UIDNEXT-1 (MODSEQ FLAGS): every message the server has (the
/// reference asks for the UIDs below its recorded UIDNEXT; the messages
/// above are new ones and are copied anyway).
async::Task<Result<void>> fetch_all_flags(SyncSide& side, std::map<Uid, MessageFlags>& out) {
    const Uid uidnext = side.selected->uidnext.value_or(1);
    if (uidnext <= 1)
        co_return ok();
    imap::CommandOptions opts;
    opts.collects = {"FETCH"};
    opts.on_untagged = [&side, &out](const imap::Response& r) {
        auto f = parse_fetch(r);
        if (!f || !f->uid || !f->flags || !f->modseq) {
            side.selected->handle(r);
            return;
        }
        out[*f->uid] = MessageFlags{*f->modseq, *f->flags};
        side.selected->highestmodseq =
            std::max(side.selected->highestmodseq.value_or(0), *f->modseq);
    };
    imap::Command fetch("UID FETCH");
    fetch.raw("1:" + std::to_string(uidnext - 1)).raw("(MODSEQ FLAGS)");
    SentSelect select = reselect_if_needed(side);
    auto sent = side.connection->send(std::move(fetch), std::move(opts));
    auto selected = co_await check_select(side, select);
    auto done = expect_ok(co_await sent, side, "UID FETCH failed");
    if (!selected)
        co_return selected;
    if (!done)
        co_return Fail(std::move(done).error());
    co_return ok();
}

/// Copies `local_sets` to the remote server and `remote_sets` to the local
/// one at once, mapping the copies. Returns whether anything was copied.
async::Task<Result<bool>> copy_and_note(SyncContext& ctx, MailboxId id, Mapping& mapping,
                                        std::vector<std::string> local_sets,
                                        std::vector<std::string> remote_sets, NewMessages& lnew,
                                        NewMessages& rnew, bool announce = false) {
    CopyJob to_remote{ctx.local,  ctx.remote, std::move(local_sets), id, ctx.store,
                      ctx.logger, announce};
    CopyJob to_local{ctx.remote, ctx.local, std::move(remote_sets), id, ctx.store,
                     ctx.logger, announce};
    auto copied = co_await sync::copy_both_ways(to_local, to_remote, mapping);
    if (!copied)
        co_return Fail(std::move(copied).error());
    const CopyOutcome& into_local = copied->first;
    const CopyOutcome& into_remote = copied->second;
    rnew.appended.insert(rnew.appended.end(), into_remote.target_uids.begin(),
                         into_remote.target_uids.end());
    lnew.appended.insert(lnew.appended.end(), into_local.target_uids.begin(),
                         into_local.target_uids.end());
    lnew.highest_seen_source = std::max(lnew.highest_seen_source, into_remote.highest_source_uid);
    rnew.highest_seen_source = std::max(rnew.highest_seen_source, into_local.highest_source_uid);
    co_return !into_remote.source_uids.empty() || !into_local.source_uids.empty();
}

/// The unmapped UIDs of `side` from `from` on, as UID sets up to `last`.
std::vector<std::string> unmapped_from(const Mapping& mapping, Side side, Uid from,
                                       Uid last = 0xFFFFFFFFu) {
    std::vector<Uid> mapped;
    for (const auto& [uid, other] : mapping.from(side))
        if (uid >= from)
            mapped.push_back(uid);
    if (from > last)
        return {};
    return range_excluding(from, std::move(mapped), last);
}

/// New messages, both ways: first those that existed at the full FETCH,
/// then, while a pass copied something (a server may have received mail
/// meanwhile, below the UIDs we allocated), whatever arrived since.
async::Task<Result<void>> copy_new_messages(SyncContext& ctx, MailboxId id, Mapping& mapping,
                                            bool copied_before, NewMessages& lnew,
                                            NewMessages& rnew) {
    auto first = co_await copy_and_note(
        ctx, id, mapping, unmapped_from(mapping, Side::local, lnew.from, lnew.fetched_up_to - 1),
        unmapped_from(mapping, Side::remote, rnew.from, rnew.fetched_up_to - 1), lnew, rnew);
    if (!first)
        co_return Fail(std::move(first).error());
    bool again = copied_before || *first;
    for (int pass = 0; again; ++pass) {
        if (pass == kMaxCopyPasses)
            co_return Fail(ErrorCode::protocol, "New messages keep arriving in " +
                                                    ctx.local->selected->name + "; giving up");
        auto copied = co_await copy_and_note(
            ctx, id, mapping,
            unmapped_from(mapping, Side::local, std::max(lnew.from, lnew.fetched_up_to)),
            unmapped_from(mapping, Side::remote, std::max(rnew.from, rnew.fetched_up_to)), lnew,
            rnew);
        if (!copied)
            co_return Fail(std::move(copied).error());
        again = *copied;
    }
    co_return ok();
}

/// The UIDNEXT to record: only UIDs we saw or allocated count (a UIDNEXT a
/// server announces may cover mail that arrived meanwhile). Saturates at
/// the 32 bits the database holds.
Uid next_uidnext(const NewMessages& n) {
    std::uint64_t next = n.fetched_up_to;
    for (Uid u : n.appended)
        next = std::max<std::uint64_t>(next, std::uint64_t{u} + 1);
    next = std::max<std::uint64_t>(next, std::uint64_t{n.highest_seen_source} + 1);
    return static_cast<Uid>(std::min<std::uint64_t>(next, 0xFFFFFFFFull));
}

void log_warnings(const std::vector<RepairWarning>& warnings, SyncContext& ctx) {
    for (const RepairWarning& w : warnings) {
        LogContext where{};
        if (w.side)
            where = (*w.side == Side::local ? ctx.local : ctx.remote)->context();
        ctx.logger->warning(where, w.text);
    }
}

/// Adds to `view` what `side` reported besides the FETCH answers: the
/// VANISHED UIDs (the flag updates are superseded by the answers).
Result<void> take_news(const SyncSide& side, RepairSideView& view) {
    SelectedMailbox& selected = *side.selected;
    if (selected.protocol_error)
        return Fail(ErrorCode::protocol, *selected.protocol_error, side.name());
    (void)selected.take_modified();
    for (Uid u : selected.take_vanished()) {
        view.messages.erase(u);
        if (u < view.uidnext)
            view.vanished.insert(u);
    }
    return ok();
}

/// The full FETCH on both servers, with what VANISHED since the recorded state.
async::Task<Result<void>> look_at_both(SyncContext& ctx, RepairSideView& lview,
                                       RepairSideView& rview) {
    auto lt = fetch_all_flags(*ctx.local, lview.messages);
    auto rt = fetch_all_flags(*ctx.remote, rview.messages);
    auto fetched = async::first_failure(co_await async::when_both(lt, rt));
    if (!fetched)
        co_return fetched;
    INTERIMAP_CO_TRY(take_news(*ctx.local, lview));
    INTERIMAP_CO_TRY(take_news(*ctx.remote, rview));
    co_return ok();
}

/// One comparison and what it decides, then the new messages. Returns the
/// UIDNEXTs to record in `lnew` / `rnew`.
async::Task<Result<void>> repair_round(SyncContext& ctx, MailboxId id, const std::string& display,
                                       Mapping& mapping, RepairSideView& lview,
                                       RepairSideView& rview, NewMessages& lnew,
                                       NewMessages& rnew) {
    SyncSide& local = *ctx.local;
    SyncSide& remote = *ctx.remote;
    Logger& logger = *ctx.logger;
    // Whatever is below the UIDNEXT now (ours after appending, or the
    // server's) is in the FETCH answers or gone.
    lnew.fetched_up_to = std::max(lview.uidnext, local.selected->uidnext.value_or(1));
    rnew.fetched_up_to = std::max(rview.uidnext, remote.selected->uidnext.value_or(1));
    auto looked = co_await look_at_both(ctx, lview, rview);
    if (!looked)
        co_return looked;
    // Our STOREs are conditional on what the FETCH reported.
    lnew.compared_at = local.selected->highestmodseq.value_or(0);
    rnew.compared_at = remote.selected->highestmodseq.value_or(0);
    const std::uint64_t lmodseq = lnew.compared_at;
    const std::uint64_t rmodseq = rnew.compared_at;

    std::vector<UidPair> pairs;
    for (const auto& [l, r] : mapping.local_to_remote)
        pairs.push_back({l, r});
    RepairPlan plan = plan_repair(std::move(pairs), lview, rview, display);

    log_warnings(plan.pair_warnings, ctx);
    auto lremove = plan.remove_local.empty() ? async::nothing_to_do()
                                             : remove_messages(local, plan.remove_local, logger);
    auto rremove = plan.remove_remote.empty() ? async::nothing_to_do()
                                              : remove_messages(remote, plan.remove_remote, logger);
    auto removed = async::first_failure(co_await async::when_both(lremove, rremove));
    if (!removed)
        co_return removed;
    // Forgotten once the messages are gone on both sides.
    if (!plan.forget.empty()) {
        INTERIMAP_CO_TRY(ctx.store->begin());
        for (Uid l : plan.forget) {
            INTERIMAP_CO_TRY(ctx.store->remove_mapping(id, Side::local, l));
            mapping.remove_local(l);
        }
        INTERIMAP_CO_TRY(ctx.store->commit());
    }
    auto lpush = push_flag_groups(local, plan.update_local, lmodseq, logger);
    auto rpush = push_flag_groups(remote, plan.update_remote, rmodseq, logger);
    auto pushed = async::first_failure(co_await async::when_both(lpush, rpush));
    if (!pushed)
        co_return pushed;
    log_warnings(plan.unmatched_warnings, ctx);

    auto missing =
        co_await copy_and_note(ctx, id, mapping, compact_set_chunks(plan.copy_from_local),
                               compact_set_chunks(plan.copy_from_remote), lnew, rnew, true);
    if (!missing)
        co_return Fail(std::move(missing).error());
    co_return co_await copy_new_messages(ctx, id, mapping, *missing, lnew, rnew);
}

} // namespace

RepairPlan plan_repair(std::vector<UidPair> pairs, const RepairSideView& local,
                       const RepairSideView& remote, const std::string& display) {
    std::sort(pairs.begin(), pairs.end(),
              [](const UidPair& a, const UidPair& b) { return a.local < b.local; });
    RepairPlan plan;
    std::set<Uid> lpaired, rpaired;
    auto warn_pair = [&](std::optional<Side> side, std::string text) {
        plan.pair_warnings.push_back({side, std::move(text)});
    };
    for (const UidPair& p : pairs) {
        lpaired.insert(p.local);
        rpaired.insert(p.remote);
        const std::string l = std::to_string(p.local), r = std::to_string(p.remote);
        auto lm = local.messages.find(p.local);
        auto rm = remote.messages.find(p.remote);
        const bool lhere = lm != local.messages.end(), rhere = rm != remote.messages.end();
        if (lhere && rhere) {
            const MessageFlags& lf = lm->second;
            const MessageFlags& rf = rm->second;
            if (lf.flags == rf.flags)
                continue;
            // The side changed since the last synchronisation wins; when
            // both (or neither) changed, each gets the union.
            const bool lchanged = lf.modseq > local.highestmodseq;
            const bool rchanged = rf.modseq > remote.highestmodseq;
            if (!lchanged && rchanged) {
                plan.update_local[rf.flags].push_back(p.local);
            } else if (lchanged && !rchanged) {
                plan.update_remote[lf.flags].push_back(p.remote);
            } else {
                if (!lchanged)
                    warn_pair({}, "Missed flag update in " + display + " for (lUID,rUID) = (" + l +
                                      "," + r + "). Repairing.");
                FlagList all = union_flags(lf.flags, rf.flags);
                warn_pair({}, "Conflicting flag update in " + display + " for local UID " + l +
                                  " (" + lf.flags + ") and remote UID " + r + " (" + rf.flags +
                                  "). Setting both to the union (" + all + ").");
                plan.update_local[all].push_back(p.local);
                plan.update_remote[all].push_back(p.remote);
            }
        } else if (!lhere && !rhere) {
            plan.forget.push_back(p.local);
            if (!local.vanished.count(p.local) || !remote.vanished.count(p.remote))
                warn_pair({}, "Pair (lUID,rUID) = (" + l + "," + r + ") vanished from " + display +
                                  ". Repairing.");
        } else if (!lhere) {
            plan.forget.push_back(p.local);
            if (local.vanished.count(p.local)) {
                plan.remove_remote.push_back(p.remote);
            } else {
                warn_pair(Side::local,
                          "UID " + l + " disappeared. Redownloading remote UID " + r + ".");
                plan.copy_from_remote.push_back(p.remote);
            }
        } else {
            plan.forget.push_back(p.local);
            if (remote.vanished.count(p.remote)) {
                plan.remove_local.push_back(p.local);
            } else {
                warn_pair(Side::remote,
                          "UID " + r + " disappeared. Redownloading local UID " + l + ".");
                plan.copy_from_local.push_back(p.local);
            }
        }
    }

    // Vanished UIDs nobody maps are only worth a word.
    auto unmatched_vanished = [&](const RepairSideView& view, const std::set<Uid>& paired,
                                  Side other, const char* name) {
        std::vector<Uid> dunno;
        for (Uid u : view.vanished)
            if (!paired.count(u))
                dunno.push_back(u);
        if (!dunno.empty())
            plan.unmatched_warnings.push_back(
                {other, "No match for " + std::to_string(dunno.size()) + " vanished " + name +
                            " UID(s) " + compact_set(dunno) + ". Ignoring."});
    };
    unmatched_vanished(local, lpaired, Side::remote, "local");
    unmatched_vanished(remote, rpaired, Side::local, "remote");

    // Known messages nobody maps are copied again: the mapping lost them.
    auto unmatched_known = [&](const RepairSideView& view, const std::set<Uid>& paired, Side other,
                               const char* name, std::vector<Uid>& copy) {
        for (const auto& [uid, m] : view.messages) {
            if (uid >= view.uidnext)
                break;
            if (paired.count(uid))
                continue;
            plan.unmatched_warnings.push_back({other, "No match for modified " + std::string(name) +
                                                          " UID " + std::to_string(uid) +
                                                          ". Redownloading."});
            copy.push_back(uid);
        }
    };
    unmatched_known(local, lpaired, Side::remote, "local", plan.copy_from_local);
    unmatched_known(remote, rpaired, Side::local, "remote", plan.copy_from_remote);
    std::sort(plan.copy_from_local.begin(), plan.copy_from_local.end());
    std::sort(plan.copy_from_remote.begin(), plan.copy_from_remote.end());
    return plan;
}

async::Task<Result<void>> repair_mailbox(SyncContext& ctx, const MailboxRecord& mailbox) {
    if (!mailbox.local || !mailbox.remote)
        co_return ok();
    SyncSide& local = *ctx.local;
    SyncSide& remote = *ctx.remote;
    StateStore& store = *ctx.store;
    Mapping mapping;
    auto opened = co_await open_mailbox(ctx, mailbox, mapping);
    if (!opened)
        co_return opened;
    const Uid lknown = std::max<Uid>(mailbox.local->uidnext, 1);
    const Uid rknown = std::max<Uid>(mailbox.remote->uidnext, 1);
    auto resumed =
        co_await resume_interrupted_pairs(ctx, mailbox.id, mailbox.name, mapping, lknown, rknown);
    if (!resumed)
        co_return resumed;

    const std::string display = display_name(mailbox.name, local.naming.delimiter());
    RepairSideView lview{{}, {}, lknown, mailbox.local->highestmodseq};
    RepairSideView rview{{}, {}, rknown, mailbox.remote->highestmodseq};
    NewMessages lnew{lknown}, rnew{rknown};
    for (int round = 0;; ++round) {
        if (round == kMaxRounds)
            co_return Fail(ErrorCode::protocol, "The servers keep reporting changes to " + display +
                                                    "; giving up after " +
                                                    std::to_string(kMaxRounds) + " rounds");
        auto repaired =
            co_await repair_round(ctx, mailbox.id, display, mapping, lview, rview, lnew, rnew);
        if (!repaired)
            co_return repaired;
        // News that arrived meanwhile (a change by another client, a STORE
        // refused as modified since) gets another comparison, from where
        // this one left.
        if (!local.selected->has_pending() && !remote.selected->has_pending())
            break;
        lview = RepairSideView{{}, {}, next_uidnext(lnew), lnew.compared_at};
        rview = RepairSideView{{}, {}, next_uidnext(rnew), rnew.compared_at};
        lnew = NewMessages{lview.uidnext};
        rnew = NewMessages{rview.uidnext};
    }

    INTERIMAP_CO_TRY(store.begin());
    INTERIMAP_CO_TRY(store.set_state(
        mailbox.id, Side::local,
        {*local.selected->uidvalidity, next_uidnext(lnew), *local.selected->highestmodseq}));
    INTERIMAP_CO_TRY(store.set_state(
        mailbox.id, Side::remote,
        {*remote.selected->uidvalidity, next_uidnext(rnew), *remote.selected->highestmodseq}));
    INTERIMAP_CO_TRY(store.commit());
    co_return ok();
}

} // namespace interimap::sync
