// The tunnel transport against real commands: cat, sh, false, sleep.
#include "transports/support/stream_helpers.hpp"
#include "tunnel_stream.hpp"
#include "tunnel_transport.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <gtest/gtest.h>
#include <interimap/config.hpp>
#include <signal.h>
#include <sstream>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace interimap::tunnel {
namespace {

using interimap::testing::DebugLevelLogger;
using interimap::testing::read_until;
using interimap::testing::write_all;
using namespace std::chrono_literals;

ConfigSection tunnel_section(const std::string& command) {
    ConfigSection section("remote");
    section.set("type", "tunnel");
    section.set("command", command);
    return section;
}

Result<StreamPtr> open_tunnel(const ConfigSection& section, int debug_level = 0) {
    DebugLevelLogger logger(debug_level);
    TunnelTransport transport;
    return transport.connect(ConnectRequest{section, logger, {"remote", ""}}, nullptr);
}

StreamPtr open_ok(const std::string& command) {
    Result<StreamPtr> stream = open_tunnel(tunnel_section(command));
    EXPECT_TRUE(stream) << (stream ? "" : stream.error().message);
    return stream ? std::move(*stream) : nullptr;
}

pid_t pid_of(const StreamPtr& stream) {
    return dynamic_cast<const TunnelStream&>(*stream).child_pid();
}

// True once `pid` is neither running nor a zombie waiting for us.
bool fully_reaped(pid_t pid) {
    int status = 0;
    return waitpid(pid, &status, WNOHANG) == -1 && errno == ECHILD && kill(pid, 0) == -1 &&
           errno == ESRCH;
}

// Waits up to `timeout` for child `pid` to end, without reaping it (WNOWAIT):
// it stays a zombie for the code under test to reap.
bool ended_unreaped(pid_t pid, std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        siginfo_t info{};
        if (waitid(P_PID, pid, &info, WEXITED | WNOWAIT | WNOHANG) != 0)
            return false; // not our child, or already reaped
        if (info.si_pid == pid)
            return true;
        if (std::chrono::steady_clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(5ms);
    }
}

// Opens and closes a tunnel: the moments the reaper of detached children runs.
void open_and_close_another_tunnel() {
    StreamPtr other = open_ok("true");
    ASSERT_TRUE(other);
    EXPECT_TRUE(other->close());
}

// A field of /proc/PID/status ("SigBlk", "SigIgn") as a bit mask.
unsigned long long proc_status_mask(pid_t pid, const std::string& field) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind(field + ":", 0) == 0)
            return std::stoull(line.substr(field.size() + 1), nullptr, 16);
    ADD_FAILURE() << "no " << field << " in /proc/" << pid << "/status";
    return 0;
}

// Sends our stderr (fd 2, which children inherit) to a file while alive.
class StderrCapture {
public:
    StderrCapture() {
        char name[] = "/tmp/interimap-tunnel-stderr-XXXXXX";
        int fd = mkstemp(name);
        path_ = name;
        std::fflush(stderr);
        saved_ = dup(STDERR_FILENO);
        dup2(fd, STDERR_FILENO);
        ::close(fd);
    }
    ~StderrCapture() {
        restore();
        std::remove(path_.c_str());
    }
    std::string text() {
        restore();
        std::ifstream in(path_);
        std::stringstream buffer;
        buffer << in.rdbuf();
        return buffer.str();
    }

private:
    void restore() {
        if (saved_ >= 0) {
            std::fflush(stderr);
            dup2(saved_, STDERR_FILENO);
            ::close(saved_);
            saved_ = -1;
        }
    }
    std::string path_;
    int saved_ = -1;
};

TEST(TunnelTransport, EchoesThroughCatWithNonBlockingIo) {
    StreamPtr stream = open_ok("cat");
    ASSERT_TRUE(stream);
    EXPECT_EQ(stream->describe(), "tunnel `cat`");
    std::byte buffer[64];
    // Nothing to read yet: a non-blocking stream must say so, not wait.
    Result<IoResult> early = stream->read(buffer);
    ASSERT_TRUE(early);
    EXPECT_EQ(early->status, IoResult::Status::would_block);

    const std::string line = "a001 CAPABILITY\r\n";
    ASSERT_TRUE(write_all(*stream, line));
    auto got = read_until(*stream, "\r\n");
    ASSERT_FALSE(got.error) << got.error->message;
    EXPECT_EQ(got.data, line);

    TrafficCounters traffic = stream->traffic();
    EXPECT_EQ(traffic.sent, line.size());
    EXPECT_EQ(traffic.received, line.size());
    EXPECT_TRUE(stream->close());
}

