#include "socket_connect.hpp"

#include <algorithm>
#include <cerrno>
#include <memory>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <system_error>
#include <unistd.h>

namespace interimap::socks5 {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::string errno_text(int error) {
    return std::generic_category().message(error);
}

struct AddrinfoDeleter {
    void operator()(addrinfo* list) const { freeaddrinfo(list); }
};

// A socket connected to one address by `deadline`, or why not.
Result<int> try_address(const addrinfo& address, Clock::time_point deadline) {
    int fd = ::socket(address.ai_family, address.ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                      address.ai_protocol);
    if (fd < 0)
        return Fail(ErrorCode::io, "socket: " + errno_text(errno));
    int error = 0;
    // EINTR leaves the connection in progress, like EINPROGRESS.
    if (::connect(fd, address.ai_addr, address.ai_addrlen) != 0 && errno != EINPROGRESS &&
        errno != EINTR)
        error = errno;
    while (error == 0) {
        auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
        pollfd p{fd, POLLOUT, 0};
        int rc = ::poll(&p, 1, static_cast<int>(std::max<milliseconds::rep>(left.count(), 0)));
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc == 0) {
            ::close(fd);
            return Fail(ErrorCode::timeout, "timed out");
        }
        socklen_t length = sizeof error;
        if (rc < 0 || ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0)
            error = errno;
        if (error == 0)
            return fd;
    }
    ::close(fd);
    return Fail(ErrorCode::io, errno_text(error));
}

} // namespace

std::string format_duration(milliseconds duration) {
    if (duration.count() % 1000 == 0)
        return std::to_string(duration.count() / 1000) + " s";
    return std::to_string(duration.count()) + " ms";
}

Result<ConnectedSocket> connect_socket(const Host& host, const std::string& port,
                                       milliseconds timeout, std::string_view what) {
    const auto deadline = Clock::now() + timeout;
    addrinfo hints{};
    hints.ai_family = host.family;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    hints.ai_flags = host.is_literal() ? AI_NUMERICHOST : 0;
    addrinfo* found = nullptr;
    if (int rc = ::getaddrinfo(host.name.c_str(), port.c_str(), &hints, &found); rc != 0)
        return Fail(ErrorCode::io, "Can't resolve " + std::string(what) + ": " +
                                       (rc == EAI_SYSTEM ? errno_text(errno) : gai_strerror(rc)));
    std::unique_ptr<addrinfo, AddrinfoDeleter> list(found);

    long remaining = 0;
    for (const addrinfo* a = list.get(); a; a = a->ai_next)
        ++remaining;
    std::string reasons;
    bool all_timed_out = true;
    for (const addrinfo* a = list.get(); a; a = a->ai_next, --remaining) {
        const std::string peer = format_address(a->ai_addr, a->ai_addrlen);
        auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
        auto share = Clock::now() + std::max(left / remaining, milliseconds(1));
        Result<int> fd = try_address(*a, std::min(share, deadline));
        if (fd)
            return ConnectedSocket{*fd, peer};
        const Error& error = fd.error();
        all_timed_out = all_timed_out && error.code == ErrorCode::timeout;
        // One address: its reason alone; several: each named.
        reasons += (reasons.empty() ? "" : "; ") +
                   (list->ai_next ? peer + ": " + error.message : error.message);
    }
    if (all_timed_out)
        return Fail(ErrorCode::timeout, "Can't connect to " + std::string(what) +
                                            ": timed out after " + format_duration(timeout));
    return Fail(ErrorCode::io, "Can't connect to " + std::string(what) + ": " + reasons);
}

Result<void> set_socket_options(int fd, bool keepalive) {
    int on = 1;
    if (::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) != 0)
        return Fail(ErrorCode::io, "setsockopt TCP_NODELAY: " + errno_text(errno));
    if (!keepalive)
        return ok();
    int idle = 60;
    if (::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on) != 0 ||
        ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle) != 0)
        return Fail(ErrorCode::io, "setsockopt SO_KEEPALIVE: " + errno_text(errno));
    return ok();
}

} // namespace interimap::socks5
