// The tunnel's child process: spawned with its standard input and output on
// one end of a socketpair, and reaped when the tunnel ends, or later by the
// reaper of detached children, so that it never lingers as a zombie.
#pragma once

#include "command_line.hpp"

#include <chrono>
#include <cstddef>
#include <interimap/result.hpp>
#include <optional>
#include <string>
#include <sys/types.h>

namespace interimap::tunnel {

/// How a child ended, as reported by waitpid(2).
struct ChildExit {
    enum class Kind {
        exited,   ///< exit status in `value`
        signaled, ///< killed by signal `value`
        unknown,  ///< reaped elsewhere (ECHILD): no status available
    };
    Kind kind = Kind::unknown;
    int value = 0;

    bool success() const { return kind == Kind::exited && value == 0; }
};

/// "exited with status 3", "was killed by signal 9 (Killed)".
std::string describe_exit(const ChildExit& exit);

/// What the child gets besides its program.
struct SpawnOptions {
    int stdio_fd = -1;        ///< becomes the child's stdin and stdout
    bool null_stderr = false; ///< send the child's stderr to /dev/null
};

class ChildProcess {
public:
    ChildProcess() = default;
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    ChildProcess(ChildProcess&& other) noexcept;
    ChildProcess& operator=(ChildProcess&& other) noexcept;
    /// Reaps the child if still needed (terminating it after a grace period).
    ~ChildProcess();

    /// Starts `plan` (`command` is the configured text, for errors). An exec
    /// failure is reported here: "Can't exec `COMMAND`: REASON".
    static Result<ChildProcess> spawn(const ExecPlan& plan, const SpawnOptions& options,
                                      const std::string& command);

    pid_t pid() const { return pid_; }
    /// The exit status, once reaped.
    const std::optional<ChildExit>& exit() const { return exit_; }

    /// Reaps the child if it has ended, waiting at most `timeout`.
    const std::optional<ChildExit>& wait_for(std::chrono::milliseconds timeout);

    /// Waits up to `grace` for the child to end by itself, then sends SIGTERM
    /// and waits `grace` again, then SIGKILL. Returns the exit status, and
    /// whether we had to signal it (its death is then our doing).
    struct Ending {
        ChildExit exit;
        bool terminated_by_us = false;
    };
    Ending reap(std::chrono::milliseconds grace);

    /// Hands a child that has not been reaped to the process-wide reaper of
    /// detached children, without waiting for it; this object no longer owns
    /// it (pid() is -1). If it is still running `grace` after this call, the
    /// reaper terminates it (SIGTERM, then SIGKILL `grace` later).
    void detach(std::chrono::milliseconds grace);

private:
    explicit ChildProcess(pid_t pid) : pid_(pid) {}

    pid_t pid_ = -1;
    std::optional<ChildExit> exit_;
};

/// The reaper of detached children: reaps, with WNOHANG, those that have
/// ended, and signals those still running past their grace period. It runs
/// whenever a tunnel is opened or closed, so that a long-lived process that
/// keeps reconnecting (--watch) does not accumulate zombies; children still
/// there when the process exits are left to init. Returns how many remain.
std::size_t reap_detached_children();

} // namespace interimap::tunnel
