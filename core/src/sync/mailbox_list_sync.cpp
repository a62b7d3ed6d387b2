#include "sync/mailbox_list_sync.hpp"

#include <set>

namespace interimap::sync {

namespace {

struct Presence {
    const ListedMailbox* local = nullptr;
    const ListedMailbox* remote = nullptr;
};

const ListedMailbox* find_existing(const SideListing& side, const StoredMailboxName& stored) {
    auto name = side.naming.to_server(stored);
    if (!name)
        return nullptr;
    auto it = side.listing.mailboxes.find(*name);
    if (it == side.listing.mailboxes.end() || !it->second.selectable)
        return nullptr;
    return &it->second;
}

/// A mailbox command (CREATE, SUBSCRIBE, UNSUBSCRIBE) on one server, logged
/// with the reference's wording once the server accepted it.
struct MailboxCommand {
    const char* verb;
    const char* done;   ///< log text on success, before the name
    const char* failed; ///< error text on refusal, before the name
};
constexpr MailboxCommand kCreate{"CREATE", "Created mailbox ", "Couldn't create mailbox "};
constexpr MailboxCommand kSubscribe{"SUBSCRIBE", "Subscribe to ", "Couldn't subscribe to "};
constexpr MailboxCommand kUnsubscribe{"UNSUBSCRIBE", "Unsubscribe to ", "Couldn't unsubscribe to "};

async::Task<Result<void>> run_mailbox_command(const MailboxCommand& what, SideListing& side,
                                              const std::string& name, Logger& logger) {
    imap::Command cmd(what.verb);
    cmd.mailbox(name);
    auto done = co_await side.connection->send(std::move(cmd));
    if (!done)
        co_return Fail(std::move(done).error());
    if (!done->ok()) {
        // As the reference: a refused CREATE (the mailbox may exist but be
        // hidden by list-select-opts) is a warning, the run goes on.
        if (&what == &kCreate) {
            logger.warning(side.connection->log_context(),
                           what.failed + name + ": " + imap::describe(*done));
            co_return ok();
        }
        co_return Fail(ErrorCode::refused, what.failed + name + ": " + imap::describe(*done),
                       side.connection->name());
    }
    logger.info(side.connection->log_context(), what.done + name);
    co_return ok();
}

} // namespace

async::Task<Result<MailboxListOutcome>> sync_mailbox_list(SideListing& local, SideListing& remote,
                                                          StateStore& store,
                                                          const MailboxFilter* filter,
                                                          Logger& logger) {
    const LogContext db_context{"database", {}};
    std::set<StoredMailboxName> names;
    for (SideListing* side : {&local, &remote})
        for (const auto& [server_name, listed] : side->listing.mailboxes) {
            auto stored = side->naming.to_stored(server_name);
            if (!stored || stored->empty())
                continue; // outside the reference (a "breakout" pattern)
            if (filter && filter->ignores(*stored))
                continue;
            names.insert(*stored);
        }

    MailboxListOutcome outcome;
    auto display = [&](const StoredMailboxName& n) {
        return display_name(n, local.naming.delimiter());
    };

    for (const StoredMailboxName& mailbox : names) {
        const ListedMailbox* l = find_existing(local, mailbox);
        const ListedMailbox* r = find_existing(remote, mailbox);
        if (!l && !r)
            continue;
        outcome.mailboxes.push_back(mailbox);

        auto known = store.find_mailbox(mailbox);
        if (!known)
            co_return Fail(std::move(known).error());
        auto l_name = local.naming.to_server(mailbox);
        auto r_name = remote.naming.to_server(mailbox);
        if (!l_name)
            co_return Fail(std::move(l_name).error());
        if (!r_name)
            co_return Fail(std::move(r_name).error());

        INTERIMAP_CO_TRY(store.begin());
        if (l && r) {
            if (*known) {
                bool subscribed = (*known)->subscribed;
                if (l->subscribed != r->subscribed) {
                    // Subscribed on one server only: whichever changed since the
                    // last run wins, and the database remembers the outcome.
                    bool on_local = l->subscribed;
                    if (subscribed) {
                        auto u =
                            co_await run_mailbox_command(kUnsubscribe, on_local ? local : remote,
                                                         on_local ? *l_name : *r_name, logger);
                        if (!u)
                            co_return Fail(std::move(u).error());
                    } else {
                        auto s = co_await run_mailbox_command(kSubscribe, on_local ? remote : local,
                                                              on_local ? *r_name : *l_name, logger);
                        if (!s)
                            co_return Fail(std::move(s).error());
                    }
                    INTERIMAP_CO_TRY(store.set_subscribed((*known)->id, !subscribed));
                } else if (l->subscribed != subscribed) {
                    INTERIMAP_CO_TRY(store.set_subscribed((*known)->id, l->subscribed));
                }
            } else {
                bool subscribed = l->subscribed || r->subscribed;
                auto id = store.add_mailbox(mailbox, subscribed);
                if (!id)
                    co_return Fail(std::move(id).error());
                logger.notice(db_context, "Created mailbox " + display(mailbox));
                if (subscribed && !l->subscribed) {
                    auto s = co_await run_mailbox_command(kSubscribe, local, *l_name, logger);
                    if (!s)
                        co_return Fail(std::move(s).error());
                }
                if (subscribed && !r->subscribed) {
                    auto s = co_await run_mailbox_command(kSubscribe, remote, *r_name, logger);
                    if (!s)
                        co_return Fail(std::move(s).error());
                }
            }
        } else {
            // On one server only. A mailbox the database knows cannot be told
            // apart from one deleted or renamed on the other server, so the
            // user decides (--delete or --rename).
            if (*known)
                co_return Fail(ErrorCode::config,
                               "Mailbox " + display(mailbox) +
                                   " exists. Run `interimap --target=database --delete " +
                                   display(mailbox) + "` to delete.",
                               "database");
            const ListedMailbox* present = l ? l : r;
            SideListing& target = l ? remote : local;
            const std::string& target_name = l ? *r_name : *l_name;
            auto id = store.add_mailbox(mailbox, present->subscribed);
            if (!id)
                co_return Fail(std::move(id).error());
            logger.notice(db_context, "Created mailbox " + display(mailbox));
            auto c = co_await run_mailbox_command(kCreate, target, target_name, logger);
            if (!c)
                co_return Fail(std::move(c).error());
            if (present->subscribed) {
                auto s = co_await run_mailbox_command(kSubscribe, target, target_name, logger);
                if (!s)
                    co_return Fail(std::move(s).error());
            }
        }
        INTERIMAP_CO_TRY(store.commit());
    }
    co_return outcome;
}

} // namespace interimap::sync
