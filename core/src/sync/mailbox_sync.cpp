#include "sync/mailbox_sync.hpp"

#include "async/when_both.hpp"
#include "sync/mailbox_ops.hpp"
#include "sync/message_copy.hpp"
#include "sync/recovery.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>

namespace interimap::sync {

namespace {

/// Per side: the bounds below which a report is about a message we know.
struct Known {
    Uid uidnext = 1;                 ///< UIDs below are replicated
    std::uint64_t highestmodseq = 0; ///< changes up to this are synchronised
};

/// Flag updates and vanished messages, repeated until neither server
/// reports anything new. Returns whether anything was done.
async::Task<Result<bool>> sync_known(SyncContext& ctx, MailboxId id, const StoredMailboxName& name,
                                     Mapping& mapping, Known& lknown, Known& rknown) {
    SyncSide& local = *ctx.local;
    SyncSide& remote = *ctx.remote;
    Logger& logger = *ctx.logger;
    std::string display = display_name(name, local.naming.delimiter());
    bool changed = false;
    for (int round = 0; round < 1000; ++round) {
        // Updates whose flags are unknown (refused STOREs, bare MODSEQs) are
        // fetched first.
        std::vector<Uid> lfetch, rfetch;
        auto lmod = local.selected->take_modified();
        auto rmod = remote.selected->take_modified();
        for (auto& [uid, u] : lmod)
            if (!u.flags || u.modseq == 0)
                lfetch.push_back(uid);
        for (auto& [uid, u] : rmod)
            if (!u.flags || u.modseq == 0)
                rfetch.push_back(uid);
        if (!lfetch.empty() || !rfetch.empty()) {
            for (auto& [uid, u] : lmod)
                if (u.flags && u.modseq)
                    local.selected->mark_known(uid, u);
            for (auto& [uid, u] : rmod)
                if (u.flags && u.modseq)
                    remote.selected->mark_known(uid, u);
            auto lt = lfetch.empty() ? async::nothing_to_do() : fetch_flags(local, lfetch);
            auto rt = rfetch.empty() ? async::nothing_to_do() : fetch_flags(remote, rfetch);
            auto fetched = async::first_failure(co_await async::when_both(lt, rt));
            if (!fetched)
                co_return Fail(std::move(fetched).error());
            continue;
        }
        for (SyncSide* s : {&local, &remote})
            if (s->selected->protocol_error)
                co_return Fail(ErrorCode::protocol, *s->selected->protocol_error, s->name());

        auto lvanished = local.selected->take_vanished();
        auto rvanished = remote.selected->take_vanished();
        std::erase_if(lvanished, [&](Uid u) { return u >= lknown.uidnext; });
        std::erase_if(rvanished, [&](Uid u) { return u >= rknown.uidnext; });
        std::erase_if(lmod, [&](const auto& e) {
            return e.first >= lknown.uidnext || e.second.modseq <= lknown.highestmodseq;
        });
        std::erase_if(rmod, [&](const auto& e) {
            return e.first >= rknown.uidnext || e.second.modseq <= rknown.highestmodseq;
        });
        for (Uid u : lvanished)
            lmod.erase(u);
        for (Uid u : rvanished)
            rmod.erase(u);
        // From now on changes are relative to what the servers reported: our
        // STOREs are conditional on it (UNCHANGEDSINCE), and a message
        // changed again meanwhile is refused and looked at in the next round.
        lknown.highestmodseq =
            std::max(lknown.highestmodseq, local.selected->highestmodseq.value_or(0));
        rknown.highestmodseq =
            std::max(rknown.highestmodseq, remote.selected->highestmodseq.value_or(0));
        if (lvanished.empty() && rvanished.empty() && lmod.empty() && rmod.empty())
            co_return changed;
        changed = true;

        // Vanished on one side: remove on the other unless gone there too.
        std::vector<Uid> ltoremove, rtoremove, gone_local;
        if (!lvanished.empty() || !rvanished.empty()) {
            std::vector<Uid> ldunno, rdunno;
            std::sort(lvanished.begin(), lvanished.end());
            std::sort(rvanished.begin(), rvanished.end());
            for (Uid l : lvanished) {
                auto it = mapping.local_to_remote.find(l);
                if (it == mapping.local_to_remote.end())
                    ldunno.push_back(l);
                else if (!std::binary_search(rvanished.begin(), rvanished.end(), it->second))
                    rtoremove.push_back(it->second);
            }
            for (Uid r : rvanished) {
                auto it = mapping.remote_to_local.find(r);
                if (it == mapping.remote_to_local.end())
                    rdunno.push_back(r);
                else if (!std::binary_search(lvanished.begin(), lvanished.end(), it->second))
                    ltoremove.push_back(it->second);
            }
            if (!ldunno.empty())
                logger.warning(remote.context(), "No match for " + std::to_string(ldunno.size()) +
                                                     " vanished local UID(s) " +
                                                     compact_set(ldunno) + ". Ignoring.");
            if (!rdunno.empty())
                logger.warning(local.context(), "No match for " + std::to_string(rdunno.size()) +
                                                    " vanished remote UID(s) " +
                                                    compact_set(rdunno) + ". Ignoring.");
            gone_local = lvanished;
            gone_local.insert(gone_local.end(), ltoremove.begin(), ltoremove.end());
            std::erase_if(gone_local, [&](Uid l) { return !mapping.local_to_remote.count(l); });
        }
        // Removals and flag updates go in the same flight; the pairs of the
        // removed messages are already out of the mapping the flag updates
        // are computed with (the database forgets them once both are gone).
        auto lremove =
            ltoremove.empty() ? async::nothing_to_do() : remove_messages(local, ltoremove, logger);
        auto rremove =
            rtoremove.empty() ? async::nothing_to_do() : remove_messages(remote, rtoremove, logger);
        lremove.start();
        rremove.start();
        for (Uid l : gone_local)
            mapping.remove_local(l);

        // Flag updates: to the other side, or the union on both on conflict.
        std::map<FlagList, std::vector<Uid>> lupdate, rupdate;
        for (const auto& [l, u] : lmod) {
            auto it = mapping.local_to_remote.find(l);
            if (it == mapping.local_to_remote.end()) {
                logger.warning(remote.context(), "No match for modified local UID " +
                                                     std::to_string(l) + ". Try '--repair'.");
                continue;
            }
            Uid r = it->second;
            auto other = rmod.find(r);
            if (other == rmod.end()) {
                rupdate[*u.flags].push_back(r);
            } else if (*other->second.flags != *u.flags) {
                FlagList all = union_flags(*u.flags, *other->second.flags);
                logger.warning({}, "Conflicting flag update in " + display + " for local UID " +
                                       std::to_string(l) + " (" + *u.flags + ") and remote UID " +
                                       std::to_string(r) + " (" + *other->second.flags +
                                       "). Setting both to the union (" + all + ").");
                lupdate[all].push_back(l);
                rupdate[all].push_back(r);
            }
        }
        for (const auto& [r, u] : rmod) {
            auto it = mapping.remote_to_local.find(r);
            if (it == mapping.remote_to_local.end()) {
                logger.warning(local.context(), "No match for modified remote UID " +
                                                    std::to_string(r) + ". Try '--repair'.");
                continue;
            }
            if (!lmod.count(it->second))
                lupdate[*u.flags].push_back(it->second);
        }
        auto lpush = push_flag_groups(local, lupdate, lknown.highestmodseq, logger);
        auto rpush = push_flag_groups(remote, rupdate, rknown.highestmodseq, logger);
        lpush.start();
        rpush.start();

        // Every started task is awaited before anything is returned.
        auto removed = async::first_failure(co_await async::when_both(lremove, rremove));
        Result<void> forgotten = ok();
        if (removed && !gone_local.empty()) {
            forgotten = ctx.store->begin();
            for (Uid l : gone_local)
                if (forgotten)
                    forgotten = ctx.store->remove_mapping(id, Side::local, l);
            if (forgotten)
                forgotten = ctx.store->commit();
        }
        auto pushed = async::first_failure(co_await async::when_both(lpush, rpush));
        if (!removed)
            co_return Fail(std::move(removed).error());
        if (!forgotten)
            co_return Fail(std::move(forgotten).error());
        if (!pushed)
            co_return Fail(std::move(pushed).error());
        if (ctx.stopped())
            co_return Fail(ErrorCode::internal, "stopped");
    }
    co_return Fail(ErrorCode::protocol, "The servers keep reporting changes to " + display +
                                            "; giving up after 1000 rounds");
}

std::optional<QresyncParams> qresync_params(const std::optional<MailboxState>& state) {
    if (!state || state->highestmodseq == 0 || state->uidnext <= 1)
        return std::nullopt;
    QresyncParams p;
    p.uidvalidity = state->uidvalidity;
    p.modseq = state->highestmodseq;
    p.known_uids = "1:" + std::to_string(state->uidnext - 1);
    return p;
}

Result<void> check_selected_uidvalidity(const SyncSide& side,
                                        const std::optional<MailboxState>& state) {
    if (!state)
        return ok();
    return check_uidvalidity(side.which, side.selected->name, state->uidvalidity,
                             *side.selected->uidvalidity);
}

} // namespace

Result<void> check_uidvalidity(Side side, const std::string& server_name, std::uint32_t recorded,
                               std::uint32_t current) {
    if (recorded == current)
        return ok();
    return Fail(ErrorCode::protocol,
                "UIDVALIDITY changed! (" + std::to_string(current) +
                    " != " + std::to_string(recorded) + ")  Need to invalidate the UID cache for " +
                    server_name + ".",
                side_name(side));
}

namespace {

async::Task<Result<CopyOutcome>> copy_if_any(const CopyJob& job) {
    if (job.fetch_sets.empty())
        co_return CopyOutcome{};
    co_return co_await copy_messages(job);
}

} // namespace

async::Task<Result<std::pair<CopyOutcome, CopyOutcome>>>
copy_both_ways(const CopyJob& to_local, const CopyJob& to_remote, Mapping& mapping) {
    // Both ways: each server is the other copy's source. Counted before
    // either starts, so that neither asks for all its bodies at once (see
    // may_ask_for_bodies): the one started first would not see the other.
    std::optional<CopyTurns::Appending> appending_local, appending_remote;
    if (!to_local.fetch_sets.empty() && !to_remote.fetch_sets.empty()) {
        appending_local.emplace(*to_local.target->copy_turns);
        appending_remote.emplace(*to_remote.target->copy_turns);
    }
    auto lcopy = copy_if_any(to_local);
    auto rcopy = copy_if_any(to_remote);
    auto copied = co_await async::when_both(lcopy, rcopy);
    appending_local.reset();
    appending_remote.reset();
    if (!copied.first)
        co_return Fail(std::move(copied.first).error());
    if (!copied.second)
        co_return Fail(std::move(copied.second).error());
    const CopyOutcome& into_local = *copied.first;
    const CopyOutcome& into_remote = *copied.second;
    for (std::size_t i = 0; i < into_local.source_uids.size(); ++i)
        mapping.add({into_local.target_uids[i], into_local.source_uids[i]});
    for (std::size_t i = 0; i < into_remote.source_uids.size(); ++i)
        mapping.add({into_remote.source_uids[i], into_remote.target_uids[i]});
    co_return std::pair<CopyOutcome, CopyOutcome>(std::move(*copied.first),
                                                  std::move(*copied.second));
}

bool is_dirty(const MailboxRecord& m, const std::optional<MailboxState>& l,
              const std::optional<MailboxState>& r) {
    if (!m.local || !m.remote || !l || !r)
        return true;
    return l->uidnext != m.local->uidnext || l->highestmodseq != m.local->highestmodseq ||
           r->uidnext != m.remote->uidnext || r->highestmodseq != m.remote->highestmodseq;
}

async::Task<Result<void>> open_mailbox(SyncContext& ctx, const MailboxRecord& mailbox,
                                       Mapping& mapping) {
    SyncSide& local = *ctx.local;
    SyncSide& remote = *ctx.remote;
    StateStore& store = *ctx.store;
    auto lname = local.naming.to_server(mailbox.name);
    auto rname = remote.naming.to_server(mailbox.name);
    if (!lname)
        co_return Fail(std::move(lname).error());
    if (!rname)
        co_return Fail(std::move(rname).error());

    // QRESYNC reports what changed and VANISHED since the recorded state.
    auto lq = qresync_params(mailbox.local);
    auto rq = qresync_params(mailbox.remote);
    auto lselect = select_mailbox(local, *lname, lq);
    auto rselect = select_mailbox(remote, *rname, rq);
    auto selected = async::first_failure(co_await async::when_both(lselect, rselect));
    if (!selected)
        co_return Fail(std::move(selected).error());
    // Checked before anything is modified on either side or in the database.
    INTERIMAP_CO_TRY(check_selected_uidvalidity(local, mailbox.local));
    INTERIMAP_CO_TRY(check_selected_uidvalidity(remote, mailbox.remote));

    auto pairs = store.mapping(mailbox.id);
    if (!pairs)
        co_return Fail(std::move(pairs).error());
    for (const UidPair& p : *pairs)
        mapping.add(p);
    // Copies in flight when a run was interrupted are mapped first: they are
    // not new messages.
    auto pending = store.pending(mailbox.id);
    if (!pending)
        co_return Fail(std::move(pending).error());
    if (!pending->empty())
        co_return co_await recover_pending_copies(ctx, mailbox.id, *pending, mapping);
    co_return ok();
}

async::Task<Result<void>> sync_mailbox(SyncContext& ctx, const MailboxRecord& mailbox) {
    if (ctx.stopped())
        co_return Fail(ErrorCode::internal, "stopped");
    SyncSide& local = *ctx.local;
    SyncSide& remote = *ctx.remote;
    StateStore& store = *ctx.store;
    Mapping mapping;
    auto opened = co_await open_mailbox(ctx, mailbox, mapping);
    if (!opened)
        co_return opened;
    Known lknown, rknown;
    const bool known = mailbox.local && mailbox.remote;
    if (known) {
        lknown = Known{std::max<Uid>(mailbox.local->uidnext, 1), mailbox.local->highestmodseq};
        rknown = Known{std::max<Uid>(mailbox.remote->uidnext, 1), mailbox.remote->highestmodseq};
        auto resumed = co_await resume_interrupted_pairs(ctx, mailbox.id, mailbox.name, mapping,
                                                         lknown.uidnext, rknown.uidnext);
        if (!resumed)
            co_return resumed;
        auto changed = co_await sync_known(ctx, mailbox.id, mailbox.name, mapping, lknown, rknown);
        if (!changed)
            co_return Fail(std::move(changed).error());
        lknown.highestmodseq = *local.selected->highestmodseq;
        rknown.highestmodseq = *remote.selected->highestmodseq;
        if (ctx.stopped())
            co_return Fail(ErrorCode::internal, "stopped");
        if (*changed) {
            INTERIMAP_CO_TRY(store.begin());
            INTERIMAP_CO_TRY(store.set_state(
                mailbox.id, Side::local,
                {mailbox.local->uidvalidity, mailbox.local->uidnext, lknown.highestmodseq}));
            INTERIMAP_CO_TRY(store.set_state(
                mailbox.id, Side::remote,
                {mailbox.remote->uidvalidity, mailbox.remote->uidnext, rknown.highestmodseq}));
            INTERIMAP_CO_TRY(store.commit());
        }
    } else {
        // A new pair: its states exist from now on; they become useful with
        // the first mapping, committed together.
        INTERIMAP_CO_TRY(store.begin());
        INTERIMAP_CO_TRY(
            store.set_state(mailbox.id, Side::local, {*local.selected->uidvalidity, 0, 0}));
        INTERIMAP_CO_TRY(
            store.set_state(mailbox.id, Side::remote, {*remote.selected->uidvalidity, 0, 0}));
        INTERIMAP_CO_TRY(store.commit());
    }

    // New messages: those that existed when selected, both ways at once.
    const Uid lselect_next = *local.selected->uidnext;
    const Uid rselect_next = *remote.selected->uidnext;
    std::vector<Uid> lappended, rappended;
    Uid lseen = 0, rseen = 0;
    // Messages already mapped (copied by an interrupted run, by us, or in an
    // earlier pass) are never fetched again.
    auto unmapped = [&](Side side, Uid from, Uid last) {
        std::vector<Uid> mapped;
        for (const auto& [uid, other] : mapping.from(side))
            if (uid >= from)
                mapped.push_back(uid);
        return range_excluding(from, std::move(mapped), last);
    };
    std::vector<std::string> lsets, rsets;
    if (lknown.uidnext < lselect_next)
        lsets = unmapped(Side::local, lknown.uidnext, lselect_next - 1);
    if (rknown.uidnext < rselect_next)
        rsets = unmapped(Side::remote, rknown.uidnext, rselect_next - 1);
    // Up to where each side has been looked at for new mail.
    Uid lchecked = lselect_next - 1, rchecked = rselect_next - 1;
    for (int pass = 0; !lsets.empty() || !rsets.empty(); ++pass) {
        if (ctx.stopped())
            co_return Fail(ErrorCode::internal, "stopped");
        if (pass == 100)
            co_return Fail(ErrorCode::protocol,
                           "New messages keep arriving in " +
                               display_name(mailbox.name, local.naming.delimiter()) +
                               "; giving up");
        CopyJob to_local{&remote, &local, std::move(rsets), mailbox.id, &store, ctx.logger};
        CopyJob to_remote{&local, &remote, std::move(lsets), mailbox.id, &store, ctx.logger};
        auto copied = co_await copy_both_ways(to_local, to_remote, mapping);
        if (!copied)
            co_return Fail(std::move(copied).error());
        const CopyOutcome& into_local = copied->first;
        const CopyOutcome& into_remote = copied->second;
        lappended.insert(lappended.end(), into_local.target_uids.begin(),
                         into_local.target_uids.end());
        rappended.insert(rappended.end(), into_remote.target_uids.begin(),
                         into_remote.target_uids.end());
        rseen = std::max(rseen, into_local.highest_source_uid);
        lseen = std::max(lseen, into_remote.highest_source_uid);
        // Mail that reached a server while we appended to it has UIDs among
        // ours (the gaps in what APPENDUID gave us): it is copied now, or
        // the UIDNEXT we store would skip it. Mail above our highest UID is
        // left for the next run.
        lsets.clear();
        rsets.clear();
        if (!into_local.target_uids.empty()) {
            Uid highest = *std::max_element(lappended.begin(), lappended.end());
            if (highest > lchecked)
                lsets = unmapped(Side::local, lchecked + 1, highest);
            lchecked = std::max(lchecked, highest);
        }
        if (!into_remote.target_uids.empty()) {
            Uid highest = *std::max_element(rappended.begin(), rappended.end());
            if (highest > rchecked)
                rsets = unmapped(Side::remote, rchecked + 1, highest);
            rchecked = std::max(rchecked, highest);
        }
    }

    // Only UIDs we saw or allocated count: a UIDNEXT the server announces
    // may cover mail that arrived meanwhile, which must not be skipped.
    // Computed in 64 bits: after UID 4294967295 the next would not fit; the
    // database column holds 32 bits, so it saturates there.
    auto new_uidnext = [](Uid select_next, const std::vector<Uid>& appended, Uid seen) {
        std::uint64_t next = select_next;
        for (Uid u : appended)
            next = std::max<std::uint64_t>(next, std::uint64_t{u} + 1);
        next = std::max<std::uint64_t>(next, std::uint64_t{seen} + 1);
        return static_cast<Uid>(std::min<std::uint64_t>(next, 0xFFFFFFFFull));
    };
    lknown.uidnext = new_uidnext(lselect_next, lappended, lseen);
    rknown.uidnext = new_uidnext(rselect_next, rappended, rseen);

    // A side whose HIGHESTMODSEQ after our expunges is unknown is asked.
    for (SyncSide* side : {&local, &remote})
        if (side->selected->modseq_after_ours_unknown) {
            side->selected->modseq_after_ours_unknown = false;
            SentSelect select = reselect(*side);
            INTERIMAP_CO_TRY(co_await check_select(*side, select));
        }

    // Flag updates and expunges that happened meanwhile.
    auto changed = co_await sync_known(ctx, mailbox.id, mailbox.name, mapping, lknown, rknown);
    if (!changed)
        co_return Fail(std::move(changed).error());
    // The state says "everything up to here is synchronised": not after a
    // failure elsewhere may have kept news from us.
    if (ctx.stopped())
        co_return Fail(ErrorCode::internal, "stopped");

    INTERIMAP_CO_TRY(store.begin());
    INTERIMAP_CO_TRY(store.set_state(
        mailbox.id, Side::local,
        {*local.selected->uidvalidity, lknown.uidnext, *local.selected->highestmodseq}));
    INTERIMAP_CO_TRY(store.set_state(
        mailbox.id, Side::remote,
        {*remote.selected->uidvalidity, rknown.uidnext, *remote.selected->highestmodseq}));
    INTERIMAP_CO_TRY(store.commit());
    co_return ok();
}

} // namespace interimap::sync
