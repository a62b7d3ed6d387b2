#include "sync/message_copy.hpp"

#include "sync/copy_turns.hpp"
#include "sync/fingerprint.hpp"
#include "sync/mailbox_ops.hpp"

#include <algorithm>
#include <deque>

namespace interimap::sync {

namespace {

constexpr std::size_t kBatchMessages = 128;
constexpr std::size_t kBatchBytes = 512 << 10;
/// Bodies waiting to be written to the target, beyond which the source is
/// no longer read: memory stays bounded whatever the mailbox size.
constexpr std::size_t kMaxUnsentBytes = 1 << 20;

struct Message {
    Uid uid = 0;
    std::string flags;
    std::optional<std::string> internal_date;
    std::string body;
};

struct Batch {
    std::vector<Uid> source_uids;
    SentSelect select; ///< of the target mailbox, sent before the APPEND
    imap::PendingCommand append;
};

/// "1:3,7" with ranges only for consecutive runs, in the given order (the
/// reference's compact_list, used in "Added" messages).
std::string compact_list(const std::vector<Uid>& uids) {
    std::string out;
    for (std::size_t i = 0; i < uids.size();) {
        std::size_t j = i;
        while (j + 1 < uids.size() && uids[j + 1] == uids[j] + 1)
            ++j;
        if (!out.empty())
            out += ',';
        out += std::to_string(uids[i]);
        if (j > i)
            out += ":" + std::to_string(uids[j]);
        i = j + 1;
    }
    return out;
}

} // namespace

FlowControl::FlowControl(imap::Connection& a, CopyTurns& a_turns, imap::Connection& b,
                         CopyTurns& b_turns)
    : a_(a), b_(b) {
    // What we hold for a server: bytes not written yet, and APPENDs formed
    // but waiting for it to stop sending bodies.
    auto backlog = [](imap::Connection& c, CopyTurns& t) {
        return c.unsent_bytes() + t.held_bytes;
    };
    // Never both closed: one closes only while the other lags and it does
    // not, so copies in opposite directions cannot wait for each other.
    a_.set_read_gate([=, &a, &a_turns, &b, &b_turns] {
        return backlog(b, b_turns) < kMaxUnsentBytes || backlog(a, a_turns) >= kMaxUnsentBytes;
    });
    b_.set_read_gate([=, &a, &a_turns, &b, &b_turns] {
        return backlog(a, a_turns) < kMaxUnsentBytes || backlog(b, b_turns) >= kMaxUnsentBytes;
    });
}

FlowControl::~FlowControl() {
    a_.set_read_gate(nullptr);
    b_.set_read_gate(nullptr);
}

std::vector<std::string> range_excluding(Uid from, std::vector<Uid> skip, Uid last) {
    std::sort(skip.begin(), skip.end());
    skip.erase(std::unique(skip.begin(), skip.end()), skip.end());
    std::vector<std::string> out;
    std::string current;
    std::uint64_t next = from;
    auto add = [&](std::uint64_t a, std::uint64_t b) {
        std::string r = a == b ? std::to_string(a) : std::to_string(a) + ":" + std::to_string(b);
        if (!current.empty() && current.size() + r.size() + 1 > 1000) {
            out.push_back(std::move(current));
            current.clear();
        }
        if (!current.empty())
            current += ',';
        current += r;
    };
    if (from == 0 || from > last)
        return out;
    for (Uid s : skip) {
        if (s < next)
            continue;
        if (s > last)
            break;
        if (s > next)
            add(next, s - 1);
        next = static_cast<std::uint64_t>(s) + 1;
    }
    if (next <= last)
        add(next, last);
    if (!current.empty())
        out.push_back(std::move(current));
    return out;
}

namespace {

/// A piece of a copy: consecutive messages fetched with one UID FETCH per
/// set, about one APPEND batch's worth.
struct Chunk {
    std::vector<std::string> sets;
    std::size_t bytes = 0;
};

/// The UIDs and sizes of the messages of `sets` (UID FETCH ... RFC822.SIZE).
async::Task<Result<std::vector<std::pair<Uid, std::uint64_t>>>>
message_sizes(SyncSide& source, const std::vector<std::string>& sets) {
    std::vector<std::pair<Uid, std::uint64_t>> sizes;
    imap::CommandOptions opts;
    opts.collects = {"FETCH"};
    opts.on_untagged = [&source, &sizes](const imap::Response& r) {
        auto f = parse_fetch(r);
        if (f && f->uid && f->size)
            sizes.emplace_back(*f->uid, *f->size);
        else
            source.selected->handle(r);
    };
    // Every FETCH is awaited: until it completes, its answers come here.
    auto fetched =
        co_await send_per_set(source, sets, "UID FETCH", "(RFC822.SIZE)", "UID FETCH failed", opts);
    if (!fetched)
        co_return Fail(std::move(fetched).error());
    std::sort(sizes.begin(), sizes.end());
    co_return sizes;
}

/// Cuts the messages into chunks of at most one APPEND batch each.
std::vector<Chunk> plan_chunks(const std::vector<std::pair<Uid, std::uint64_t>>& sizes) {
    std::vector<Chunk> chunks;
    std::vector<Uid> uids;
    std::size_t bytes = 0;
    auto close = [&] {
        if (uids.empty())
            return;
        chunks.push_back(Chunk{compact_set_chunks(uids), bytes});
        uids.clear();
        bytes = 0;
    };
    for (const auto& [uid, size] : sizes) {
        std::size_t b = static_cast<std::size_t>(std::min<std::uint64_t>(size, SIZE_MAX / 2));
        if (!uids.empty() && (uids.size() >= kBatchMessages || bytes + b > kBatchBytes))
            close();
        uids.push_back(uid);
        bytes += b;
    }
    close();
    return chunks;
}

/// Records the mapping of an APPEND the target accepted (`done`), as its
/// APPENDUID tells, and clears the batch's intents from the journal.
Result<void> map_batch(const CopyJob& job, SyncSide& source, SyncSide& target, const Batch& batch,
                       Result<imap::Completion> done, CopyOutcome& outcome) {
    if (!done)
        return Fail(std::move(done).error());
    const std::string& target_name = target.selected->name;
    if (!done->code || done->code->name != "APPENDUID" || done->code->args.size() != 2)
        return Fail(ErrorCode::protocol,
                    "APPEND to " + target_name + " gave no APPENDUID (UIDPLUS)", target.name());
    auto uids = parse_uid_set(done->code->args[1].text);
    if (!uids || uids->size() != batch.source_uids.size())
        return Fail(ErrorCode::protocol,
                    "APPENDUID " + done->code->args[1].text + " does not match the " +
                        std::to_string(batch.source_uids.size()) + " message(s) appended",
                    target.name());
    INTERIMAP_TRY(job.store->begin());
    for (std::size_t i = 0; i < uids->size(); ++i) {
        UidPair pair = source.which == Side::local ? UidPair{batch.source_uids[i], (*uids)[i]}
                                                   : UidPair{(*uids)[i], batch.source_uids[i]};
        INTERIMAP_TRY(job.store->add_mapping(job.mailbox, pair));
        INTERIMAP_TRY(job.store->clear_pending(job.mailbox, target.which, batch.source_uids[i]));
    }
    INTERIMAP_TRY(job.store->commit());
    Uid highest = *std::max_element(uids->begin(), uids->end());
    target.selected->uidnext = std::max(target.selected->uidnext.value_or(1), highest + 1);
    std::string list = target.which == Side::local
                           ? compact_list(*uids) + " <- " + compact_list(batch.source_uids)
                           : compact_list(batch.source_uids) + " -> " + compact_list(*uids);
    job.logger->info(target.context(), "Added " + std::to_string(uids->size()) + " UID(s) " + list);
    outcome.source_uids.insert(outcome.source_uids.end(), batch.source_uids.begin(),
                               batch.source_uids.end());
    outcome.target_uids.insert(outcome.target_uids.end(), uids->begin(), uids->end());
    return ok();
}

} // namespace

async::Task<Result<CopyOutcome>> copy_messages(const CopyJob& job) {
    SyncSide& source = *job.source;
    SyncSide& target = *job.target;
    Logger& logger = *job.logger;
    CopyOutcome outcome;
    const bool multiappend = target.connection->capabilities().has("MULTIAPPEND");
    const std::string target_name = target.selected->name;

    // While this copy appends to the target, copies from it are bounded.
    CopyTurns::Appending appending(*target.copy_turns);

    std::deque<Batch> batches;
    std::vector<Message> pending;
    std::size_t pending_bytes = 0;
    std::optional<Error> failure;

    // APPENDs formed, sent once the target sends no bodies (see CopyTurns).
    struct Formed {
        std::vector<Uid> source_uids;
        imap::Command command;
        std::size_t bytes = 0;
    };
    std::deque<Formed> formed;
    CopyTurns& target_turns = *target.copy_turns;
    std::function<void()> send_formed = [&] {
        if (target_turns.downloading())
            return;
        while (!formed.empty()) {
            Formed f = std::move(formed.front());
            formed.pop_front();
            target_turns.held_bytes -= f.bytes;
            // Appended with the mailbox selected, the server tells its new
            // HIGHESTMODSEQ (and EXISTS) to it: the state we store at the end.
            Batch batch{std::move(f.source_uids), reselect_if_needed(target),
                        imap::PendingCommand(nullptr)};
            imap::CommandOptions upload;
            upload.bulk = imap::CommandOptions::Bulk::upload;
            batch.append = target.connection->send(std::move(f.command), std::move(upload));
            batches.push_back(std::move(batch));
        }
    };
    struct Draining {
        CopyTurns& turns;
        std::function<void()>& drain;
        std::deque<Formed>& formed;
        Draining(CopyTurns& t, std::function<void()>& d, std::deque<Formed>& f)
            : turns(t), drain(d), formed(f) {
            turns.on_downloads_over(&drain);
        }
        ~Draining() {
            turns.forget(&drain);
            for (const Formed& f : formed) // never sent: the journal has them
                turns.held_bytes -= f.bytes;
        }
        Draining(const Draining&) = delete;
        Draining& operator=(const Draining&) = delete;
    } draining(target_turns, send_formed, formed);

    auto flush = [&] {
        if (pending.empty() || failure)
            return;
        // Recorded before the APPEND leaves: if we are interrupted before its
        // mapping is committed, the next run recognises the copy.
        std::vector<PendingAppend> intents;
        const Uid lowest = target.selected->uidnext.value_or(1);
        for (const Message& m : pending)
            intents.push_back(
                PendingAppend{target.which, m.uid, lowest, message_fingerprint(m.body)});
        Result<void> recorded = job.store->begin();
        if (recorded)
            recorded = job.store->add_pending(job.mailbox, intents);
        if (recorded)
            recorded = job.store->commit();
        if (!recorded) {
            failure = std::move(recorded).error();
            return;
        }
        Formed batch{{}, imap::Command("APPEND"), pending_bytes};
        batch.command.mailbox(target_name);
        for (Message& m : pending) {
            batch.command.raw("(" + m.flags + ")");
            if (m.internal_date)
                batch.command.string(*m.internal_date);
            batch.command.literal_taken(std::move(m.body));
            batch.source_uids.push_back(m.uid);
        }
        target_turns.held_bytes += batch.bytes;
        formed.push_back(std::move(batch));
        pending.clear();
        pending_bytes = 0;
        send_formed();
    };

    imap::CommandOptions opts;
    opts.collects = {"FETCH"};
    opts.bulk = imap::CommandOptions::Bulk::download;
    opts.on_untagged = [&](imap::Response& r) {
        auto f = parse_fetch(r);
        if (!f || !f->body) {
            // A flag update the server sent meanwhile, not a body.
            source.selected->handle(r);
            return;
        }
        if (!f->uid) {
            failure = make_error(ErrorCode::protocol, "FETCH response without UID: " + r.log_line,
                                 source.name());
            return;
        }
        outcome.highest_source_uid = std::max(outcome.highest_source_uid, *f->uid);
        if (f->modseq)
            source.selected->highestmodseq =
                std::max(source.selected->highestmodseq.value_or(0), *f->modseq);
        const imap::Value& body = *f->body;
        if (body.kind != imap::Value::Kind::string || body.text.empty()) {
            // APPEND cannot carry an empty message (RFC 3502 6.3.11).
            logger.warning(source.context(),
                           "Ignoring new 0-length message (UID " + std::to_string(*f->uid) + ")");
            return;
        }
        if (job.announce_sources)
            logger.info(source.context(), "UID " + std::to_string(*f->uid) + " from <" +
                                              envelope_sender(f->envelope) + "> (" +
                                              f->internal_date.value_or("") + ")");
        std::size_t size = body.text.size();
        if (!pending.empty() && (!multiappend || pending.size() >= kBatchMessages ||
                                 pending_bytes + size > kBatchBytes))
            flush();
        // The body is taken out of the response (ours to change: parse_fetch
        // only points into it), not copied.
        pending.push_back(Message{*f->uid, f->flags.value_or(""), f->internal_date,
                                  std::move(const_cast<imap::Value&>(body).text)});
        pending_bytes += size;
    };

    // The bodies are asked for with one UID FETCH per set, all at once: the
    // APPEND batches are cut as they arrive, and the read gate bounds what
    // we hold. Unless the source is also the target of a copy (see
    // CopyTurns): then our FETCHes go chunk after chunk within a window of
    // bytes, each chunk's APPEND sent when it is in, so that our APPENDs to
    // it do not wait behind everything we asked it to send. Cutting chunks
    // needs the sizes first, a pass over the messages worth avoiding: in
    // the loopback benchmark, the remote Dovecot answers it for 18 ms per
    // 5000 messages while the local one waits for its first APPEND.
    bool small = true;
    std::size_t count = 0;
    for (const std::string& set : job.fetch_sets) {
        auto uids = parse_uid_set(set, kBatchMessages);
        count += uids ? uids->size() : kBatchMessages + 1;
        small = small && count <= kBatchMessages;
    }
    CopyTurns& turns = *source.copy_turns;
    auto windowed = [&] { return !small && turns.copies_into > 0; };
    std::vector<Chunk> chunks;
    auto size_chunks = [&]() -> async::Task<Result<void>> {
        auto sizes = co_await message_sizes(source, job.fetch_sets);
        if (!sizes)
            co_return Fail(std::move(sizes).error());
        chunks = plan_chunks(*sizes);
        co_return ok();
    };
    // Sized before our turn when we can tell already, so that the pass
    // overlaps the copies before ours.
    if (windowed()) {
        auto sized = co_await size_chunks();
        if (!sized)
            co_return Fail(std::move(sized).error());
    }
    co_await turns.take();
    if (chunks.empty() && windowed()) { // a copy into the source began meanwhile
        auto sized = co_await size_chunks();
        if (!sized) {
            turns.give_back();
            co_return Fail(std::move(sized).error());
        }
    }
    if (chunks.empty())
        chunks.push_back(Chunk{job.fetch_sets, 0});

    struct InFlight {
        SentSelect select;
        std::vector<imap::PendingCommand> fetches;
        std::size_t bytes = 0;
        bool bulk = false; ///< sent with no copy into the source (all at once)
    };
    // ENVELOPE only to name the sender: the server parses every header for
    // it (in the loopback benchmark's initial copy, 0.3 s of the remote
    // Dovecot's 0.8 s of CPU).
    const char* fetch_items = job.announce_sources
                                  ? "(MODSEQ FLAGS INTERNALDATE ENVELOPE BODY.PEEK[])"
                                  : "(MODSEQ FLAGS INTERNALDATE BODY.PEEK[])";
    bool turn = true;
    bool fetch_refused = false; // a UID FETCH was answered NO or BAD
    std::deque<InFlight> fetching;
    std::size_t next = 0;
    while ((next < chunks.size() && !failure) || !fetching.empty()) {
        // Everything at once, unless the source is also being appended to:
        // then within the window (see may_ask_for_bodies).
        while (next < chunks.size() && !failure &&
               may_ask_for_bodies(turns, target_turns, !fetching.empty(), chunks[next].bytes)) {
            InFlight chunk{reselect_if_needed(source), {}, chunks[next].bytes};
            const std::vector<std::string>& sets = chunks[next].sets;
            for (std::size_t i = 0; i < sets.size(); ++i) {
                imap::CommandOptions fetch_opts = opts;
                // The chunk's last messages are appended as soon as its last
                // answer is read, before the next chunk's (or copy's) first
                // bodies are: resuming this frame comes later, and by then
                // the next copy could have sent its APPEND first, making the
                // target switch mailboxes twice more.
                fetch_opts.on_tagged = [&, last = i + 1 == sets.size()](const imap::Completion& d) {
                    fetch_refused = fetch_refused || !d.ok();
                    if (last && !fetch_refused)
                        flush();
                };
                chunk.fetches.push_back(source.connection->send(
                    std::move(imap::Command("UID FETCH").raw(sets[i]).raw(fetch_items)),
                    std::move(fetch_opts)));
            }
            turns.bytes_in_flight += chunk.bytes;
            chunk.bulk = turns.copies_into == 0;
            turns.bulk_downloads += chunk.bulk ? 1 : 0;
            turns.download_started();
            fetching.push_back(std::move(chunk));
            ++next;
        }
        if (turn && (next == chunks.size() || failure)) {
            turns.give_back();
            turn = false;
        }
        if (fetching.empty()) {
            // Held back until the target has sent what a copy from it asked
            // for all at once.
            co_await target_turns.downloads_over();
            continue;
        }
        // Every FETCH is awaited, whatever happens: their answers go to
        // this frame's handlers until they complete.
        InFlight& oldest = fetching.front();
        if (auto selected = co_await check_select(source, oldest.select); !selected && !failure)
            failure = std::move(selected).error();
        for (auto& f : oldest.fetches) {
            auto done = expect_ok(co_await f, source, "UID FETCH failed");
            if (!done && !failure)
                failure = std::move(done).error();
        }
        turns.bytes_in_flight -= oldest.bytes;
        turns.bulk_downloads -= oldest.bulk ? 1 : 0;
        fetching.pop_front();
        turns.download_finished();
    }
    if (turn)
        turns.give_back(); // nothing was asked for
    // The last APPENDs wait for the target to stop sending bodies.
    while (!formed.empty() && !failure) {
        co_await target_turns.downloads_over();
        send_formed();
    }
    // Every APPEND sent is answered before we return, whatever happens: one
    // left running would still be committed by the server after we are gone,
    // maybe after the next run has looked for it, and be copied twice. What
    // the target accepted is mapped even when something else failed (a
    // FETCH, an APPEND before it: the server ran the later ones anyway);
    // nothing is mapped once the target's mailbox is in doubt (a failed
    // SELECT) or the database fails. The intents of the rest stay in the
    // journal for the next run.
    std::optional<Error> refused;
    bool can_map = true;
    for (Batch& batch : batches) {
        auto selected = co_await check_select(target, batch.select);
        auto done = co_await batch.append;
        if (!selected) {
            if (!failure)
                failure = std::move(selected).error();
            can_map = false;
        }
        if (!can_map)
            continue;
        if (done && !done->ok()) {
            if (!refused)
                refused = expect_ok(std::move(done), target, "Couldn't APPEND").error();
            continue;
        }
        auto mapped = map_batch(job, source, target, batch, std::move(done), outcome);
        if (!mapped) {
            if (!failure)
                failure = std::move(mapped).error();
            can_map = false;
        }
    }
    if (failure)
        co_return Fail(*failure);
    if (refused)
        co_return Fail(*refused);
    co_return outcome;
}

} // namespace interimap::sync
