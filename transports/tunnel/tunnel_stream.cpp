#include "tunnel_stream.hpp"

#include <cerrno>
#include <interimap/socket_io.hpp>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <system_error>
#include <unistd.h>
#include <utility>

namespace interimap::tunnel {

namespace {

// Once the socket reports EOF, the command has closed its output, which it
// normally does by exiting: leave it a moment to become reapable.
constexpr std::chrono::milliseconds kExitAfterEof{500};

std::string errno_text(int err) {
    return std::generic_category().message(err);
}

} // namespace

TunnelStream::TunnelStream(int fd, ChildProcess child, std::string command,
                           std::chrono::milliseconds reap_grace)
    : fd_(fd), child_(std::move(child)), command_(std::move(command)), reap_grace_(reap_grace) {}

TunnelStream::~TunnelStream() {
    (void)close();
}

std::string TunnelStream::describe() const {
    return "tunnel `" + command_ + "`";
}

Error TunnelStream::exited_early(const ChildExit& exit) {
    exit_reported_ = true;
    return make_error(ErrorCode::closed, "tunnel command `" + command_ + "` " +
                                             describe_exit(exit) +
                                             " before the end of the session");
}

Error TunnelStream::lost(std::string_view what) {
    if (const auto& exit = child_.wait_for(kExitAfterEof))
        return exited_early(*exit);
    return make_error(ErrorCode::closed, describe() + ": " + std::string(what));
}

Result<IoResult> TunnelStream::read(std::span<std::byte> buffer) {
    if (fd_ < 0)
        return Fail(ErrorCode::internal, describe() + ": read after close");
    SocketIo io = socket_receive(fd_, buffer, traffic_);
    if (io.error == ECONNRESET)
        return Fail(lost("connection reset by the command"));
    if (io.error != 0)
        return Fail(ErrorCode::io, describe() + ": read: " + errno_text(io.error));
    if (io.result.status == IoResult::Status::eof) {
        // A command that ends successfully is a normal end of stream; the
        // session decides whether it came too early.
        const auto& exit = child_.wait_for(kExitAfterEof);
        if (exit && !exit->success() && exit->kind != ChildExit::Kind::unknown)
            return Fail(exited_early(*exit));
    }
    return io.result;
}

Result<IoResult> TunnelStream::write(std::span<const std::byte> data) {
    if (fd_ < 0)
        return Fail(ErrorCode::internal, describe() + ": write after close");
    SocketIo io = socket_send(fd_, data, traffic_);
    if (io.error == EPIPE || io.error == ECONNRESET)
        return Fail(lost("the command closed its standard input"));
    if (io.error != 0)
        return Fail(ErrorCode::io, describe() + ": write: " + errno_text(io.error));
    return io.result;
}

PollRequest TunnelStream::poll_events(bool want_write) const {
    return PollRequest{fd_, static_cast<short>(POLLIN | (want_write ? POLLOUT : 0))};
}

Result<void> TunnelStream::close() {
    if (fd_ >= 0) {
        // The command sees EOF on its input and, as IMAP servers do, exits.
        ::shutdown(fd_, SHUT_RDWR);
        ::close(fd_);
        fd_ = -1;
    }
    Result<void> result = ok();
    // An exit already reported by read() or write() is not reported twice.
    if (child_.pid() > 0 && !exit_reported_) {
        exit_reported_ = true;
        result = collect_exit();
    }
    // Closing a tunnel is one of the moments the children of earlier ones are
    // collected, this one's included if it was detached a moment ago.
    reap_detached_children();
    return result;
}

Result<void> TunnelStream::collect_exit() {
    // We do not wait for the command to exit. Its exit follows our EOF by a
    // round trip when the server is far away (ssh: the EOF travels to the
    // server, which closes the channel), and waiting for it was a sizeable
    // part of a short run. Whatever it ends with now, the session has done
    // with it; so a command still running is handed to the reaper of
    // detached children, and its exit status is not reported.
    const std::optional<ChildExit>& exit = child_.wait_for(std::chrono::milliseconds(0));
    if (!exit) {
        child_.detach(reap_grace_);
        return ok();
    }
    // A command that had already ended, which read() and write() did not
    // notice: its status is known at no cost, and a failure is reported.
    // Writing to our closed socket kills the command with SIGPIPE: our doing.
    bool harmless = exit->success() || exit->kind == ChildExit::Kind::unknown ||
                    (exit->kind == ChildExit::Kind::signaled && exit->value == SIGPIPE);
    if (harmless)
        return ok();
    return Fail(ErrorCode::closed, "tunnel command `" + command_ + "` " + describe_exit(*exit));
}

} // namespace interimap::tunnel
