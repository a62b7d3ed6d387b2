// One non-blocking recv() or send() on a socket, for transports that own a
// descriptor: EINTR retried, SIGPIPE never raised, wire bytes counted. What
// an error means (a reset peer, an exited tunnel command) is the
// transport's to say, so errors come back as the errno.
#pragma once

#include <cerrno>
#include <cstdint>
#include <interimap/stream.hpp>
#include <span>
#include <sys/socket.h>

namespace interimap {

struct SocketIo {
    IoResult result; ///< meaningful when error == 0
    int error = 0;   ///< errno of a failed call
};

inline SocketIo socket_receive(int fd, std::span<std::byte> buffer, TrafficCounters& traffic) {
    for (;;) {
        ssize_t n = ::recv(fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
        if (n > 0) {
            traffic.received += static_cast<std::uint64_t>(n);
            return {IoResult::transferred(static_cast<std::size_t>(n)), 0};
        }
        if (n == 0)
            return {IoResult::end(), 0};
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return {IoResult::blocked(), 0};
        return {IoResult{}, errno};
    }
}

inline SocketIo socket_send(int fd, std::span<const std::byte> data, TrafficCounters& traffic) {
    if (data.empty())
        return {IoResult::transferred(0), 0};
    for (;;) {
        // MSG_NOSIGNAL: a peer gone away is an error value, not a SIGPIPE.
        ssize_t n = ::send(fd, data.data(), data.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n >= 0) {
            traffic.sent += static_cast<std::uint64_t>(n);
            return {IoResult::transferred(static_cast<std::size_t>(n)), 0};
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return {IoResult::blocked(), 0};
        return {IoResult{}, errno};
    }
}

} // namespace interimap
