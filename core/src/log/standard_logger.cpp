#include "log/standard_logger.hpp"

#include "log/timestamp.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace interimap::log {

namespace {

// Writes the whole line in one write(2) when possible, so that lines of
// concurrent writers to an O_APPEND file do not interleave.
void write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return; // nowhere left to report a failing log
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
}

} // namespace

Result<std::unique_ptr<StandardLogger>> StandardLogger::open(StandardLoggerSettings settings,
                                                             int stderr_fd) {
    int fd = -1;
    if (settings.logfile) {
        fd = ::open(settings.logfile->c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0)
            return Fail(ErrorCode::io,
                        "Can't open " + settings.logfile->string() + ": " + std::strerror(errno));
    }
    return std::make_unique<StandardLogger>(std::move(settings), stderr_fd, fd);
}

StandardLogger::StandardLogger(StandardLoggerSettings settings, int stderr_fd, int logfile_fd)
    : settings_(std::move(settings)), stderr_fd_(stderr_fd), logfile_fd_(logfile_fd) {}

StandardLogger::~StandardLogger() {
    if (logfile_fd_ >= 0)
        ::close(logfile_fd_);
}

std::string StandardLogger::format(LogLevel level, const LogContext& context,
                                   std::string_view message) const {
    std::string line = settings_.prefix.expand(context.name, context.mailbox);
    if (level == LogLevel::warning)
        line += "WARNING: ";
    else if (level == LogLevel::error)
        line += "ERROR: ";
    line += message;
    return line;
}

void StandardLogger::write(LogLevel level, const LogContext& context, std::string_view message) {
    if (level == LogLevel::debug && settings_.debug <= 0)
        return;
    if (level == LogLevel::info && settings_.quiet)
        return;

    std::string line = format(level, context, message);
    line += '\n';

    std::lock_guard lock(mutex_);
    if (logfile_fd_ >= 0)
        write_all(logfile_fd_, log_timestamp(std::chrono::system_clock::now()) + " " + line);
    if (level != LogLevel::debug || logfile_fd_ < 0)
        write_all(stderr_fd_, line);
}

} // namespace interimap::log