// The socketpair gets larger buffers than the kernel's default (208 KiB on
// Debian): fewer wake-ups while a copy streams through. The kernel caps the
// request at net.core.wmem_max and doubles it, so anything above the
// default shows that it was asked for, on any machine.
TEST(TunnelTransport, SocketBuffersAreLargerThanTheDefault) {
    int probe = ::socket(AF_UNIX, SOCK_STREAM, 0);
    ASSERT_GE(probe, 0);
    int fallback = 0;
    socklen_t len = sizeof fallback;
    ASSERT_EQ(::getsockopt(probe, SOL_SOCKET, SO_SNDBUF, &fallback, &len), 0);
    ::close(probe);

    // The child reports the send buffer of its standard output (its end).
    StreamPtr stream = open_ok("python3 -c 'import socket; s = socket.socket(fileno=1); "
                               "print(s.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF), "
                               "end=\"\\r\\n\", flush=True); s.detach()'");
    ASSERT_TRUE(stream);
    auto got = read_until(*stream, "\r\n");
    ASSERT_FALSE(got.error) << got.error->message;
    EXPECT_GT(std::stol(got.data), static_cast<long>(fallback)) << got.data;

    // Ours, for what we send.
    const int fd = stream->poll_events(false).fd;
    int ours = 0;
    len = sizeof ours;
    ASSERT_EQ(::getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &ours, &len), 0);
    EXPECT_GT(ours, fallback);
    (void)stream->close();
}

TEST(TunnelTransport, LargeTransferKeepsOrderAndCountsEveryByte) {
    StreamPtr stream = open_ok("cat");
    ASSERT_TRUE(stream);
    std::string payload;
    for (int i = 0; payload.size() < 1 << 20; ++i)
        payload += std::to_string(i) + "\r\n";
    // Interleave writing and reading: cat blocks once the socket is full.
    std::string echoed;
    std::size_t written = 0;
    std::byte buffer[8192];
    auto deadline = std::chrono::steady_clock::now() + 20s;
    while (echoed.size() < payload.size() && std::chrono::steady_clock::now() < deadline) {
        if (written < payload.size()) {
            auto chunk =
                std::as_bytes(std::span(payload.data() + written, payload.size() - written));
            Result<IoResult> w = stream->write(chunk);
            ASSERT_TRUE(w) << w.error().message;
            if (w->status == IoResult::Status::ok)
                written += w->bytes;
        }
        Result<IoResult> r = stream->read(buffer);
        ASSERT_TRUE(r) << r.error().message;
        ASSERT_NE(r->status, IoResult::Status::eof);
        if (r->status == IoResult::Status::ok)
            echoed.append(reinterpret_cast<const char*>(buffer), r->bytes);
        else
            interimap::testing::poll_stream(*stream, written < payload.size(), 100ms);
    }
    EXPECT_EQ(echoed, payload);
    EXPECT_EQ(stream->traffic().sent, payload.size());
    EXPECT_EQ(stream->traffic().received, payload.size());
    EXPECT_TRUE(stream->close());
}

TEST(TunnelTransport, WordSplitCommandGetsSeparateArguments) {
    // No metacharacter: printf receives the format and three arguments; a
    // shell would have taken `#b` for a comment.
    StreamPtr stream = open_ok("printf X%sY   one\ttwo #b");
    ASSERT_TRUE(stream);
    auto got = read_until(*stream);
    EXPECT_TRUE(got.eof);
    EXPECT_EQ(got.data, "XoneYXtwoYX#bY");
    EXPECT_TRUE(stream->close());
}

TEST(TunnelTransport, DirectCommandIsNotWrappedInAShell) {
    StreamPtr stream = open_ok("cat -u");
    ASSERT_TRUE(stream);
    ASSERT_TRUE(write_all(*stream, "."));
    ASSERT_EQ(read_until(*stream, ".").data, ".");
    std::ifstream comm("/proc/" + std::to_string(pid_of(stream)) + "/comm");
    std::string name;
    std::getline(comm, name);
    EXPECT_EQ(name, "cat");
    EXPECT_TRUE(stream->close());
}

