#include "app/sync_run.hpp"

#include "app/connect.hpp"
#include "async/event_loop.hpp"
#include "async/task.hpp"
#include "imap/connection.hpp"
#include "session/login.hpp"
#include "sync/mailbox_filter.hpp"
#include "sync/mailbox_list.hpp"
#include "sync/mailbox_list_sync.hpp"
#include "sync/mailbox_sync.hpp"

#include <future>
#include <thread>

namespace interimap::app {

namespace {

/// Log in and list, for one server; both run at once on the event loop.
async::Task<Result<sync::MailboxListing>>
prepare(imap::Connection& conn, const ConfigSection& section, plugin::PluginLoader& plugins,
        const session::LoginOptions& login_options, sync::ListRequest request) {
    auto logged_in = co_await session::login(conn, section, plugins, login_options);
    if (!logged_in)
        co_return Fail(std::move(logged_in).error());
    auto listing = co_await sync::list_mailboxes(conn, request);
    if (!listing)
        co_return Fail(std::move(listing).error());
    if (conn.logger().debug_level() > 0)
        conn.logger().debug(conn.log_context(), "Using " +
                                                    sync::print_delimiter(listing->delimiter) +
                                                    " as hierarchy delimiter");
    co_return listing;
}

/// Synchronises every dirty mailbox of the list, one after the other (each
/// one drives both servers at once).
async::Task<Result<void>> sync_mailboxes(sync::SideListing& local_listing,
                                         sync::SideListing& remote_listing, StateStore& store,
                                         Logger& logger,
                                         const std::vector<StoredMailboxName>& names) {
    sync::SyncSide local{Side::local, local_listing.connection, local_listing.naming, nullptr};
    sync::SyncSide remote{Side::remote, remote_listing.connection, remote_listing.naming, nullptr};
    sync::SyncContext context{&local, &remote, &store, &logger};
    for (const StoredMailboxName& name : names) {
        auto record = store.find_mailbox(name);
        if (!record)
            co_return Fail(std::move(record).error());
        if (!*record)
            continue;
        auto status_of = [&](const sync::SideListing& side) -> std::optional<MailboxState> {
            auto server_name = side.naming.to_server(name);
            if (!server_name)
                return std::nullopt;
            auto it = side.listing.mailboxes.find(*server_name);
            if (it == side.listing.mailboxes.end())
                return std::nullopt;
            return it->second.status;
        };
        if (!sync::is_dirty(**record, status_of(local_listing), status_of(remote_listing)))
            continue;
        auto r = co_await sync::sync_mailbox(context, **record);
        if (!r)
            co_return r;
    }
    co_return ok();
}

Error in_context(Error e, const std::string& context) {
    if (e.context.empty())
        e.context = context;
    return e;
}

} // namespace

Result<void> run_sync(const SyncSettings& settings, Logger& logger, plugin::PluginLoader& plugins) {
    // The database comes first: a second instance fails on its lock before
    // any network traffic.
    auto store_factory = plugins.make_state_store("sqlite");
    if (!store_factory)
        return Fail(in_context(std::move(store_factory).error(), "database"));
    auto store = (*store_factory)->open(settings.database, logger);
    if (!store)
        return Fail(in_context(std::move(store).error(), "database"));

    std::unique_ptr<sync::MailboxFilter> filter;
    if (settings.ignore_mailbox && !settings.patterns_from_command_line) {
        auto f = sync::MailboxFilter::compile(*settings.ignore_mailbox);
        if (!f)
            return Fail(std::move(f).error());
        filter = std::move(*f);
    }

    // Connection establishment may block (DNS, TLS handshake, a slow tunnel
    // command), so each server gets a thread for it; both connect at once.
    auto connect = [&](const ConfigSection& section, const char* name) {
        return std::async(std::launch::async, [&section, name, &logger, &plugins, &settings] {
            return open_stream(section, name, logger, plugins, settings.keepalive);
        });
    };
    auto local_future = connect(settings.local, "local");
    auto remote_future = connect(settings.remote, "remote");
    auto local_stream = local_future.get();
    auto remote_stream = remote_future.get();
    if (!local_stream)
        return Fail(std::move(local_stream).error());
    if (!remote_stream)
        return Fail(std::move(remote_stream).error());

    async::EventLoop loop;
    imap::Connection local(std::string("local"), std::move(*local_stream), logger, loop);
    imap::Connection remote(std::string("remote"), std::move(*remote_stream), logger, loop);
    auto summary = [&] {
        // The reference reports traffic even when a run fails.
        logger.info(local.log_context(), imap::format_traffic(local.traffic()));
        logger.info(remote.log_context(), imap::format_traffic(remote.traffic()));
    };

    auto login_options = session::interimap_login_options(settings.notify);
    sync::ListRequest local_request{settings.local.get_or("list-reference", ""), settings.patterns,
                                    settings.list_select_opts, true};
    sync::ListRequest remote_request{settings.remote.get_or("list-reference", ""),
                                     settings.patterns, settings.list_select_opts, true};
    auto local_task = prepare(local, settings.local, plugins, login_options, local_request);
    auto remote_task = prepare(remote, settings.remote, plugins, login_options, remote_request);
    local_task.start();
    remote_task.start();
    if (auto r = loop.run_until([&] { return local_task.done() && remote_task.done(); }); !r) {
        summary();
        return r;
    }
    auto local_listing = local_task.take_result();
    auto remote_listing = remote_task.take_result();
    if (!local_listing) {
        summary();
        return Fail(in_context(std::move(local_listing).error(), "local"));
    }
    if (!remote_listing) {
        summary();
        return Fail(in_context(std::move(remote_listing).error(), "remote"));
    }

    sync::SideListing local_side{&local, std::move(*local_listing),
                                 sync::MailboxNaming(local_request.reference, std::nullopt)};
    local_side.naming = sync::MailboxNaming(local_request.reference, local_side.listing.delimiter);
    sync::SideListing remote_side{&remote, std::move(*remote_listing),
                                  sync::MailboxNaming(remote_request.reference, std::nullopt)};
    remote_side.naming =
        sync::MailboxNaming(remote_request.reference, remote_side.listing.delimiter);

    auto list_task =
        sync::sync_mailbox_list(local_side, remote_side, **store, filter.get(), logger);
    list_task.start();
    if (auto r = loop.run_until([&] { return list_task.done(); }); !r) {
        summary();
        return r;
    }
    auto outcome = list_task.take_result();
    if (!outcome) {
        summary();
        return Fail(std::move(outcome).error());
    }

    auto sync_task = sync_mailboxes(local_side, remote_side, **store, logger, outcome->mailboxes);
    sync_task.start();
    if (auto r = loop.run_until([&] { return sync_task.done(); }); !r) {
        summary();
        return r;
    }
    summary();
    if (auto r = sync_task.take_result(); !r)
        return r;

    auto closed_local = local.close();
    auto closed_remote = remote.close();
    if (!closed_local)
        return Fail(in_context(std::move(closed_local).error(), "local"));
    if (!closed_remote)
        return Fail(in_context(std::move(closed_remote).error(), "remote"));
    return ok();
}

} // namespace interimap::app
