#include "tcp_connect.hpp"

#include <algorithm>
#include <cerrno>
#include <memory>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <system_error>
#include <unistd.h>
#include <utility>
#include <vector>

namespace interimap::tcp {

namespace {

using Clock = std::chrono::steady_clock;

std::string errno_text(int err) {
    return std::generic_category().message(err);
}

struct AddrinfoDeleter {
    void operator()(addrinfo* list) const { freeaddrinfo(list); }
};
using AddrinfoList = std::unique_ptr<addrinfo, AddrinfoDeleter>;

// Waits until the in-progress connect on `fd` completes or `deadline` passes.
Result<void> await_connect(int fd, Clock::time_point deadline, std::chrono::milliseconds timeout) {
    for (;;) {
        auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left < 0)
            left = 0;
        pollfd p{fd, POLLOUT, 0};
        int rc = ::poll(&p, 1, static_cast<int>(left));
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc < 0)
            return Fail(ErrorCode::io, "poll: " + errno_text(errno));
        if (rc == 0)
            return Fail(ErrorCode::timeout, "timed out after " + format_duration(timeout));
        int error = 0;
        socklen_t length = sizeof error;
        if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0)
            error = errno;
        if (error != 0)
            return Fail(ErrorCode::io, errno_text(error));
        return ok();
    }
}

// One line for all the addresses tried: the common reason if they agree.
Error combine(const std::string& endpoint, std::chrono::milliseconds timeout,
              const std::vector<std::pair<std::string, Error>>& failures) {
    bool same = std::all_of(failures.begin(), failures.end(), [&](const auto& f) {
        return f.second.message == failures.front().second.message;
    });
    bool all_timeouts = std::all_of(failures.begin(), failures.end(), [](const auto& f) {
        return f.second.code == ErrorCode::timeout;
    });
    std::string message = "Can't connect to " + endpoint + ": ";
    if (all_timeouts && !failures.empty()) {
        message += "timed out after " + format_duration(timeout);
    } else if (same && !failures.empty()) {
        message += failures.front().second.message;
    } else {
        for (std::size_t i = 0; i < failures.size(); ++i)
            message += (i ? "; " : "") + failures[i].first + ": " + failures[i].second.message;
    }
    return make_error(all_timeouts ? ErrorCode::timeout : ErrorCode::io, message);
}

} // namespace

std::string format_duration(std::chrono::milliseconds duration) {
    if (duration.count() % 1000 == 0)
        return std::to_string(duration.count() / 1000) + " s";
    return std::to_string(duration.count()) + " ms";
}

Result<int> connect_address(const addrinfo& address, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    int fd = ::socket(address.ai_family, address.ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                      address.ai_protocol);
    if (fd < 0)
        return Fail(ErrorCode::io, "socket: " + errno_text(errno));
    // EINTR leaves the connection in progress, like EINPROGRESS.
    if (::connect(fd, address.ai_addr, address.ai_addrlen) != 0 && errno != EINPROGRESS &&
        errno != EINTR) {
        int error = errno;
        ::close(fd);
        return Fail(ErrorCode::io, errno_text(error));
    }
    if (auto done = await_connect(fd, deadline, timeout); !done) {
        ::close(fd);
        return Fail(std::move(done).error());
    }
    return fd;
}

Result<ConnectedSocket> connect_to_host(const HostSpec& host, const std::string& port,
                                        std::chrono::milliseconds timeout, std::string_view what) {
    const std::string endpoint = what.empty() ? format_endpoint(host, port) : std::string(what);
    addrinfo hints{};
    hints.ai_family = host.numeric ? host.family : AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    hints.ai_flags = host.numeric ? AI_NUMERICHOST : 0;
    addrinfo* found = nullptr;
    int rc = ::getaddrinfo(host.name.c_str(), port.c_str(), &hints, &found);
    if (rc != 0)
        return Fail(ErrorCode::io, "Can't resolve " + endpoint + ": " +
                                       (rc == EAI_SYSTEM ? errno_text(errno) : gai_strerror(rc)));
    AddrinfoList addresses(found);

    std::size_t count = 0;
    for (const addrinfo* a = addresses.get(); a; a = a->ai_next)
        ++count;
    const auto deadline = Clock::now() + timeout;
    std::vector<std::pair<std::string, Error>> failures;
    for (const addrinfo* a = addresses.get(); a; a = a->ai_next, --count) {
        std::string peer = format_address(a->ai_addr, a->ai_addrlen);
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            failures.emplace_back(peer, make_error(ErrorCode::timeout, "timed out"));
            break;
        }
        // Share what is left among the remaining addresses, so that one
        // silent address does not use up the time of the others.
        auto budget = std::max(left / static_cast<long>(count), std::chrono::milliseconds(1));
        Result<int> fd = connect_address(*a, budget);
        if (fd)
            return ConnectedSocket{*fd, std::move(peer)};
        Error error = std::move(fd).error();
        // Each address had a share of the time: the message names the whole.
        if (error.code == ErrorCode::timeout)
            error.message = "timed out";
        failures.emplace_back(std::move(peer), std::move(error));
    }
    return Fail(combine(endpoint, timeout, failures));
}

Result<void> set_socket_options(int fd, bool keepalive) {
    int on = 1;
    if (::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) != 0)
        return Fail(ErrorCode::io, "setsockopt TCP_NODELAY: " + errno_text(errno));
    if (!keepalive)
        return ok();
    if (::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on) != 0)
        return Fail(ErrorCode::io, "setsockopt SO_KEEPALIVE: " + errno_text(errno));
    int idle = 60;
    if (::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle) != 0)
        return Fail(ErrorCode::io, "setsockopt TCP_KEEPIDLE: " + errno_text(errno));
    return ok();
}

} // namespace interimap::tcp