TEST(TunnelTransport, ShellCommandRunsThroughTheShellAndReportsItsStatus) {
    StreamPtr stream = open_ok("echo hi; exit 3");
    ASSERT_TRUE(stream);
    auto got = read_until(*stream);
    EXPECT_EQ(got.data, "hi\n");
    ASSERT_TRUE(got.error);
    EXPECT_EQ(got.error->code, ErrorCode::closed);
    EXPECT_EQ(
        got.error->message,
        "tunnel command `echo hi; exit 3` exited with status 3 before the end of the session");
    // Reported once: close() does not repeat it.
    EXPECT_TRUE(stream->close());
}

TEST(TunnelTransport, EarlyExitOfADirectCommandNamesItsStatus) {
    StreamPtr stream = open_ok("false");
    ASSERT_TRUE(stream);
    auto got = read_until(*stream);
    ASSERT_TRUE(got.error);
    EXPECT_EQ(got.error->code, ErrorCode::closed);
    EXPECT_EQ(got.error->message,
              "tunnel command `false` exited with status 1 before the end of the session");
}

TEST(TunnelTransport, CommandKilledBySignalIsReported) {
    StreamPtr stream = open_ok("kill -9 $$");
    ASSERT_TRUE(stream);
    auto got = read_until(*stream);
    ASSERT_TRUE(got.error);
    EXPECT_EQ(got.error->message, "tunnel command `kill -9 $$` was killed by signal 9 (Killed) "
                                  "before the end of the session");
}

TEST(TunnelTransport, SuccessfulExitIsAPlainEndOfStream) {
    StreamPtr stream = open_ok("echo bye");
    ASSERT_TRUE(stream);
    auto got = read_until(*stream);
    EXPECT_FALSE(got.error);
    EXPECT_TRUE(got.eof);
    EXPECT_EQ(got.data, "bye\n");
    EXPECT_TRUE(stream->close());
}

TEST(TunnelTransport, WriteToAnExitedCommandNamesItsStatusWithoutSigpipe) {
    StreamPtr stream = open_ok("false");
    ASSERT_TRUE(stream);
    // Wait until the command has closed its end.
    PollRequest request = stream->poll_events(false);
    pollfd p{request.fd, POLLIN, 0};
    ASSERT_EQ(::poll(&p, 1, 10000), 1);
    ASSERT_TRUE(p.revents & POLLHUP);
    Result<IoResult> w = stream->write(std::as_bytes(std::span("x", 1)));
    ASSERT_FALSE(w);
    EXPECT_EQ(w.error().code, ErrorCode::closed);
    EXPECT_EQ(w.error().message,
              "tunnel command `false` exited with status 1 before the end of the session");
}

TEST(TunnelTransport, MissingProgramIsReportedAtConnectTime) {
    Result<StreamPtr> stream = open_tunnel(tunnel_section("interimap-test-no-such-program --flag"));
    ASSERT_FALSE(stream);
    EXPECT_EQ(stream.error().code, ErrorCode::io);
    EXPECT_EQ(stream.error().message,
              "Can't exec `interimap-test-no-such-program --flag`: No such file or directory");
}

TEST(TunnelTransport, NonExecutableFileIsReportedAtConnectTime) {
    char path[] = "/tmp/interimap-tunnel-noexec-XXXXXX";
    int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    ::close(fd);
    chmod(path, 0644);
    Result<StreamPtr> stream = open_tunnel(tunnel_section(path));
    std::remove(path);
    ASSERT_FALSE(stream);
    // Even root needs one execute bit.
    EXPECT_EQ(stream.error().message, std::string("Can't exec `") + path + "`: Permission denied");
}

TEST(TunnelTransport, ScriptWithoutInterpreterLineRunsInTheShell) {
    char path[] = "/tmp/interimap-tunnel-script-XXXXXX";
    int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    const std::string script = "echo from-script\n";
    ASSERT_EQ(::write(fd, script.data(), script.size()), static_cast<ssize_t>(script.size()));
    ::close(fd);
    chmod(path, 0755);
    StreamPtr stream = open_ok(path);
    ASSERT_TRUE(stream);
    auto got = read_until(*stream);
    std::remove(path);
    EXPECT_EQ(got.data, "from-script\n");
    EXPECT_TRUE(stream->close());
}

