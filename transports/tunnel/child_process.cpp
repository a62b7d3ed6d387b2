#include "child_process.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

extern char** environ;

namespace interimap::tunnel {

namespace {

std::string errno_text(int err) {
    return std::generic_category().message(err);
}

// posix_spawn's attribute and file-action objects, destroyed on every path.
struct SpawnSetup {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    int error = 0;

    explicit SpawnSetup(const SpawnOptions& options) {
        posix_spawn_file_actions_init(&actions);
        posix_spawnattr_init(&attributes);
        note(posix_spawn_file_actions_adddup2(&actions, options.stdio_fd, STDIN_FILENO));
        note(posix_spawn_file_actions_adddup2(&actions, options.stdio_fd, STDOUT_FILENO));
        if (options.null_stderr)
            note(posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY,
                                                  0));
        // Like the reference, the command runs with SIGINT blocked: a ^C in
        // the terminal interrupts us, and we end the session cleanly rather
        // than see the server vanish under us.
        sigset_t mask;
        pthread_sigmask(SIG_SETMASK, nullptr, &mask);
        sigaddset(&mask, SIGINT);
        note(posix_spawnattr_setsigmask(&attributes, &mask));
        // We ignore SIGPIPE; the command must not inherit that.
        sigset_t defaults;
        sigemptyset(&defaults);
        sigaddset(&defaults, SIGPIPE);
        note(posix_spawnattr_setsigdefault(&attributes, &defaults));
        note(posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF));
    }
    ~SpawnSetup() {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attributes);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;

    void note(int rc) {
        if (error == 0)
            error = rc;
    }

    // Returns 0 or the errno of the failed exec (posix_spawn reports it).
    int run(pid_t& pid, const std::vector<std::string>& args, bool search_path) {
        std::vector<char*> argv;
        argv.reserve(args.size() + 1);
        for (const std::string& arg : args)
            argv.push_back(const_cast<char*>(arg.c_str()));
        argv.push_back(nullptr);
        return search_path
                   ? posix_spawnp(&pid, argv[0], &actions, &attributes, argv.data(), environ)
                   : posix_spawn(&pid, argv[0], &actions, &attributes, argv.data(), environ);
    }
};

std::optional<ChildExit> status_to_exit(int status) {
    if (WIFEXITED(status))
        return ChildExit{ChildExit::Kind::exited, WEXITSTATUS(status)};
    if (WIFSIGNALED(status))
        return ChildExit{ChildExit::Kind::signaled, WTERMSIG(status)};
    return std::nullopt; // stopped or continued: still alive
}

// A child handed to the reaper, still running when its tunnel was closed.
struct DetachedChild {
    pid_t pid;
    std::chrono::steady_clock::time_point signal_at; // when to signal it if still there
    std::chrono::milliseconds grace;
    int signals_sent = 0; // SIGTERM, then SIGKILL
};

// Process-wide: the children of every tunnel, whichever stream or transport
// object opened it. Tunnels are opened and closed on one thread today; the
// mutex keeps that an assumption nobody has to check.
struct DetachedChildren {
    std::mutex mutex;
    std::vector<DetachedChild> children;
};

DetachedChildren& detached_children() {
    static DetachedChildren list;
    return list;
}

} // namespace

std::string describe_exit(const ChildExit& exit) {
    switch (exit.kind) {
    case ChildExit::Kind::exited:
        return "exited with status " + std::to_string(exit.value);
    case ChildExit::Kind::signaled: {
        const char* name = sigdescr_np(exit.value);
        return "was killed by signal " + std::to_string(exit.value) + " (" +
               (name ? name : "unknown signal") + ")";
    }
    case ChildExit::Kind::unknown:
        break;
    }
    return "exited";
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), exit_(std::move(other.exit_)) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
    if (this != &other) {
        if (pid_ > 0 && !exit_)
            reap(std::chrono::seconds(1));
        pid_ = std::exchange(other.pid_, -1);
        exit_ = std::move(other.exit_);
    }
    return *this;
}

ChildProcess::~ChildProcess() {
    if (pid_ > 0 && !exit_)
        reap(std::chrono::seconds(1));
}

