// The programs' logger. Messages go to the error output, prefixed with the
// expanded log-prefix. With a `logfile`, every line is also appended there
// with a timestamp, and debug lines (IMAP traffic) go only there. This is the
// reference implementation's routing, so that a logfile holds the whole story
// while the terminal or cron mail still shows progress, warnings and errors.
#pragma once

#include "log/log_prefix.hpp"

#include <filesystem>
#include <interimap/log.hpp>
#include <interimap/result.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace interimap::log {

struct StandardLoggerSettings {
    LogPrefix prefix;                             ///< the log-prefix option
    std::optional<std::filesystem::path> logfile; ///< the logfile option
    bool quiet = false;                           ///< -q: drop info messages
    int debug = 0;                                ///< how many times --debug was given
};

class StandardLogger final : public Logger {
public:
    /// Opens the logfile, if any, for appending (created with mode 0600,
    /// closed on exec). Error: "Can't open FILE: REASON".
    static Result<std::unique_ptr<StandardLogger>> open(StandardLoggerSettings settings,
                                                        int stderr_fd = 2);

    /// A logger writing to `stderr_fd` and, if not -1, to `logfile_fd`, which
    /// it takes ownership of.
    StandardLogger(StandardLoggerSettings settings, int stderr_fd, int logfile_fd);
    ~StandardLogger() override;
    StandardLogger(const StandardLogger&) = delete;
    StandardLogger& operator=(const StandardLogger&) = delete;

    /// Debug: logfile if any, else stderr, only when debug_level() > 0.
    /// Info (unless quiet), warning, error: stderr, and the logfile if any.
    /// Warnings and errors read "PREFIXWARNING: message", "PREFIXERROR: message".
    void write(LogLevel level, const LogContext& context, std::string_view message) override;
    int debug_level() const override { return settings_.debug; }

    bool quiet() const { return settings_.quiet; }
    bool has_logfile() const { return logfile_fd_ >= 0; }

    /// The line written for a message, without timestamp or newline.
    std::string format(LogLevel level, const LogContext& context, std::string_view message) const;

private:
    StandardLoggerSettings settings_;
    int stderr_fd_;
    int logfile_fd_;
    std::mutex mutex_;
};

} // namespace interimap::log
