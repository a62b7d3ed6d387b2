#include "commands/rename_mailbox.hpp"

#include "async/when_both.hpp"
#include "commands/server_mailbox.hpp"

#include <algorithm>

namespace interimap::commands {

namespace {

/// The reference's advice when DEST is taken on a target.
std::string exists_message(const std::string& name, const char* target, const std::string& dest) {
    return "Mailbox " + name + " exists. Run `interimap --target=" + target + " --delete " + dest +
           "` to delete.";
}

/// RENAME on one server if it is a target and SOURCE is listed there, even
/// as \NonExistent: a parent that only has children can be renamed too.
async::Task<Result<void>> rename_where_listed(app::RunSession& session, Side side,
                                              const StoredMailboxName& from,
                                              const StoredMailboxName& to, Targets targets) {
    if (!targets.has(side) || !session.listed(side, from))
        co_return ok();
    sync::SideListing& s = session.side(side);
    auto server_from = s.naming.to_server(from);
    auto server_to = s.naming.to_server(to);
    if (!server_from)
        co_return Fail(app::in_context(std::move(server_from).error(), side_name(side)));
    if (!server_to)
        co_return Fail(app::in_context(std::move(server_to).error(), side_name(side)));
    co_return co_await rename_on_server(*s.connection, *server_from, *server_to);
}

/// Fails, naming the target, if DEST exists on a selected one.
Result<void> check_destination_free(app::RunSession& session, const StoredMailboxName& to,
                                    Targets targets) {
    for (Side side : {Side::local, Side::remote}) {
        if (!targets.has(side) || !session.exists(side, to))
            continue;
        auto name = session.side(side).naming.to_server(to);
        return Fail(ErrorCode::config,
                    exists_message(name ? *name : session.display(to), side_name(side),
                                   session.display(to)),
                    side_name(side));
    }
    if (!targets.database)
        return ok();
    auto known = session.store().find_mailbox(to);
    if (!known)
        return Fail(app::in_context(std::move(known).error(), "database"));
    if (*known)
        return Fail(ErrorCode::config,
                    exists_message(session.display(to), "database", session.display(to)),
                    "database");
    return ok();
}

Result<void> rename_in_database(app::RunSession& session, const StoredMailboxName& from,
                                const StoredMailboxName& to) {
    StateStore& store = session.store();
    auto stored = store.mailboxes();
    if (!stored)
        return Fail(app::in_context(std::move(stored).error(), "database"));
    auto renames = plan_database_renames(*stored, from, to);
    INTERIMAP_TRY(app::in_transaction(store, [&]() -> Result<void> {
        for (const auto& [id, name] : renames)
            INTERIMAP_TRY(store.rename_mailbox(id, name));
        return ok();
    }));
    if (!renames.empty())
        session.logger().notice(LogContext{"database", {}}, "Renamed mailbox " +
                                                                session.display(from) + " to " +
                                                                session.display(to));
    return ok();
}

async::Task<Result<void>> rename_on_targets(app::RunSession& session, Targets targets) {
    const StoredMailboxName& from = session.mailboxes().at(0);
    const StoredMailboxName& to = session.mailboxes().at(1);
    INTERIMAP_CO_TRY(check_destination_free(session, to, targets));

    auto on_local = rename_where_listed(session, Side::local, from, to, targets);
    auto on_remote = rename_where_listed(session, Side::remote, from, to, targets);
    auto [local, remote] = co_await async::when_both(on_local, on_remote);
    if (!local)
        co_return local;
    if (!remote)
        co_return remote;

    if (targets.database)
        INTERIMAP_CO_TRY(rename_in_database(session, from, to));
    co_return ok();
}

} // namespace

std::vector<std::pair<MailboxId, StoredMailboxName>>
plan_database_renames(const std::vector<MailboxRecord>& stored, const StoredMailboxName& from,
                      const StoredMailboxName& to) {
    std::vector<std::pair<MailboxId, StoredMailboxName>> renames;
    const std::string children = from + '\0';
    for (const MailboxRecord& m : stored)
        if (m.name == from || m.name.starts_with(children))
            renames.emplace_back(m.id, to + m.name.substr(from.size()));
    // Every name changes length by the same amount. When DEST is longer, a
    // new name can only equal a longer old name: rename the longest first;
    // when it is shorter, the shortest first.
    bool growing = to.size() > from.size();
    std::stable_sort(renames.begin(), renames.end(), [growing](const auto& a, const auto& b) {
        return growing ? a.second.size() > b.second.size() : a.second.size() < b.second.size();
    });
    return renames;
}

Result<void> run_rename(const CommandSettings& settings, Logger& logger,
                        plugin::PluginLoader& plugins, std::unique_ptr<app::RunSession>& session) {
    INTERIMAP_TRY(app::RunSession::open(session_settings(settings), logger, plugins, session));
    auto task = rename_on_targets(*session, settings.targets);
    INTERIMAP_TRY(session->run(task));
    return session->finish();
}

} // namespace interimap::commands
