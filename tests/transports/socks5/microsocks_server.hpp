// A real SOCKS5 server for tests: Debian's microsocks on 127.0.0.1 (a free
// port), started as a child process and stopped by its pid. Optionally in
// its own mount namespace with its own /etc/hosts, so that it resolves
// names the test process cannot.
#pragma once

#include <arpa/inet.h>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <string>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace interimap::testing {

class MicrosocksServer {
public:
    struct Options {
        std::string username; ///< with a password: required from clients
        std::string password;
        std::string hosts_file; ///< bind-mounted on /etc/hosts for the proxy alone
    };

    explicit MicrosocksServer(const Options& options = {}) {
        port_ = free_port();
        const std::string port = std::to_string(port_);
        std::vector<std::string> argv;
        if (options.hosts_file.empty()) {
            argv = {"microsocks", "-i", "127.0.0.1", "-p", port};
        } else {
            argv = {"unshare",
                    "-m",
                    "sh",
                    "-c",
                    "mount --bind \"$0\" /etc/hosts && exec microsocks -i 127.0.0.1 -p \"$1\" "
                    "\"$@\"",
                    options.hosts_file,
                    port};
        }
        if (!options.username.empty())
            for (const std::string& a :
                 {std::string("-u"), options.username, std::string("-P"), options.password})
                argv.push_back(a);
        std::vector<char*> pointers;
        for (std::string& a : argv)
            pointers.push_back(a.data());
        pointers.push_back(nullptr);
        // Its log of each client goes nowhere (a failure shows as an exit status).
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
        const int spawned =
            posix_spawnp(&pid_, pointers[0], &actions, nullptr, pointers.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (spawned != 0) {
            pid_ = -1;
            error_ = "cannot start " + argv[0];
            return;
        }
        wait_until_listening();
    }

    ~MicrosocksServer() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            int status = 0;
            ::waitpid(pid_, &status, 0);
        }
    }
    MicrosocksServer(const MicrosocksServer&) = delete;
    MicrosocksServer& operator=(const MicrosocksServer&) = delete;

    /// Empty when the server listens; why not otherwise.
    const std::string& error() const { return error_; }
    std::string port() const { return std::to_string(port_); }

private:
    static int free_port() {
        int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof a;
        ::bind(fd, reinterpret_cast<sockaddr*>(&a), length);
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &length);
        ::close(fd);
        return ntohs(a.sin_port);
    }

    bool accepts_connections() const {
        int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(static_cast<uint16_t>(port_));
        bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
        ::close(fd);
        return ok;
    }

    void wait_until_listening() {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                error_ = "the proxy exited at once (status " + std::to_string(status) + ")";
                return;
            }
            if (accepts_connections())
                return;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        error_ = "the proxy did not listen within 10 s";
    }

    pid_t pid_ = -1;
    int port_ = 0;
    std::string error_;
};

} // namespace interimap::testing
