#include "commands/delete_mailbox.hpp"

#include "async/when_both.hpp"
#include "commands/server_mailbox.hpp"
#include "util/ascii.hpp"

namespace interimap::commands {

namespace {

/// DELETE on one server if it is a target and the mailbox exists there (a
/// \NoSelect parent does not).
async::Task<Result<void>> delete_where_exists(app::RunSession& session, Side side,
                                              const StoredMailboxName& mailbox, Targets targets) {
    if (!targets.has(side) || !session.exists(side, mailbox))
        co_return ok();
    sync::SideListing& s = session.side(side);
    auto name = s.naming.to_server(mailbox);
    if (!name)
        co_return Fail(app::in_context(std::move(name).error(), side_name(side)));
    co_return co_await delete_on_server(*s.connection, *name);
}

async::Task<Result<void>> delete_all(app::RunSession& session, Targets targets) {
    for (const StoredMailboxName& mailbox : session.mailboxes()) {
        if (ascii_upper(mailbox) == "INBOX")
            co_return Fail(ErrorCode::refused, "INBOX can't be deleted");
        auto known = session.store().find_mailbox(mailbox);
        if (!known)
            co_return Fail(app::in_context(std::move(known).error(), "database"));

        auto on_local = delete_where_exists(session, Side::local, mailbox, targets);
        auto on_remote = delete_where_exists(session, Side::remote, mailbox, targets);
        auto [local, remote] = co_await async::when_both(on_local, on_remote);
        if (!local)
            co_return local;
        if (!remote)
            co_return remote;

        if (*known && targets.database) {
            MailboxId id = (*known)->id;
            INTERIMAP_CO_TRY(app::in_transaction(
                session.store(), [&] { return session.store().delete_mailbox(id); }));
            session.logger().notice(LogContext{"database", {}},
                                    "Removed mailbox " + session.display(mailbox));
        }
    }
    co_return ok();
}

} // namespace

Result<void> run_delete(const CommandSettings& settings, Logger& logger,
                        plugin::PluginLoader& plugins, std::unique_ptr<app::RunSession>& session) {
    INTERIMAP_TRY(app::RunSession::open(session_settings(settings), logger, plugins, session));
    auto task = delete_all(*session, settings.targets);
    INTERIMAP_TRY(session->run(task));
    return session->finish();
}

} // namespace interimap::commands