Result<ChildProcess> ChildProcess::spawn(const ExecPlan& plan, const SpawnOptions& options,
                                         const std::string& command) {
    if (plan.argv.empty())
        return Fail(ErrorCode::config, "Empty tunnel command");
    // Opening a tunnel is one of the moments the children of earlier ones
    // are collected (see reap_detached_children).
    reap_detached_children();
    SpawnSetup setup(options);
    if (setup.error != 0)
        return Fail(ErrorCode::io,
                    "Can't prepare tunnel command `" + command + "`: " + errno_text(setup.error));
    pid_t pid = -1;
    int rc = setup.run(pid, plan.argv, !plan.via_shell);
    // execvp(3) hands a file without a recognised format to the shell, and so
    // does the reference; posix_spawnp does not, hence the second attempt.
    if (rc == ENOEXEC && !plan.via_shell)
        rc = setup.run(pid, {"/bin/sh", "-c", command}, false);
    if (rc != 0)
        return Fail(ErrorCode::io, "Can't exec `" + command + "`: " + errno_text(rc));
    return ChildProcess(pid);
}

const std::optional<ChildExit>& ChildProcess::wait_for(std::chrono::milliseconds timeout) {
    if (pid_ <= 0 || exit_)
        return exit_;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto pause = std::chrono::milliseconds(1);
    for (;;) {
        int status = 0;
        pid_t rc = waitpid(pid_, &status, WNOHANG);
        if (rc == pid_) {
            if (auto exit = status_to_exit(status)) {
                exit_ = exit;
                return exit_;
            }
        } else if (rc < 0 && errno != EINTR) {
            // ECHILD: someone else reaped it (SIGCHLD ignored); it is gone.
            exit_ = ChildExit{};
            return exit_;
        }
        auto now = std::chrono::steady_clock::now();
        if (now >= deadline)
            return exit_;
        std::this_thread::sleep_for(
            std::min<std::chrono::steady_clock::duration>(pause, deadline - now));
        pause = std::min(pause * 2, std::chrono::milliseconds(50));
    }
}

ChildProcess::Ending ChildProcess::reap(std::chrono::milliseconds grace) {
    if (pid_ <= 0) // nothing was spawned, or it moved elsewhere: never kill(-1, ...)
        return {exit_.value_or(ChildExit{}), false};
    if (wait_for(grace))
        return {*exit_, false};
    kill(pid_, SIGTERM);
    if (wait_for(grace))
        return {*exit_, true};
    kill(pid_, SIGKILL);
    while (!wait_for(std::chrono::seconds(1))) {
    }
    return {*exit_, true};
}

void ChildProcess::detach(std::chrono::milliseconds grace) {
    if (pid_ <= 0 || exit_)
        return; // nothing to reap
    DetachedChildren& list = detached_children();
    std::lock_guard lock(list.mutex);
    list.children.push_back(
        DetachedChild{std::exchange(pid_, -1), std::chrono::steady_clock::now() + grace, grace});
}

std::size_t reap_detached_children() {
    DetachedChildren& list = detached_children();
    std::lock_guard lock(list.mutex);
    const auto now = std::chrono::steady_clock::now();
    std::vector<DetachedChild> still_running;
    for (DetachedChild& child : list.children) {
        int status = 0;
        pid_t rc;
        do
            rc = waitpid(child.pid, &status, WNOHANG);
        while (rc < 0 && errno == EINTR);
        // Reaped now, or (ECHILD) by someone else: either way, gone. Without
        // WUNTRACED, waitpid reports only children that have ended.
        if (rc != 0)
            continue;
        // Still running after EOF on its input for a whole grace period: it
        // will not end by itself (or not soon), and a --watch run would keep
        // one more of these at every round. waitpid just said that it is our
        // unreaped child, so its pid cannot have been reused.
        if (now >= child.signal_at && child.signals_sent < 2) {
            kill(child.pid, child.signals_sent == 0 ? SIGTERM : SIGKILL);
            ++child.signals_sent;
            child.signal_at = now + child.grace;
        }
        still_running.push_back(child);
    }
    list.children = std::move(still_running);
    return list.children.size();
}

} // namespace interimap::tunnel
