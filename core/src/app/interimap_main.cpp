#include "app/interimap_main.hpp"

#include "app/sync_run.hpp"
#include "app/version_report.hpp"
#include "cli/interimap_options.hpp"
#include "commands/delete_mailbox.hpp"
#include "commands/rename_mailbox.hpp"
#include "config/interimap_config.hpp"
#include "log/error_context.hpp"
#include "log/standard_logger.hpp"
#include "plugin/loader.hpp"
#include "plugin/search_path.hpp"
#include "util/ascii.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <variant>

#ifndef INTERIMAP_VERSION
#error "INTERIMAP_VERSION must be defined by the build"
#endif

namespace interimap::app {

namespace {

/// Exit statuses of the reference: 1 for a failed run, the errno-like 2 for a
/// missing configuration file and 11 (EAGAIN) for a locked database, 255 for
/// other fatal configuration errors.
int exit_status_for(const Error& e) {
    if (e.code == ErrorCode::locked)
        return 11;
    if (e.code == ErrorCode::not_found && e.context.empty())
        return 2;
    if (e.code == ErrorCode::config && e.context.empty())
        return 255;
    return 1;
}

/// Failures of the network or of a server process, which a later round may
/// not meet again.
bool is_transient(const Error& e) {
    return e.code == ErrorCode::io || e.code == ErrorCode::closed || e.code == ErrorCode::timeout;
}

/// Logs a failed run's error (before the session, dropped by the caller,
/// logs the traffic summary) and gives the exit status.
int report(const Result<void>& r, Logger& log) {
    if (r)
        return 0;
    log.error(log::log_context_of(r.error().context), r.error().message);
    return exit_status_for(r.error());
}

} // namespace

int interimap_main(int argc, char** argv) {
    auto parsed = cli::parse_interimap_command_line(argc, argv);
    if (auto* bad = std::get_if<cli::CommandLineError>(&parsed)) {
        for (const auto& m : bad->messages)
            std::cerr << m << '\n';
        if (bad->show_usage)
            std::cerr << cli::interimap_usage_error();
        return bad->exit_status;
    }
    const auto& options = std::get<cli::InterimapOptions>(parsed);
    if (options.help) {
        std::cerr << cli::interimap_usage(); // the reference prints it there too
        return 0;
    }
    plugin::PluginLoader plugins(plugin::default_search_path());
    if (options.version) {
        print_version("interimap", plugins);
        return 0;
    }

    auto config_file = config::resolve_config_path(options.config);
    if (!config_file) {
        std::cerr << config_file.error().message << '\n';
        return exit_status_for(config_file.error());
    }
    auto config = config::load_interimap_config(*config_file);
    if (!config) {
        std::cerr << config.error().message << '\n';
        return exit_status_for(config.error());
    }
    log::StandardLoggerSettings log_settings{config->log_prefix, std::nullopt, options.quiet,
                                             options.debug};
    if (auto logfile = config->defaults.get("logfile"))
        log_settings.logfile = *logfile;
    auto logger = log::StandardLogger::open(std::move(log_settings));
    if (!logger) {
        std::cerr << logger.error().message << '\n';
        return 255;
    }
    Logger& log = **logger;
    if (options.debug > 0)
        log.debug({}, ">>> interimap " INTERIMAP_VERSION);

    auto database = config::database_path(*config);
    if (!database) {
        log.error({}, database.error().message);
        return exit_status_for(database.error());
    }

    if (options.command == cli::InterimapOptions::Command::delete_ ||
        options.command == cli::InterimapOptions::Command::rename) {
        commands::CommandSettings command{config->local, config->remote, *database,
                                          options.mailboxes,
                                          commands::Targets::from_names(options.targets)};
        std::unique_ptr<RunSession> session;
        auto r = options.command == cli::InterimapOptions::Command::delete_
                     ? commands::run_delete(command, log, plugins, session)
                     : commands::run_rename(command, log, plugins, session);
        return report(r, log);
    }

    SyncSettings settings;
    settings.local = config->local;
    settings.remote = config->remote;
    settings.database = *database;
    if (!options.mailboxes.empty()) {
        settings.patterns = options.mailboxes;
        settings.patterns_from_command_line = true;
    } else if (config->list_mailbox) {
        settings.patterns = *config->list_mailbox;
    }
    settings.list_select_opts = ascii_upper(config->defaults.get_or("list-select-opts", ""));
    settings.ignore_mailbox = config->defaults.get("ignore-mailbox");
    settings.notify = options.notify;
    std::unique_ptr<Termination> termination;
    if (options.watch) {
        settings.watch = std::chrono::seconds(*options.watch);
        auto caught = Termination::catch_sigterm();
        if (!caught) {
            log.error({}, caught.error().message);
            return 1;
        }
        termination = std::move(*caught);
        settings.termination = termination.get();
    }

    if (options.command == cli::InterimapOptions::Command::repair) {
        std::unique_ptr<RunSession> session;
        return report(run_repair(settings, log, plugins, session), log);
    }

    if (!options.watch) {
        std::unique_ptr<RunSession> session;
        return report(run_sync(settings, log, plugins, session), log);
    }
    // With --watch, run_sync keeps its session round after round and returns
    // when a round fails, or successfully for SIGTERM (status 0, as the
    // reference).
    for (;;) {
        std::unique_ptr<RunSession> session;
        auto r = run_sync(settings, log, plugins, session);
        if (!r) {
            // A lost connection or a silent server is waited out: a new
            // session connects again. Anything else stops. A failure after
            // SIGTERM is most likely its doing (a service manager signals
            // the tunnels too): not worth a message.
            if (!is_transient(r.error()))
                return report(r, log);
            if (!termination->requested())
                log.error(log::log_context_of(r.error().context), r.error().message);
        }
        session.reset();
        if (termination->requested())
            return 0;
        termination->sleep(std::chrono::seconds(*options.watch));
        if (termination->requested())
            return 0;
    }
}

} // namespace interimap::app
