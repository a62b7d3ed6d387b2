#include <cerrno>
#include <interimap/socket_io.hpp>
#include <interimap/socket_stream.hpp>
#include <poll.h>
#include <sys/socket.h>
#include <system_error>
#include <unistd.h>
#include <utility>

namespace interimap {

SocketStream::SocketStream(int fd, std::string description)
    : fd_(fd), description_(std::move(description)) {}

SocketStream::~SocketStream() {
    (void)close();
}

Error SocketStream::failure(std::string_view operation, int error) const {
    std::string reason = std::generic_category().message(error);
    switch (error) {
    case ECONNRESET:
    case EPIPE:
        return make_error(ErrorCode::closed, description_ + ": " + reason);
    case ETIMEDOUT: // keepalive probes went unanswered
        return make_error(ErrorCode::timeout, description_ + ": " + reason);
    default:
        return make_error(ErrorCode::io,
                          description_ + ": " + std::string(operation) + ": " + reason);
    }
}

Result<IoResult> SocketStream::read(std::span<std::byte> buffer) {
    if (fd_ < 0)
        return Fail(ErrorCode::internal, description_ + ": read after close");
    SocketIo io = socket_receive(fd_, buffer, traffic_);
    if (io.error != 0)
        return Fail(failure("read", io.error));
    return io.result;
}

Result<IoResult> SocketStream::write(std::span<const std::byte> data) {
    if (fd_ < 0)
        return Fail(ErrorCode::internal, description_ + ": write after close");
    SocketIo io = socket_send(fd_, data, traffic_);
    if (io.error != 0)
        return Fail(failure("write", io.error));
    return io.result;
}

PollRequest SocketStream::poll_events(bool want_write) const {
    return PollRequest{fd_, static_cast<short>(POLLIN | (want_write ? POLLOUT : 0))};
}

Result<void> SocketStream::close() {
    if (fd_ < 0)
        return ok();
    ::shutdown(fd_, SHUT_RDWR);
    int rc = ::close(fd_);
    int error = errno;
    fd_ = -1;
    // The descriptor is released even when close(2) fails; EINTR is harmless.
    if (rc != 0 && error != EINTR && error != ENOTCONN)
        return Fail(ErrorCode::io,
                    description_ + ": close: " + std::generic_category().message(error));
    return ok();
}

} // namespace interimap