TEST(TunnelTransport, MissingCommandOptionIsAConfigError) {
    ConfigSection section("remote");
    section.set("type", "tunnel");
    Result<StreamPtr> stream = open_tunnel(section);
    ASSERT_FALSE(stream);
    EXPECT_EQ(stream.error().code, ErrorCode::config);
    EXPECT_EQ(stream.error().message, "Missing tunnel command");
}

TEST(TunnelTransport, InvalidNullStderrIsAConfigError) {
    ConfigSection section = tunnel_section("cat");
    section.set("null-stderr", "maybe");
    Result<StreamPtr> stream = open_tunnel(section);
    ASSERT_FALSE(stream);
    EXPECT_EQ(stream.error().code, ErrorCode::config);
    EXPECT_NE(stream.error().message.find("null-stderr"), std::string::npos)
        << stream.error().message;
}

TEST(TunnelTransport, RefusesToWrapAnotherStream) {
    ConfigSection section = tunnel_section("cat");
    StreamPtr lower = open_ok("cat");
    ASSERT_TRUE(lower);
    DebugLevelLogger logger;
    TunnelTransport transport;
    Result<StreamPtr> stream =
        transport.connect(ConnectRequest{section, logger, {"remote", ""}}, std::move(lower));
    EXPECT_FALSE(stream);
}

std::string stderr_of(const std::string& null_stderr, int debug_level) {
    ConfigSection section = tunnel_section("echo to-stderr >&2; echo done");
    if (!null_stderr.empty())
        section.set("null-stderr", null_stderr);
    StderrCapture capture;
    Result<StreamPtr> stream = open_tunnel(section, debug_level);
    EXPECT_TRUE(stream);
    if (!stream)
        return "";
    auto got = read_until(**stream);
    EXPECT_EQ(got.data, "done\n");
    EXPECT_TRUE((*stream)->close()); // the command has exited: its stderr is complete
    return capture.text();
}

TEST(TunnelTransport, NullStderrDiscardsTheCommandsErrors) {
    EXPECT_EQ(stderr_of("YES", 0), "");
    EXPECT_EQ(stderr_of("yes", 0), "");
}

TEST(TunnelTransport, StderrIsInheritedByDefault) {
    EXPECT_EQ(stderr_of("", 0), "to-stderr\n");
    EXPECT_EQ(stderr_of("NO", 0), "to-stderr\n");
}

TEST(TunnelTransport, NullStderrIsIgnoredWithDebug) {
    EXPECT_EQ(stderr_of("YES", 1), "to-stderr\n");
}

TEST(TunnelTransport, CloseReapsACommandThatHasAlreadyEnded) {
    StreamPtr stream = open_ok("echo bye");
    ASSERT_TRUE(stream);
    pid_t pid = pid_of(stream);
    ASSERT_GT(pid, 0);
    ASSERT_TRUE(ended_unreaped(pid)); // a zombie, which read() did not see
    EXPECT_TRUE(stream->close());
    EXPECT_TRUE(fully_reaped(pid)); // by close itself
    EXPECT_TRUE(stream->close());   // a second close is harmless
}

// Close does not wait for the command to exit: when the server is far away,
// its exit comes a round trip after our EOF.
TEST(TunnelTransport, CloseDoesNotWaitForACommandStillExiting) {
    const std::string command = "sh -c 'cat >/dev/null; sleep 0.2'";
    StreamPtr stream = open_ok(command);
    ASSERT_TRUE(stream);
    pid_t pid = pid_of(stream);
    ASSERT_GT(pid, 0);
    auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(stream->close());
    EXPECT_LT(std::chrono::steady_clock::now() - start, 100ms);
    EXPECT_EQ(kill(pid, 0), 0); // still there
    EXPECT_TRUE(stream->close());

    // It ends by itself, and the next tunnel opened reaps it.
    ASSERT_TRUE(ended_unreaped(pid));
    EXPECT_FALSE(fully_reaped(pid)); // a zombie for now
    StreamPtr next = open_ok("cat");
    ASSERT_TRUE(next);
    EXPECT_TRUE(fully_reaped(pid));
    EXPECT_TRUE(next->close());
}

