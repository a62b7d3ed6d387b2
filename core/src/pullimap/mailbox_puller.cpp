#include "pullimap/mailbox_puller.hpp"

#include "pullimap/fetch_ranges.hpp"
#include "sync/selected_mailbox.hpp"
#include "sync/uid_set.hpp"
#include "util/ascii.hpp"

#include <algorithm>
#include <ctime>

namespace interimap::pullimap {

namespace {

std::optional<std::uint32_t> as_uint32(const imap::Value& v) {
    if (v.kind != imap::Value::Kind::number || v.overflow || v.number > UINT32_MAX)
        return std::nullopt;
    return static_cast<std::uint32_t>(v.number);
}

/// The local part and domain of the ENVELOPE's Sender (its fourth field,
/// which servers fill from From when the header is absent), as the
/// reference takes the envelope sender from.
std::string sender_of(const imap::Value* envelope) {
    if (!envelope || envelope->kind != imap::Value::Kind::list || envelope->items.size() < 4)
        return "";
    const imap::Value& list = envelope->items[3];
    if (list.kind != imap::Value::Kind::list || list.items.empty())
        return "";
    const imap::Value& address = list.items[0];
    if (address.kind != imap::Value::Kind::list || address.items.size() < 4)
        return "";
    auto part = [](const imap::Value& v) -> std::optional<std::string_view> {
        if (v.kind != imap::Value::Kind::string)
            return std::nullopt;
        return std::string_view(v.text);
    };
    return delivery::envelope_sender(part(address.items[2]), part(address.items[3]));
}

/// RFC 3501 date (the SEARCH BEFORE criterion) `days` before `now`, in UTC.
std::string search_date(std::chrono::system_clock::time_point now, unsigned days) {
    static const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::time_t t =
        std::chrono::system_clock::to_time_t(now) - static_cast<std::time_t>(days) * 86400;
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02d-%s-%04d", tm.tm_mday, months[tm.tm_mon],
                  tm.tm_year + 1900);
    return buf;
}

} // namespace

MailboxPuller::MailboxPuller(imap::Connection& imap, Statefile& statefile, PullSettings settings,
                             Logger& logger)
    : imap_(imap), statefile_(statefile), settings_(std::move(settings)), logger_(logger) {
    imap_.set_unsolicited_handler([this](const imap::Response& r) { on_unsolicited(r); });
}

Error MailboxPuller::in_context(Error e) const {
    e.context = settings_.name;
    return e;
}

void MailboxPuller::on_code(const imap::ResponseCode& code) {
    if (code.args.size() != 1)
        return;
    if (code.name == "UIDVALIDITY") {
        if (auto v = as_uint32(code.args[0]))
            uidvalidity_ = *v;
    } else if (code.name == "UIDNEXT") {
        if (auto v = as_uint32(code.args[0]))
            server_uidnext_ = std::max(server_uidnext_, *v);
    }
}

void MailboxPuller::on_unsolicited(const imap::Response& r) {
    if (r.code)
        on_code(*r.code);
    if (r.keyword == "EXISTS" && r.number) {
        // The first EXISTS is the SELECT's; a larger one later means mail
        // arrived (RFC 3501 section 7.3.1).
        if (exists_ && *r.number > *exists_)
            new_mail_ = true;
        exists_ = *r.number;
    } else if (r.keyword == "EXPUNGE" && exists_ && *exists_ > 0) {
        --*exists_;
    }
}

async::Task<Result<void>> MailboxPuller::simple(imap::Command command,
                                                imap::CommandOptions options) {
    const std::string name = command.name();
    auto done = co_await imap_.send(std::move(command), std::move(options));
    if (!done)
        co_return Fail(in_context(std::move(done).error()));
    if (!done->ok())
        co_return Fail(
            in_context(make_error(ErrorCode::refused, name + " failed: " + imap::describe(*done))));
    if (done->code)
        on_code(*done->code);
    co_return ok();
}

async::Task<Result<void>> MailboxPuller::await_all(std::vector<imap::PendingCommand>& commands,
                                                   std::string what) {
    std::optional<Error> error;
    for (auto& command : commands) {
        auto done = co_await command;
        if (!error && !done)
            error = in_context(std::move(done).error());
        else if (!error && !done->ok())
            error = in_context(make_error(ErrorCode::refused, what + imap::describe(*done)));
    }
    if (error)
        co_return Fail(std::move(*error));
    co_return ok();
}

