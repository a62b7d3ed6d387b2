// A fake SOCKS5 proxy on 127.0.0.1 (ephemeral port) in a thread: it accepts
// one connection and plays a script against it, recording every byte the
// client sent, so that tests check the exact requests and answer anything,
// well-formed or not.
#pragma once

#include <arpa/inet.h>
#include <chrono>
#include <fcntl.h>
#include <functional>
#include <netinet/in.h>
#include <poll.h>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace interimap::testing {

/// The proxy's side of the one connection, for a script.
class ProxyPeer {
public:
    ProxyPeer(int fd, int stop) : fd_(fd), stop_(stop) {}

    /// Up to `count` bytes: fewer when the client closed or stayed silent
    /// for 5 seconds.
    std::string receive(std::size_t count) {
        std::string out;
        while (out.size() < count && wait_readable(std::chrono::seconds(5))) {
            char buffer[512];
            ssize_t n = ::recv(fd_, buffer, std::min(sizeof buffer, count - out.size()), 0);
            if (n <= 0)
                break;
            out.append(buffer, static_cast<std::size_t>(n));
        }
        received_ += out;
        return out;
    }

    /// A whole method request (VER NMETHODS METHODS).
    std::string receive_method_request() {
        std::string head = receive(2);
        return head.size() < 2 ? head : head + receive(static_cast<unsigned char>(head[1]));
    }

    /// A whole CONNECT request, whatever its address type.
    std::string receive_connect_request() {
        std::string head = receive(4);
        if (head.size() < 4)
            return head;
        std::size_t rest = head[3] == 0x01 ? 4 : head[3] == 0x04 ? 16 : 0;
        if (head[3] == 0x03) {
            std::string length = receive(1);
            head += length;
            rest = length.empty() ? 0 : static_cast<unsigned char>(length[0]);
        }
        return head + receive(rest + 2);
    }

    void send(std::string_view bytes) {
        while (!bytes.empty()) {
            ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (n <= 0)
                return;
            bytes.remove_prefix(static_cast<std::size_t>(n));
        }
    }

    /// Waits, silent, until the client closes (or the test ends).
    void hold() {
        while (wait_readable(std::chrono::seconds(30))) {
            char buffer[512];
            if (::recv(fd_, buffer, sizeof buffer, 0) <= 0)
                return;
        }
    }

    /// Sends back what it receives until the client closes.
    void echo() {
        char buffer[4096];
        while (wait_readable(std::chrono::seconds(10))) {
            ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
            if (n <= 0)
                return;
            received_.append(buffer, static_cast<std::size_t>(n));
            send(std::string_view(buffer, static_cast<std::size_t>(n)));
        }
    }

    const std::string& received() const { return received_; }

private:
    bool wait_readable(std::chrono::milliseconds timeout) {
        pollfd p[2] = {{fd_, POLLIN, 0}, {stop_, POLLIN, 0}};
        int rc = 0;
        while ((rc = ::poll(p, 2, static_cast<int>(timeout.count()))) < 0) {
        }
        return rc > 0 && !(p[1].revents & POLLIN);
    }

    int fd_;
    int stop_;
    std::string received_;
};

class ScriptedProxy {
public:
    using Script = std::function<void(ProxyPeer&)>;

    explicit ScriptedProxy(Script script) : script_(std::move(script)) {
        listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        ok_ = listener_ >= 0 &&
              ::bind(listener_, reinterpret_cast<sockaddr*>(&address), length) == 0 &&
              ::listen(listener_, 4) == 0 &&
              ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) == 0 &&
              ::pipe2(stop_, O_CLOEXEC) == 0;
        if (!ok_)
            return;
        port_ = ntohs(address.sin_port);
        thread_ = std::thread([this] { serve(); });
    }

    ~ScriptedProxy() {
        if (thread_.joinable()) {
            char c = 0;
            (void)!::write(stop_[1], &c, 1);
            thread_.join();
        }
        for (int fd : {listener_, stop_[0], stop_[1]})
            if (fd >= 0)
                ::close(fd);
    }
    ScriptedProxy(const ScriptedProxy&) = delete;
    ScriptedProxy& operator=(const ScriptedProxy&) = delete;

    bool ok() const { return ok_; }
    std::string port() const { return std::to_string(port_); }
    /// "socks5://127.0.0.1:PORT" with `scheme` and an optional user part.
    std::string uri(std::string_view scheme = "socks5", std::string_view user = "") const {
        return std::string(scheme) + "://" + std::string(user) + "127.0.0.1:" + port();
    }

    /// Waits for the script to end (the client having closed, for scripts
    /// that read until then) and gives what the client sent.
    const std::string& finish() {
        if (thread_.joinable())
            thread_.join();
        return received_;
    }

private:
    void serve() {
        pollfd p[2] = {{listener_, POLLIN, 0}, {stop_[0], POLLIN, 0}};
        if (::poll(p, 2, 30000) <= 0 || (p[1].revents & POLLIN))
            return;
        int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
        if (client < 0)
            return;
        ProxyPeer peer(client, stop_[0]);
        script_(peer);
        received_ = peer.received();
        ::close(client);
    }

    Script script_;
    int listener_ = -1;
    int stop_[2] = {-1, -1};
    int port_ = 0;
    bool ok_ = false;
    std::string received_;
    std::thread thread_;
};

} // namespace interimap::testing
