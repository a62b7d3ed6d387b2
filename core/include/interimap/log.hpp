// Logging, shared by the programs and every plugin. Messages go through the
// logger the program configured (stderr or `logfile`, with `log-prefix`).
#pragma once

#include <interimap/export.hpp>
#include <string>
#include <string_view>

namespace interimap {

enum class LogLevel {
    debug,   ///< shown with --debug only (IMAP traffic, internal steps)
    info,    ///< normal progress ("Subscribe to X"); hidden by --quiet
    notice,  ///< progress shown even with --quiet (changes to the database)
    warning, ///< printed as "WARNING: ..."
    error,   ///< printed as "ERROR: ..."
};

/// Who a message is about: `%n` (component: "local", "remote", "database",
/// or empty) and `%m` (mailbox, or empty) of the log prefix.
struct LogContext {
    std::string_view name;
    std::string_view mailbox;
};

/// Destination of log messages. The program provides the implementation;
/// plugins receive a reference and never own it.
class INTERIMAP_EXPORT Logger {
public:
    virtual ~Logger();

    /// Writes one message (no trailing newline) at the given level.
    virtual void write(LogLevel level, const LogContext& context, std::string_view message) = 0;

    /// How many times --debug was given: 0 none, 1 traffic without
    /// credentials, 2 or more traffic including credentials.
    virtual int debug_level() const = 0;

    void debug(const LogContext& c, std::string_view m) { write(LogLevel::debug, c, m); }
    void info(const LogContext& c, std::string_view m) { write(LogLevel::info, c, m); }
    void notice(const LogContext& c, std::string_view m) { write(LogLevel::notice, c, m); }
    void warning(const LogContext& c, std::string_view m) { write(LogLevel::warning, c, m); }
    void error(const LogContext& c, std::string_view m) { write(LogLevel::error, c, m); }
};

/// A logger that discards everything (for tests and tools).
class INTERIMAP_EXPORT NullLogger final : public Logger {
public:
    void write(LogLevel, const LogContext&, std::string_view) override {}
    int debug_level() const override { return 0; }
};

} // namespace interimap