async::Task<Result<void>> MailboxPuller::select() {
    auto state = statefile_.read();
    if (!state)
        co_return Fail(std::move(state).error());
    INTERIMAP_CO_TRY(
        co_await simple(std::move(imap::Command("SELECT").mailbox(settings_.mailbox))));
    selected_ = true;
    if (!uidvalidity_ || server_uidnext_ == 0)
        co_return Fail(in_context(make_error(
            ErrorCode::protocol, "The server did not tell the UIDVALIDITY and UIDNEXT of " +
                                     settings_.mailbox + " (persistent UIDs are required)")));
    if (state->uidvalidity && *state->uidvalidity != *uidvalidity_)
        co_return Fail(in_context(
            make_error(ErrorCode::protocol,
                       "UIDVALIDITY changed! (" + std::to_string(*state->uidvalidity) +
                           " != " + std::to_string(*uidvalidity_) +
                           ")  Need to invalidate the UID cache for " + settings_.mailbox + ".")));
    if (!state->uidvalidity)
        INTERIMAP_CO_TRY(statefile_.write_uidvalidity(*uidvalidity_));
    if (!state->uidnext)
        INTERIMAP_CO_TRY(statefile_.write_uidnext(1));
    uidnext_ = std::max<std::uint32_t>(state->uidnext.value_or(1), 1);
    stalled_ = std::move(state->delivered);
    co_return ok();
}

async::Task<Result<void>> MailboxPuller::run() {
    INTERIMAP_CO_TRY(co_await select());
    // A run that was interrupted left the UIDs it delivered: they are not
    // fetched again, and get their \Seen with this pull's messages.
    INTERIMAP_CO_TRY(co_await pull(std::exchange(stalled_, {})));
    INTERIMAP_CO_TRY(co_await purge());
    if (!settings_.idle)
        co_return ok();
    while (!stop_requested()) {
        INTERIMAP_CO_TRY(co_await idle());
        if (stop_requested())
            break;
        if (has_new_mail())
            INTERIMAP_CO_TRY(co_await pull({}));
        INTERIMAP_CO_TRY(co_await purge());
    }
    co_return ok();
}

bool MailboxPuller::stop_requested() const {
    return settings_.stop_requested && settings_.stop_requested();
}

void MailboxPuller::on_message(const imap::Response& r, const std::vector<std::uint32_t>& stalled,
                               DeliveryPipeline& pipeline) {
    auto fetch = sync::parse_fetch(r);
    if (!fetch || !fetch->uid)
        return;
    const std::uint32_t uid = *fetch->uid;
    // Only what we asked for: not a flag change the server slipped in
    // (no body), not a UID out of the range or already handled.
    if (uid < uidnext_ || std::binary_search(stalled.begin(), stalled.end(), uid))
        return;
    if (settings_.deliver ? fetch->body == nullptr : fetch->envelope == nullptr)
        return;
    // A server repeating a FETCH response must not make us deliver twice.
    if (!handled_.insert(uid).second)
        return;
    if (uid >= fetch_next_)
        fetch_next_ = uid == UINT32_MAX ? uid : uid + 1;
    if (pipeline.failure())
        return; // the run stops; nothing more is delivered
    const std::string sender = sender_of(fetch->envelope);
    if (!settings_.quiet)
        logger_.info(context(), "UID " + std::to_string(uid) + " from <" + sender + "> (" +
                                    fetch->internal_date.value_or("") + ")");
    if (!settings_.deliver) {
        pipeline.record_only(uid);
        return;
    }
    std::string message =
        fetch->body->kind == imap::Value::Kind::string ? fetch->body->text : std::string();
    pipeline.submit(uid, sender, std::move(message));
}

