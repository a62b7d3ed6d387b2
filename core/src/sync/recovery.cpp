#include "sync/recovery.hpp"

#include "async/when_both.hpp"
#include "sync/fingerprint.hpp"
#include "sync/mailbox_ops.hpp"

#include <algorithm>
#include <map>

namespace interimap::sync {

namespace {

// What fetch_each asks for. (g++ 12 rejects a string literal converted to a
// coroutine's std::string parameter inside a co_await: "array used as
// initializer"; an enum sidesteps it.)
enum class Items { uid, body, uid_flags };

const char* items_text(Items items) {
    switch (items) {
    case Items::uid:
        return "(UID)";
    case Items::body:
        return "(BODY.PEEK[])";
    case Items::uid_flags:
        return "(UID FLAGS)";
    }
    return "";
}

/// UID FETCH `sets` with `items`; each answer goes to `take`, flag updates
/// the server volunteers to the selected mailbox.
async::Task<Result<void>> fetch_each(SyncSide& side, const std::vector<std::string>& sets,
                                     Items items,
                                     const std::function<void(const FetchData&)>& take) {
    imap::CommandOptions opts;
    opts.collects = {"FETCH"};
    if (items == Items::body)
        opts.bulk = imap::CommandOptions::Bulk::download;
    opts.on_untagged = [&side, &take, items](const imap::Response& r) {
        auto f = parse_fetch(r);
        if (!f || !f->uid) {
            side.selected->handle(r);
            return;
        }
        take(*f);
        // A FLAGS we did not ask for is news for the sync as well.
        if (items != Items::uid_flags && f->flags)
            side.selected->handle(r);
    };
    // Every FETCH is awaited: until it completes, its answers go to `take`.
    INTERIMAP_CO_TRY(co_await send_per_set(side, sets, "UID FETCH", items_text(items),
                                           "UID FETCH failed", opts));
    co_return ok();
}

/// Finds on `target` the copies listed in `pending` (all for that target).
async::Task<Result<std::vector<UidPair>>>
find_copies(SyncSide& target, const std::vector<PendingAppend>& pending, const Mapping& mapping) {
    std::vector<UidPair> found;
    Uid lowest = 0xFFFFFFFFu;
    for (const PendingAppend& p : pending)
        lowest = std::min(lowest, std::max<Uid>(p.min_target_uid, 1));
    // Candidates: messages from the lowest possible UID on, not mapped yet.
    std::vector<Uid> candidates;
    const auto& mapped = mapping.from(target.which);
    const std::vector<std::string> everything_from{std::to_string(lowest) + ":*"};
    const std::function<void(const FetchData&)> take_uid = [&](const FetchData& f) {
        if (*f.uid >= lowest && !mapped.count(*f.uid))
            candidates.push_back(*f.uid);
    };
    auto listed = co_await fetch_each(target, everything_from, Items::uid, take_uid);
    if (!listed)
        co_return Fail(std::move(listed).error());
    if (candidates.empty())
        co_return found;

    std::map<Uid, std::string> fingerprints;
    const std::vector<std::string> candidate_sets = compact_set_chunks(candidates);
    const std::function<void(const FetchData&)> take_body = [&](const FetchData& f) {
        if (f.body && f.body->kind == imap::Value::Kind::string)
            fingerprints[*f.uid] = message_fingerprint(f.body->text);
    };
    auto fetched = co_await fetch_each(target, candidate_sets, Items::body, take_body);
    if (!fetched)
        co_return Fail(std::move(fetched).error());

    // In UID order on both sides: copies of equal bytes pair up in the order
    // they were appended.
    std::vector<PendingAppend> wanted = pending;
    std::sort(wanted.begin(), wanted.end(), [](const PendingAppend& a, const PendingAppend& b) {
        return a.source_uid < b.source_uid;
    });
    std::vector<bool> used(wanted.size(), false);
    for (const auto& [uid, fp] : fingerprints)
        for (std::size_t i = 0; i < wanted.size(); ++i)
            if (!used[i] && wanted[i].fingerprint == fp && uid >= wanted[i].min_target_uid) {
                used[i] = true;
                found.push_back(target.which == Side::local ? UidPair{uid, wanted[i].source_uid}
                                                            : UidPair{wanted[i].source_uid, uid});
                break;
            }
    co_return found;
}

} // namespace

async::Task<Result<void>> recover_pending_copies(SyncContext& ctx, MailboxId id,
                                                 const std::vector<PendingAppend>& pending,
                                                 Mapping& mapping) {
    std::vector<PendingAppend> to_local, to_remote;
    for (const PendingAppend& p : pending) {
        // A source already mapped was recorded twice; nothing to find.
        const auto& mapped = mapping.from(p.target == Side::local ? Side::remote : Side::local);
        if (mapped.count(p.source_uid))
            continue;
        (p.target == Side::local ? to_local : to_remote).push_back(p);
    }
    auto lt = to_local.empty() ? async::Task<Result<std::vector<UidPair>>>()
                               : find_copies(*ctx.local, to_local, mapping);
    auto rt = to_remote.empty() ? async::Task<Result<std::vector<UidPair>>>()
                                : find_copies(*ctx.remote, to_remote, mapping);
    std::vector<UidPair> found;
    for (auto* t : {&lt, &rt}) {
        if (t->done())
            continue; // an empty task: nothing to look for on that side
        auto r = co_await *t;
        if (!r)
            co_return Fail(std::move(r).error());
        found.insert(found.end(), r->begin(), r->end());
    }
    INTERIMAP_CO_TRY(ctx.store->begin());
    for (const UidPair& p : found) {
        INTERIMAP_CO_TRY(ctx.store->add_mapping(id, p));
        mapping.add(p);
    }
    for (const PendingAppend& p : pending)
        INTERIMAP_CO_TRY(ctx.store->clear_pending(id, p.target, p.source_uid));
    INTERIMAP_CO_TRY(ctx.store->commit());
    if (!found.empty())
        ctx.logger->info(ctx.local->context(),
                         "Found " + std::to_string(found.size()) +
                             " message(s) copied before an interruption; not copying them again");
    co_return ok();
}

async::Task<Result<void>> resume_interrupted_pairs(SyncContext& ctx, MailboxId id,
                                                   const StoredMailboxName& name, Mapping& mapping,
                                                   Uid local_uidnext, Uid remote_uidnext) {
    std::vector<UidPair> pairs;
    for (const auto& [l, r] : mapping.local_to_remote)
        if (l >= local_uidnext || r >= remote_uidnext)
            pairs.push_back({l, r});
    if (pairs.empty())
        co_return ok();
    SyncSide& local = *ctx.local;
    SyncSide& remote = *ctx.remote;
    Logger& logger = *ctx.logger;
    logger.notice({},
                  "Resuming interrupted sync for " + display_name(name, local.naming.delimiter()));

    std::vector<Uid> luids, ruids;
    for (const UidPair& p : pairs) {
        luids.push_back(p.local);
        ruids.push_back(p.remote);
    }
    std::map<Uid, FlagList> lflags, rflags;
    // Named: the tasks keep references to their arguments until they run.
    const std::vector<std::string> lsets = compact_set_chunks(luids);
    const std::vector<std::string> rsets = compact_set_chunks(ruids);
    const std::function<void(const FetchData&)> ltake = [&](const FetchData& f) {
        lflags[*f.uid] = f.flags.value_or("");
    };
    const std::function<void(const FetchData&)> rtake = [&](const FetchData& f) {
        rflags[*f.uid] = f.flags.value_or("");
    };
    auto lt = fetch_each(local, lsets, Items::uid_flags, ltake);
    auto rt = fetch_each(remote, rsets, Items::uid_flags, rtake);
    auto fetched = co_await async::when_both(lt, rt);
    if (!fetched.first)
        co_return Fail(std::move(fetched.first).error());
    if (!fetched.second)
        co_return Fail(std::move(fetched.second).error());

    std::vector<Uid> lremove, rremove, unmap;
    std::map<FlagList, std::vector<Uid>> lupdate, rupdate;
    for (const UidPair& p : pairs) {
        auto l = lflags.find(p.local);
        auto r = rflags.find(p.remote);
        if (l == lflags.end() || r == rflags.end()) {
            if (l != lflags.end())
                lremove.push_back(p.local);
            if (r != rflags.end())
                rremove.push_back(p.remote);
            unmap.push_back(p.local);
        } else if (l->second != r->second) {
            FlagList all = union_flags(l->second, r->second);
            if (all != l->second)
                lupdate[all].push_back(p.local);
            if (all != r->second)
                rupdate[all].push_back(p.remote);
        }
    }
    auto lr = lremove.empty() ? async::nothing_to_do() : remove_messages(local, lremove, logger);
    auto rr = rremove.empty() ? async::nothing_to_do() : remove_messages(remote, rremove, logger);
    auto removed = co_await async::when_both(lr, rr);
    if (!removed.first)
        co_return removed.first;
    if (!removed.second)
        co_return removed.second;
    INTERIMAP_CO_TRY(ctx.store->begin());
    for (Uid l : unmap) {
        INTERIMAP_CO_TRY(ctx.store->remove_mapping(id, Side::local, l));
        mapping.remove_local(l);
    }
    INTERIMAP_CO_TRY(ctx.store->commit());
    for (auto& [flags, uids] : lupdate) {
        auto r = co_await push_flags(local, flags, uids, *local.selected->highestmodseq, logger);
        if (!r)
            co_return Fail(std::move(r).error());
    }
    for (auto& [flags, uids] : rupdate) {
        auto r = co_await push_flags(remote, flags, uids, *remote.selected->highestmodseq, logger);
        if (!r)
            co_return Fail(std::move(r).error());
    }
    co_return ok();
}

} // namespace interimap::sync
