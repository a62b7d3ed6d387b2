// A real TCP server on 127.0.0.1 or ::1 (ephemeral port) in a thread, for
// the tcp transport tests. Never anything beyond loopback.
#pragma once

#include <arpa/inet.h>
#include <atomic>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace interimap::testing {

class LoopbackServer {
public:
    /// What the server does with the one connection it accepts.
    enum class Behaviour {
        echo,  ///< sends back what it receives, until EOF
        close, ///< closes at once (the client reads EOF)
        reset, ///< closes with SO_LINGER 0 (the client sees ECONNRESET)
    };

    explicit LoopbackServer(int family, Behaviour behaviour = Behaviour::echo)
        : family_(family), behaviour_(behaviour) {
        listener_ = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_storage address{};
        socklen_t length = 0;
        if (family == AF_INET6) {
            auto* a = reinterpret_cast<sockaddr_in6*>(&address);
            a->sin6_family = AF_INET6;
            a->sin6_addr = in6addr_loopback;
            length = sizeof *a;
        } else {
            auto* a = reinterpret_cast<sockaddr_in*>(&address);
            a->sin_family = AF_INET;
            a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            length = sizeof *a;
        }
        ok_ = listener_ >= 0 &&
              ::bind(listener_, reinterpret_cast<sockaddr*>(&address), length) == 0 &&
              ::listen(listener_, 8) == 0 &&
              ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) == 0 &&
              ::pipe2(stop_, O_CLOEXEC) == 0;
        if (!ok_)
            return;
        port_ = ntohs(family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&address)->sin6_port
                                         : reinterpret_cast<sockaddr_in*>(&address)->sin_port);
        thread_ = std::thread([this] { serve(); });
    }

    ~LoopbackServer() {
        if (thread_.joinable()) {
            char c = 0;
            (void)!::write(stop_[1], &c, 1);
            thread_.join();
        }
        for (int fd : {listener_, stop_[0], stop_[1]})
            if (fd >= 0)
                ::close(fd);
    }
    LoopbackServer(const LoopbackServer&) = delete;
    LoopbackServer& operator=(const LoopbackServer&) = delete;

    bool ok() const { return ok_; }
    int port() const { return port_; }
    std::string port_text() const { return std::to_string(port_); }
    /// Bytes the server received (complete once the client closed).
    std::size_t received() const { return received_; }
    /// True once a client connected.
    bool accepted() const { return accepted_; }

private:
    // Waits for `fd` to be readable; false when asked to stop.
    bool wait_readable(int fd) {
        pollfd p[2] = {{fd, POLLIN, 0}, {stop_[0], POLLIN, 0}};
        while (::poll(p, 2, -1) < 0) {
        }
        return !(p[1].revents & POLLIN);
    }

    void serve() {
        if (!wait_readable(listener_))
            return;
        int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
        if (client < 0)
            return;
        accepted_ = true;
        if (behaviour_ == Behaviour::reset) {
            // Reset only once the client has written: a reset racing the
            // end of the handshake would fail connect() instead of read().
            wait_readable(client);
            linger l{1, 0};
            ::setsockopt(client, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        }
        if (behaviour_ == Behaviour::echo) {
            char buffer[4096];
            while (wait_readable(client)) {
                ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
                if (n <= 0)
                    break;
                received_ += static_cast<std::size_t>(n);
                for (ssize_t sent = 0; sent < n;) {
                    ssize_t w = ::send(client, buffer + sent, n - sent, MSG_NOSIGNAL);
                    if (w <= 0)
                        break;
                    sent += w;
                }
            }
        }
        ::close(client);
    }

    int family_;
    Behaviour behaviour_;
    int listener_ = -1;
    int stop_[2] = {-1, -1};
    int port_ = 0;
    bool ok_ = false;
    std::atomic<std::size_t> received_{0};
    std::atomic<bool> accepted_{false};
    std::thread thread_;
};

} // namespace interimap::testing