TEST(TunnelTransport, ClosingATunnelReapsTheCommandsOfEarlierOnes) {
    StreamPtr first = open_ok("sh -c 'cat >/dev/null; sleep 0.2'");
    ASSERT_TRUE(first);
    pid_t pid = pid_of(first);
    EXPECT_TRUE(first->close());
    // Opened while the first command still runs: nothing to reap yet.
    StreamPtr second = open_ok("cat");
    ASSERT_TRUE(second);
    ASSERT_TRUE(ended_unreaped(pid));
    EXPECT_TRUE(second->close());
    EXPECT_TRUE(fully_reaped(pid));
}

TEST(TunnelTransport, DestroyingTheStreamLeavesNoZombie) {
    StreamPtr stream = open_ok("sh -c 'cat >/dev/null; sleep 0.2'");
    ASSERT_TRUE(stream);
    pid_t pid = pid_of(stream);
    auto start = std::chrono::steady_clock::now();
    stream.reset(); // closes, without waiting either
    EXPECT_LT(std::chrono::steady_clock::now() - start, 100ms);
    ASSERT_TRUE(ended_unreaped(pid));
    open_and_close_another_tunnel();
    EXPECT_TRUE(fully_reaped(pid));
}

TEST(TunnelTransport, ReconnectingManyTimesLeavesNoZombie) {
    // What --watch does: a new tunnel at every round.
    std::vector<pid_t> pids;
    for (int round = 0; round < 5; ++round) {
        StreamPtr stream = open_ok("cat");
        ASSERT_TRUE(stream);
        pids.push_back(pid_of(stream));
        EXPECT_TRUE(stream->close());
    }
    for (pid_t pid : pids)
        ASSERT_TRUE(ended_unreaped(pid) || fully_reaped(pid));
    open_and_close_another_tunnel();
    for (pid_t pid : pids)
        EXPECT_TRUE(fully_reaped(pid)) << pid;
}

TEST(TunnelTransport, ExitedCommandIsReapedAfterItsErrorIsReported) {
    StreamPtr stream = open_ok("echo hi; exit 3");
    ASSERT_TRUE(stream);
    pid_t pid = pid_of(stream);
    auto got = read_until(*stream);
    ASSERT_TRUE(got.error);
    EXPECT_TRUE(fully_reaped(pid)); // read() already collected it
}

TEST(TunnelTransport, CloseReportsAFailureThatReadDidNotSee) {
    // The command fails before the close, while we read nothing.
    StreamPtr stream = open_ok("true; exit 4");
    ASSERT_TRUE(stream);
    pid_t pid = pid_of(stream);
    ASSERT_TRUE(ended_unreaped(pid));
    Result<void> closed = stream->close();
    ASSERT_FALSE(closed);
    EXPECT_EQ(closed.error().code, ErrorCode::closed);
    EXPECT_EQ(closed.error().message, "tunnel command `true; exit 4` exited with status 4");
    EXPECT_TRUE(fully_reaped(pid));
}

TEST(TunnelTransport, FailureAfterCloseIsNotWaitedFor) {
    // The price of not waiting: cat ends on our EOF, and the status the shell
    // exits with a moment later is no longer ours to report.
    StreamPtr stream = open_ok("cat; sleep 0.2; exit 4");
    ASSERT_TRUE(stream);
    pid_t pid = pid_of(stream);
    ASSERT_TRUE(write_all(*stream, "x"));
    ASSERT_EQ(read_until(*stream, "x").data, "x");
    EXPECT_TRUE(stream->close());
    ASSERT_TRUE(ended_unreaped(pid));
    open_and_close_another_tunnel();
    EXPECT_TRUE(fully_reaped(pid));
}

// A TunnelStream over `command`, with a short grace period.
struct DirectTunnel {
    explicit DirectTunnel(const std::string& command, std::chrono::milliseconds grace) {
        int fds[2];
        EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
        Result<ChildProcess> child =
            ChildProcess::spawn(plan_exec(command), SpawnOptions{fds[1], false}, command);
        ::close(fds[1]);
        EXPECT_TRUE(child);
        if (!child)
            return;
        pid = child->pid();
        stream = std::make_unique<TunnelStream>(fds[0], std::move(*child), command, grace);
    }
    pid_t pid = -1;
    std::unique_ptr<TunnelStream> stream;
};