async::Task<Result<void>> MailboxPuller::fetch_new(const std::vector<std::uint32_t>& stalled,
                                                   DeliveryPipeline& pipeline) {
    // BODY.PEEK[]: a message is only \Seen once delivered (mark_seen).
    const char* items = settings_.deliver ? "(UID ENVELOPE INTERNALDATE BODY.PEEK[])"
                                          : "(UID ENVELOPE INTERNALDATE)";
    std::vector<imap::PendingCommand> fetches;
    for (const std::string& set : fetch_ranges(uidnext_, stalled)) {
        imap::CommandOptions options;
        options.collects = {"FETCH"};
        options.on_untagged = [this, &stalled, &pipeline](const imap::Response& r) {
            on_message(r, stalled, pipeline);
        };
        fetches.push_back(imap_.send(std::move(imap::Command("UID FETCH").raw(set).raw(items)),
                                     std::move(options)));
    }
    // The FETCH is read only as fast as the deliveries are acknowledged.
    imap_.set_read_gate([&pipeline] { return pipeline.accepting() || pipeline.failure(); });
    auto fetched = co_await await_all(fetches, "UID FETCH failed: ");
    imap_.set_read_gate(nullptr);
    co_return fetched;
}

async::Task<Result<void>> MailboxPuller::pull(std::vector<std::uint32_t> stalled) {
    std::sort(stalled.begin(), stalled.end());
    handled_.clear();
    DeliveryPipeline pipeline(settings_.delivery, statefile_, logger_, imap_.loop());
    Result<void> fetched = ok();
    do {
        // Cleared before the FETCH is sent: mail arriving while it runs,
        // maybe too late for it, makes another round.
        const bool announced = new_mail_;
        new_mail_ = false;
        fetch_next_ = std::max(uidnext_, server_uidnext_);
        if (uidnext_ < server_uidnext_ || announced) {
            fetched = co_await fetch_new(stalled, pipeline);
            if (!fetched || pipeline.failure())
                break;
        }
        uidnext_ = fetch_next_;
        if (pipeline.failure())
            break;
    } while (has_new_mail());

    // Whatever happened, the messages already handed over are acknowledged
    // or refused (and recorded) before anything else.
    auto delivered = co_await pipeline.finish();
    if (!fetched)
        co_return fetched;
    if (!delivered)
        co_return Fail(in_context(std::move(delivered).error()));

    std::vector<std::uint32_t> seen = stalled;
    seen.insert(seen.end(), pipeline.recorded().begin(), pipeline.recorded().end());
    INTERIMAP_CO_TRY(co_await mark_seen(std::move(seen)));
    INTERIMAP_CO_TRY(statefile_.finish_fetch(uidnext_));
    co_return ok();
}

async::Task<Result<void>> MailboxPuller::mark_seen(std::vector<std::uint32_t> uids) {
    if (uids.empty())
        co_return ok();
    std::vector<imap::PendingCommand> stores;
    for (const std::string& set : sync::compact_set_chunks(std::move(uids)))
        stores.push_back(imap_.send(
            std::move(imap::Command("UID STORE").raw(set).raw("+FLAGS.SILENT (\\Seen)"))));
    co_return co_await await_all(stores, "UID STORE failed: ");
}

