#include "app/run_session.hpp"

#include "app/connect.hpp"
#include "async/when_both.hpp"
#include "session/login.hpp"
#include "sync/mailbox_list.hpp"

#include <algorithm>
#include <future>

namespace interimap::app {

namespace {

/// Logs in and lists, the LIST pipelined behind ENABLE (one round trip
/// less: the server answers both in order).
async::Task<Result<sync::MailboxListing>> login_and_list(imap::Connection& connection,
                                                         const ConfigSection& section,
                                                         plugin::PluginLoader& plugins,
                                                         const session::LoginOptions& base,
                                                         const sync::ListRequest& request) {
    auto listing = sync::list_mailboxes(connection, request);
    session::LoginOptions options = base;
    options.after_enable_sent = [&listing] { listing.start(); };
    auto logged_in = co_await session::login(connection, section, plugins, options);
    if (!logged_in) {
        // A LIST already sent is awaited (its frame waits on the connection),
        // one not sent yet is never sent.
        if (listing.started())
            (void)co_await listing;
        co_return Fail(std::move(logged_in).error());
    }
    co_return co_await listing;
}

sync::ListRequest list_request(const SessionSettings& settings, const ConfigSection& section,
                               std::vector<std::string> patterns) {
    return sync::ListRequest{section.get_or("list-reference", ""), std::move(patterns),
                             settings.select_options, settings.with_status, std::nullopt};
}

void log_delimiter(imap::Connection& connection, std::optional<char> delimiter) {
    if (connection.logger().debug_level() > 0)
        connection.logger().debug(connection.log_context(), "Using " +
                                                                sync::print_delimiter(delimiter) +
                                                                " as hierarchy delimiter");
}

} // namespace

Error in_context(Error e, const std::string& context) {
    if (e.context.empty())
        e.context = context;
    return e;
}

Result<void> in_transaction(StateStore& store, const std::function<Result<void>()>& change) {
    auto done = store.begin();
    if (done) {
        done = change();
        if (done)
            done = store.commit();
        else
            (void)store.rollback();
    }
    if (!done)
        return Fail(in_context(std::move(done).error(), "database"));
    return ok();
}

RunSession::RunSession(const SessionSettings& settings, Logger& logger,
                       StateStoreFactoryPtr factory, StateStorePtr store)
    : logger_(logger), settings_(settings), store_factory_(std::move(factory)),
      store_(std::move(store)) {}

RunSession::~RunSession() {
    // The reference reports traffic even when a command fails.
    log_traffic();
}

Result<void> RunSession::open(const SessionSettings& settings, Logger& logger,
                              plugin::PluginLoader& plugins, std::unique_ptr<RunSession>& session) {
    // The database comes first: a second instance fails on its lock before
    // any network traffic.
    auto factory = plugins.make_state_store("sqlite");
    if (!factory)
        return Fail(in_context(std::move(factory).error(), "database"));
    auto store = (*factory)->open(settings.database, logger);
    if (!store)
        return Fail(in_context(std::move(store).error(), "database"));
    session.reset(new RunSession(settings, logger, std::move(*factory), std::move(*store)));
    return session->connect_and_list(plugins);
}

Result<void> RunSession::connect_and_list(plugin::PluginLoader& plugins) {
    const SessionSettings& settings = settings_;
    // Connecting may block (DNS, TLS, a slow tunnel): one thread per server.
    auto connect = [&](const ConfigSection& section, const char* name) {
        return std::async(std::launch::async, [&section, name, this, &plugins, &settings] {
            return open_stream(section, name, logger_, plugins, settings.keepalive);
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
    local_connection_ = std::make_unique<imap::Connection>(
        std::string("local"), std::move(local_stream->stream), logger_, loop_);
    remote_connection_ = std::make_unique<imap::Connection>(
        std::string("remote"), std::move(remote_stream->stream), logger_, loop_);
    if (local_stream->starttls)
        local_connection_->require_starttls(std::move(local_stream->starttls));
    if (remote_stream->starttls)
        remote_connection_->require_starttls(std::move(remote_stream->starttls));

    // Both log in at once; the local server lists the names as typed
    // meanwhile. The remote server lists them once the local delimiter is
    // known, unless there are no names to translate ("*"): then at once.
    auto login_options = session::interimap_login_options(settings.notify);
    auto local_login_options = login_options;
    local_login_options.compress_by_default = false; // a local server gains nothing from it
    auto local_request = list_request(settings, settings.local, settings.patterns);
    const bool remote_at_once = settings.patterns.empty();
    auto remote_at_once_request = list_request(settings, settings.remote, {});
    auto local_task = login_and_list(*local_connection_, settings.local, plugins,
                                     local_login_options, local_request);
    auto remote_login =
        session::login(*remote_connection_, settings.remote, plugins, login_options);
    auto remote_login_and_list = login_and_list(*remote_connection_, settings.remote, plugins,
                                                login_options, remote_at_once_request);
    local_task.start();
    if (remote_at_once)
        remote_login_and_list.start();
    else
        remote_login.start();
    INTERIMAP_TRY(loop_.run_until([&] {
        return local_task.done() &&
               (remote_at_once ? remote_login_and_list.done() : remote_login.done());
    }));
    auto local_listing = local_task.take_result();
    std::optional<Result<sync::MailboxListing>> remote_early;
    if (remote_at_once)
        remote_early.emplace(remote_login_and_list.take_result());
    if (!local_listing)
        return Fail(in_context(std::move(local_listing).error(), "local"));
    if (remote_early && !*remote_early)
        return Fail(in_context(std::move(*remote_early).error(), "remote"));
    if (!remote_at_once)
        if (auto r = remote_login.take_result(); !r)
            return Fail(in_context(std::move(r).error(), "remote"));
    // Checked before the mailbox lists change anything (the reference asks
    // only when it sends NOTIFY, once they are reconciled).
    if (settings.notify)
        for (imap::Connection* c : {local_connection_.get(), remote_connection_.get()})
            if (!c->capabilities().has("NOTIFY"))
                return Fail(ErrorCode::protocol,
                            "Server did not advertise NOTIFY (RFC 5465) capability.", c->name());
    log_delimiter(*local_connection_, local_listing->delimiter);
    local_.connection = local_connection_.get();
    local_.naming = sync::MailboxNaming(local_request.reference, local_listing->delimiter);
    local_.listing = std::move(*local_listing);

    for (std::string name : settings.patterns) {
        if (auto d = local_.listing.delimiter)
            std::replace(name.begin(), name.end(), *d, '\0');
        mailboxes_.push_back(std::move(name));
    }

    // Stored names with a NUL make the remote server report its delimiter first.
    auto remote_request = remote_at_once ? remote_at_once_request
                                         : list_request(settings, settings.remote, mailboxes_);
    Result<sync::MailboxListing> remote_listing = Fail(ErrorCode::internal, "not listed");
    if (remote_early) {
        remote_listing = std::move(*remote_early);
    } else {
        auto remote_task = sync::list_mailboxes(*remote_connection_, remote_request);
        INTERIMAP_TRY(run_task(remote_task));
        remote_listing = remote_task.take_result();
    }
    if (!remote_listing)
        return Fail(in_context(std::move(remote_listing).error(), "remote"));
    log_delimiter(*remote_connection_, remote_listing->delimiter);
    remote_.connection = remote_connection_.get();
    remote_.naming = sync::MailboxNaming(remote_request.reference, remote_listing->delimiter);
    remote_.listing = std::move(*remote_listing);

    // A hierarchical namespace cannot be mirrored to a flat one.
    std::optional<char> ld = local_.listing.delimiter, rd = remote_.listing.delimiter;
    if (ld.has_value() != rd.has_value())
        return Fail(ErrorCode::protocol,
                    "Local and remote namespaces are neither both flat nor both hierarchical "
                    "(local " +
                        sync::print_delimiter(ld) + ", remote " + sync::print_delimiter(rd) + ").");
    return ok();
}

Result<void> RunSession::list_again() {
    auto local_request = list_request(settings_, settings_.local, settings_.patterns);
    auto remote_request = list_request(settings_, settings_.remote, mailboxes_);
    // The delimiters are those of the first LIST (one round trip less per
    // round when only INBOX is listed).
    local_request.known_delimiter = local_.listing.delimiter;
    remote_request.known_delimiter = remote_.listing.delimiter;
    auto local_task = sync::list_mailboxes(*local_connection_, local_request);
    auto remote_task = sync::list_mailboxes(*remote_connection_, remote_request);
    auto both = async::when_both(local_task, remote_task);
    INTERIMAP_TRY(run_task(both));
    auto [local_listing, remote_listing] = both.take_result();
    if (!local_listing)
        return Fail(in_context(std::move(local_listing).error(), "local"));
    if (!remote_listing)
        return Fail(in_context(std::move(remote_listing).error(), "remote"));
    // The names keep the delimiters found when the session opened, as the
    // reference keeps those it cached.
    local_.listing = std::move(*local_listing);
    remote_.listing = std::move(*remote_listing);
    return ok();
}

bool RunSession::listed(Side which, const StoredMailboxName& stored) {
    const sync::SideListing& s = side(which);
    auto name = s.naming.to_server(stored);
    return name && s.listing.mailboxes.contains(*name);
}

bool RunSession::exists(Side which, const StoredMailboxName& stored) {
    const sync::SideListing& s = side(which);
    auto name = s.naming.to_server(stored);
    if (!name)
        return false;
    auto it = s.listing.mailboxes.find(*name);
    return it != s.listing.mailboxes.end() && it->second.selectable;
}

std::string RunSession::display(const StoredMailboxName& stored) const {
    return sync::display_name(stored, local_.naming.delimiter());
}

void RunSession::log_traffic() {
    if (traffic_logged_ || !local_connection_)
        return;
    traffic_logged_ = true;
    for (imap::Connection* c : {local_connection_.get(), remote_connection_.get()})
        logger_.info(c->log_context(), imap::format_traffic(c->traffic()));
}

Result<void> RunSession::finish() {
    log_traffic();
    auto closed_local = local_connection_->close();
    auto closed_remote = remote_connection_->close();
    if (!closed_local)
        return Fail(in_context(std::move(closed_local).error(), "local"));
    if (!closed_remote)
        return Fail(in_context(std::move(closed_remote).error(), "remote"));
    return ok();
}

} // namespace interimap::app