TEST(TunnelTransport, CommandIgnoringEndOfInputIsTerminatedLater) {
    DirectTunnel tunnel("sleep 60", 200ms);
    ASSERT_TRUE(tunnel.stream);
    auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(tunnel.stream->close()); // does not wait for it
    EXPECT_LT(std::chrono::steady_clock::now() - start, 100ms);
    EXPECT_EQ(kill(tunnel.pid, 0), 0);
    // Within its grace period, the reaper leaves it alone.
    reap_detached_children();
    EXPECT_FALSE(ended_unreaped(tunnel.pid, 50ms));
    // Past it, the reaper's next run (at the next opening or closing of a
    // tunnel) terminates it...
    std::this_thread::sleep_for(250ms);
    reap_detached_children();
    ASSERT_TRUE(ended_unreaped(tunnel.pid));
    siginfo_t info{};
    ASSERT_EQ(waitid(P_PID, tunnel.pid, &info, WEXITED | WNOWAIT | WNOHANG), 0);
    EXPECT_EQ(info.si_code, CLD_KILLED);
    EXPECT_EQ(info.si_status, SIGTERM);
    // ... and the one after reaps it.
    open_and_close_another_tunnel();
    EXPECT_TRUE(fully_reaped(tunnel.pid));
}

TEST(TunnelTransport, CommandIgnoringSigtermIsKilled) {
    // The shell ignores SIGTERM (trap ''), and so does its sleep.
    DirectTunnel tunnel("trap '' TERM; echo ready; while :; do sleep 0.05; done", 100ms);
    ASSERT_TRUE(tunnel.stream);
    ASSERT_EQ(read_until(*tunnel.stream, "\n").data, "ready\n"); // the trap is set
    EXPECT_TRUE(tunnel.stream->close());
    std::this_thread::sleep_for(150ms);
    reap_detached_children(); // SIGTERM, ignored
    EXPECT_FALSE(ended_unreaped(tunnel.pid, 150ms));
    reap_detached_children(); // SIGKILL, a grace period later
    ASSERT_TRUE(ended_unreaped(tunnel.pid));
    siginfo_t info{};
    ASSERT_EQ(waitid(P_PID, tunnel.pid, &info, WEXITED | WNOWAIT | WNOHANG), 0);
    EXPECT_EQ(info.si_code, CLD_KILLED);
    EXPECT_EQ(info.si_status, SIGKILL);
    reap_detached_children();
    EXPECT_TRUE(fully_reaped(tunnel.pid));
}

TEST(TunnelTransport, CommandRunsWithSigintBlockedAndSigpipeDefault) {
    // Even when we ignore SIGPIPE, the command must not inherit that.
    auto previous = signal(SIGPIPE, SIG_IGN);
    StreamPtr stream = open_ok("cat");
    signal(SIGPIPE, previous);
    ASSERT_TRUE(stream);
    pid_t pid = pid_of(stream);
    // Wait for cat to be running (past exec) by echoing one byte.
    ASSERT_TRUE(write_all(*stream, "."));
    ASSERT_EQ(read_until(*stream, ".").data, ".");
    EXPECT_TRUE(proc_status_mask(pid, "SigBlk") & (1ull << (SIGINT - 1)));
    EXPECT_FALSE(proc_status_mask(pid, "SigIgn") & (1ull << (SIGPIPE - 1)));
    EXPECT_TRUE(stream->close());
}

TEST(TunnelTransport, OurSocketIsNotInheritedByOtherChildren) {
    StreamPtr first = open_ok("cat");
    ASSERT_TRUE(first);
    int fd = first->poll_events(false).fd;
    // A second tunnel must not hold the first one's socket open.
    StreamPtr second = open_ok("cat");
    ASSERT_TRUE(second);
    std::string fd_path = "/proc/" + std::to_string(pid_of(second)) + "/fd/" + std::to_string(fd);
    struct stat st;
    // Either the descriptor number is unused in the child, or it is not our socket.
    struct stat ours;
    ASSERT_EQ(fstat(fd, &ours), 0);
    if (stat(fd_path.c_str(), &st) == 0) {
        EXPECT_FALSE(st.st_ino == ours.st_ino && st.st_dev == ours.st_dev);
    }
    EXPECT_TRUE(first->close());
    EXPECT_TRUE(second->close());
}

} // namespace
} // namespace interimap::tunnel