async::Task<Result<void>> MailboxPuller::purge() {
    if (!settings_.purge_after_days || uidnext_ <= 1)
        co_return ok();
    const unsigned days = *settings_.purge_after_days;
    const std::string below_uidnext = "1:" + std::to_string(uidnext_ - 1);
    std::vector<std::string> sets;
    if (days == 0) {
        // Everything below UIDNEXT has been delivered: all of it goes.
        sets.push_back(below_uidnext);
    } else {
        // SEARCH's dates have no time of day: a day's accuracy is the best
        // there is, so once every 12 hours is often enough.
        // A clock set back makes the next purge due at once rather than
        // late: purging again is harmless.
        const auto now = settings_.clock();
        if (last_purge_ && now >= *last_purge_ && now - *last_purge_ < kPurgeInterval)
            co_return ok();
        last_purge_ = now;
        const bool esearch = imap_.capabilities().has("ESEARCH");
        std::vector<std::uint32_t> found;
        bool malformed = false;
        imap::CommandOptions options;
        options.collects = {esearch ? "ESEARCH" : "SEARCH"};
        options.on_untagged = [&](const imap::Response& r) {
            if (r.keyword == "SEARCH") {
                for (const imap::Value& v : r.data) {
                    auto uid = as_uint32(v);
                    if (uid && *uid > 0)
                        found.push_back(*uid);
                    else
                        malformed = true;
                }
                return;
            }
            // RFC 4731: * ESEARCH [(TAG "x")] [UID] ALL 4:19,21 (no ALL when nothing matched)
            for (std::size_t i = 0; i < r.data.size(); ++i) {
                if (!r.data[i].is_atom("ALL") || i + 1 == r.data.size())
                    continue;
                auto uids = sync::parse_uid_set(r.data[i + 1].text);
                if (!uids)
                    malformed = true;
                else
                    found.insert(found.end(), uids->begin(), uids->end());
            }
        };
        imap::Command search("UID SEARCH");
        if (esearch)
            search.raw("RETURN (ALL)");
        search.raw("UID").raw(below_uidnext).raw("BEFORE").raw(search_date(now, days));
        INTERIMAP_CO_TRY(co_await simple(std::move(search), std::move(options)));
        if (malformed)
            co_return Fail(in_context(make_error(
                ErrorCode::protocol, "Invalid SEARCH results for UID " + below_uidnext)));
        // Never anything at or past UIDNEXT: not delivered yet.
        std::erase_if(found, [this](std::uint32_t uid) { return uid >= uidnext_; });
        if (!found.empty()) {
            std::sort(found.begin(), found.end());
            found.erase(std::unique(found.begin(), found.end()), found.end());
            if (!settings_.quiet)
                logger_.info(context(), "Removing " + std::to_string(found.size()) + " UID(s) " +
                                            sync::compact_set(found));
            sets = sync::compact_set_chunks(std::move(found));
        }
    }
    if (!sets.empty()) {
        if (!imap_.capabilities().has("UIDPLUS"))
            co_return Fail(in_context(make_error(
                ErrorCode::protocol, "Server did not advertise UIDPLUS (RFC 4315) capability.")));
        // Each UID EXPUNGE needs the \Deleted of the STOREs: Dovecot runs a
        // pipelined UID STORE and UID EXPUNGE at once, and the EXPUNGE then
        // misses messages (RFC 3501 5.5: dependent commands are not pipelined).
        std::vector<imap::PendingCommand> stores;
        for (const std::string& set : sets)
            stores.push_back(imap_.send(
                std::move(imap::Command("UID STORE").raw(set).raw("+FLAGS.SILENT (\\Deleted)"))));
        INTERIMAP_CO_TRY(co_await await_all(stores, "Couldn't purge: "));
        std::vector<imap::PendingCommand> expunges;
        for (const std::string& set : sets)
            expunges.push_back(imap_.send(std::move(imap::Command("UID EXPUNGE").raw(set))));
        INTERIMAP_CO_TRY(co_await await_all(expunges, "Couldn't purge: "));
    }
    // Mail that arrived meanwhile is pulled now rather than after the next IDLE.
    if (has_new_mail())
        INTERIMAP_CO_TRY(co_await pull({}));
    co_return ok();
}

async::Task<Result<void>> MailboxPuller::idle() {
    if (!imap_.capabilities().has("IDLE"))
        co_return Fail(in_context(make_error(
            ErrorCode::protocol, "Server did not advertise IDLE (RFC 2177) capability.")));
    bool answered = false;
    imap::CommandOptions options;
    options.idles = true;
    options.on_tagged = [&answered](const imap::Completion&) { answered = true; };
    auto idling = imap_.send(imap::Command("IDLE"), std::move(options));
    if (settings_.wake)
        imap_.loop().add(settings_.wake);
    (void)co_await imap_.loop().wait_until(
        [&] { return has_new_mail() || stop_requested() || answered || imap_.failure(); },
        std::chrono::steady_clock::now() + *settings_.idle);
    if (settings_.wake)
        imap_.loop().remove(settings_.wake);
    imap_.end_idle();
    auto done = co_await idling;
    if (!done)
        co_return Fail(in_context(std::move(done).error()));
    if (!done->ok())
        co_return Fail(
            in_context(make_error(ErrorCode::refused, "IDLE failed: " + imap::describe(*done))));
    co_return ok();
}

} // namespace interimap::pullimap
