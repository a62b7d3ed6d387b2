#include "app/pullimap_main.hpp"

#include "app/connect.hpp"
#include "app/termination.hpp"
#include "app/version_report.hpp"
#include "async/event_loop.hpp"
#include "cli/pullimap_options.hpp"
#include "config/pullimap_config.hpp"
#include "delivery/deliver_method.hpp"
#include "imap/connection.hpp"
#include "log/standard_logger.hpp"
#include "plugin/loader.hpp"
#include "plugin/search_path.hpp"
#include "pullimap/mailbox_puller.hpp"
#include "pullimap/statefile.hpp"
#include "session/login.hpp"

#include <charconv>
#include <iostream>
#include <variant>

namespace interimap::app {

namespace {

/// The reference's statuses where they are not accidents of Perl: 2
/// (ENOENT) for a missing configuration file or, under --idle, statefile;
/// 11 (EAGAIN) for a statefile locked by another instance; 255 for a bad
/// configuration; 1 for a failed run.
int exit_status_for(const Error& e) {
    switch (e.code) {
    case ErrorCode::locked:
        return 11;
    case ErrorCode::not_found:
        return e.context.empty() ? 2 : 1;
    case ErrorCode::config:
        return e.context.empty() ? 255 : 1;
    default:
        return 1;
    }
}

Error with_context(Error e, const std::string& name) {
    if (e.context.empty())
        e.context = name;
    return e;
}

struct Account {
    ConfigSection section;
    pullimap::PullSettings pull;
    std::filesystem::path statefile;
};

Result<Account> account_settings(const cli::PullimapOptions& options, ConfigSection section) {
    Account a;
    pullimap::PullSettings& p = a.pull;
    p.name = options.section;
    p.mailbox = section.get_or("mailbox", "INBOX");
    p.deliver = !options.no_delivery;
    p.quiet = options.quiet;
    p.idle = options.idle;
    auto method = delivery::parse_deliver_method(
        section.get_or("deliver-method", std::string(delivery::kDefaultDeliverMethod)));
    if (!method)
        return Fail(std::move(method).error());
    p.delivery.method = *method;
    p.delivery.ehlo = section.get_or("deliver-ehlo", std::string(delivery::kDefaultEhlo));
    if (auto rcpt = section.get("deliver-rcpt")) {
        p.delivery.recipient = *rcpt;
    } else if (p.deliver) {
        auto user = delivery::default_recipient();
        if (!user)
            return Fail(std::move(user).error());
        p.delivery.recipient = *user;
    }
    p.delivery.log_name = options.section;
    if (auto days = section.get("purge-after"); days && !days->empty()) {
        unsigned n = 0;
        std::from_chars(days->data(), days->data() + days->size(), n);
        p.purge_after_days = n;
    }
    auto statefile = pullimap::statefile_path(section.get("statefile"), options.section);
    if (!statefile)
        return Fail(std::move(statefile).error());
    a.statefile = std::move(*statefile);
    a.section = std::move(section);
    return a;
}

/// Connects, logs in and pulls; the traffic summary is logged whatever the
/// outcome, as the reference does.
Result<void> pull_account(Account& account, pullimap::Statefile& statefile, Logger& log,
                          plugin::PluginLoader& plugins, Termination* termination) {
    const std::string& name = account.pull.name;
    auto opened = open_stream(account.section, name, log, plugins, account.pull.idle.has_value());
    if (!opened)
        return Fail(with_context(std::move(opened).error(), name));
    async::EventLoop loop;
    imap::Connection connection(name, std::move(opened->stream), log, loop);
    if (opened->starttls)
        connection.require_starttls(std::move(opened->starttls));

    if (termination) {
        account.pull.stop_requested = [termination] { return termination->requested(); };
        account.pull.wake = termination;
    }
    pullimap::MailboxPuller puller(connection, statefile, account.pull, log);
    session::LoginOptions login_options; // pullimap needs no extension to start
    auto work = [&]() -> async::Task<Result<void>> {
        INTERIMAP_CO_TRY(
            co_await session::login(connection, account.section, plugins, login_options));
        co_return co_await puller.run();
    };
    auto task = work();
    task.start();
    Result<void> r = loop.run_until([&] { return task.done(); });
    if (r)
        r = task.take_result();
    if (!account.pull.quiet)
        log.info(LogContext{name, {}}, imap::format_traffic(connection.traffic()));
    auto closed = connection.close();
    if (!r)
        return Fail(with_context(std::move(r).error(), name));
    return closed;
}

} // namespace

int pullimap_main(int argc, char** argv) {
    auto parsed = cli::parse_pullimap_command_line(argc, argv);
    if (auto* bad = std::get_if<cli::PullimapCommandLineError>(&parsed)) {
        for (const auto& m : bad->messages)
            std::cerr << m << '\n';
        std::cerr << cli::pullimap_usage_error();
        return 1;
    }
    const auto& options = std::get<cli::PullimapOptions>(parsed);
    plugin::PluginLoader plugins(plugin::default_search_path());
    if (options.version) {
        print_version("pullimap", plugins);
        return 0;
    }
    if (options.help) {
        std::cerr << cli::pullimap_usage();
        return 0;
    }

    auto config_file = config::resolve_pullimap_config_path(options.config);
    if (!config_file) {
        std::cerr << config_file.error().message << '\n';
        return exit_status_for(config_file.error());
    }
    auto section = config::load_pullimap_section(*config_file, options.section);
    if (!section) {
        std::cerr << section.error().message << '\n';
        return exit_status_for(section.error());
    }
    auto account = account_settings(options, std::move(*section));
    if (!account) {
        std::cerr << account.error().message << '\n';
        return exit_status_for(account.error());
    }
    auto logger =
        log::StandardLogger::open({log::LogPrefix(), std::nullopt, options.quiet, options.debug});
    if (!logger) {
        std::cerr << logger.error().message << '\n';
        return 255;
    }
    Logger& log = **logger;
    if (options.debug > 0)
        log.debug({}, ">>> pullimap " INTERIMAP_VERSION);

    // The statefile first: a second instance stops here, before any
    // connection. Under --idle (a long-lived service) a missing statefile
    // is an error rather than a fresh start, as with the reference.
    auto statefile = pullimap::Statefile::open(account->statefile, !options.idle);
    if (!statefile) {
        std::cerr << statefile.error().message << '\n';
        return exit_status_for(statefile.error());
    }

    std::unique_ptr<Termination> termination;
    if (options.idle) {
        auto caught = Termination::catch_sigterm();
        if (!caught) {
            log.error({}, caught.error().message);
            return 1;
        }
        termination = std::move(*caught);
    }
    auto r = pull_account(*account, *statefile, log, plugins, termination.get());
    if (!r) {
        log.error(LogContext{r.error().context, {}}, r.error().message);
        return exit_status_for(r.error());
    }
    return 0;
}

} // namespace interimap::app
