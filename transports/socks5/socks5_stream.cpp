#include "socks5_stream.hpp"

#include <cerrno>
#include <interimap/socket_io.hpp>
#include <poll.h>
#include <sys/socket.h>
#include <system_error>
#include <unistd.h>
#include <utility>

namespace interimap::socks5 {

Socks5Stream::Socks5Stream(int fd, std::string description)
    : fd_(fd), description_(std::move(description)) {}

Socks5Stream::~Socks5Stream() {
    (void)close();
}

Error Socks5Stream::failure(std::string_view operation, int error) const {
    const std::string reason = std::generic_category().message(error);
    if (error == ECONNRESET || error == EPIPE)
        return make_error(ErrorCode::closed, description_ + ": " + reason);
    if (error == ETIMEDOUT) // keepalive probes to the proxy went unanswered
        return make_error(ErrorCode::timeout, description_ + ": " + reason);
    return make_error(ErrorCode::io, description_ + ": " + std::string(operation) + ": " + reason);
}

Result<IoResult> Socks5Stream::read(std::span<std::byte> buffer) {
    if (fd_ < 0)
        return Fail(ErrorCode::internal, description_ + ": read after close");
    SocketIo io = socket_receive(fd_, buffer, traffic_);
    if (io.error != 0)
        return Fail(failure("read", io.error));
    return io.result;
}

Result<IoResult> Socks5Stream::write(std::span<const std::byte> data) {
    if (fd_ < 0)
        return Fail(ErrorCode::internal, description_ + ": write after close");
    SocketIo io = socket_send(fd_, data, traffic_);
    if (io.error != 0)
        return Fail(failure("write", io.error));
    return io.result;
}

PollRequest Socks5Stream::poll_events(bool want_write) const {
    return PollRequest{fd_, static_cast<short>(POLLIN | (want_write ? POLLOUT : 0))};
}

Result<void> Socks5Stream::close() {
    if (fd_ < 0)
        return ok();
    ::shutdown(fd_, SHUT_RDWR);
    const int rc = ::close(std::exchange(fd_, -1));
    // The descriptor is released even when close(2) fails; EINTR is harmless.
    if (rc != 0 && errno != EINTR && errno != ENOTCONN)
        return Fail(ErrorCode::io,
                    description_ + ": close: " + std::generic_category().message(errno));
    return ok();
}

} // namespace interimap::socks5
