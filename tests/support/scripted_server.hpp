// A scripted IMAP peer for unit tests of the session layer: the client side
// of a socketpair is wrapped as an interimap::Stream, the server side is
// played by a thread following a script of "expect this line" / "send this".
#pragma once

#include <atomic>
#include <cerrno>
#include <fcntl.h>
#include <functional>
#include <interimap/stream.hpp>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace interimap::testing {

/// Client end of a socketpair, non-blocking, counting bytes.
class SocketStream final : public Stream {
public:
    explicit SocketStream(int fd) : fd_(fd) { ::fcntl(fd_, F_SETFL, O_NONBLOCK); }
    ~SocketStream() override {
        if (fd_ >= 0)
            ::close(fd_);
    }
    Result<IoResult> read(std::span<std::byte> buffer) override {
        ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
        if (n > 0) {
            traffic_.received += static_cast<std::uint64_t>(n);
            return IoResult::transferred(static_cast<std::size_t>(n));
        }
        if (n == 0)
            return IoResult::end();
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return IoResult::blocked();
        return Fail(ErrorCode::io, "recv failed");
    }
    Result<IoResult> write(std::span<const std::byte> data) override {
        ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
        if (n >= 0) {
            traffic_.sent += static_cast<std::uint64_t>(n);
            return IoResult::transferred(static_cast<std::size_t>(n));
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return IoResult::blocked();
        return Fail(ErrorCode::closed, "send failed");
    }
    PollRequest poll_events(bool want_write) const override {
        return {fd_, static_cast<short>(POLLIN | (want_write ? POLLOUT : 0))};
    }
    TrafficCounters traffic() const override { return traffic_; }
    Result<void> close() override {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = -1;
        return ok();
    }
    std::string describe() const override { return "socketpair"; }

private:
    int fd_;
    TrafficCounters traffic_;
};

/// One step of a server script.
struct Step {
    enum class Kind { send, expect, close, silence } kind;
    std::string text; ///< for send: bytes to write (with CRLF); for expect: one line without CRLF
};

inline Step send(std::string s) {
    return {Step::Kind::send, std::move(s)};
}
inline Step expect(std::string s) {
    return {Step::Kind::expect, std::move(s)};
}
inline Step hang_up() {
    return {Step::Kind::close, {}};
}
/// Nothing must arrive for 200 ms (the client holds a command back).
inline Step silence() {
    return {Step::Kind::silence, {}};
}

/// Plays a script on the server end; records the lines it received.
class ScriptedServer {
public:
    explicit ScriptedServer(std::vector<Step> script) : script_(std::move(script)) {
        int sv[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
            std::abort();
        client_fd_ = sv[0];
        server_fd_ = sv[1];
        thread_ = std::thread([this] { run(); });
    }
    ~ScriptedServer() {
        if (thread_.joinable())
            thread_.join();
        if (server_fd_ >= 0)
            ::close(server_fd_);
    }

    /// The stream for the client under test (call once).
    StreamPtr client_stream() { return std::make_unique<SocketStream>(client_fd_); }

    /// Waits for the script to end; returns the mismatches, empty on success.
    std::vector<std::string> finish() {
        if (thread_.joinable())
            thread_.join();
        return mismatches_;
    }
    /// Every line the server received, in order.
    const std::vector<std::string>& received() const { return received_; }

private:
    bool read_line(std::string& line) {
        line.clear();
        char c;
        while (true) {
            pollfd p{server_fd_, POLLIN, 0};
            if (::poll(&p, 1, 5000) <= 0)
                return false;
            ssize_t n = ::read(server_fd_, &c, 1);
            if (n <= 0)
                return false;
            if (c == '\n') {
                if (!line.empty() && line.back() == '\r')
                    line.pop_back();
                return true;
            }
            line += c;
        }
    }
    void run() {
        for (const Step& step : script_) {
            if (step.kind == Step::Kind::send) {
                std::size_t off = 0;
                while (off < step.text.size()) {
                    ssize_t n = ::write(server_fd_, step.text.data() + off, step.text.size() - off);
                    if (n <= 0)
                        break;
                    off += static_cast<std::size_t>(n);
                }
            } else if (step.kind == Step::Kind::expect) {
                std::string line;
                if (!read_line(line)) {
                    mismatches_.push_back("expected \"" + step.text + "\", got nothing");
                    return;
                }
                received_.push_back(line);
                if (line != step.text)
                    mismatches_.push_back("expected \"" + step.text + "\", got \"" + line + "\"");
            } else if (step.kind == Step::Kind::silence) {
                pollfd p{server_fd_, POLLIN, 0};
                if (::poll(&p, 1, 200) > 0)
                    mismatches_.push_back("expected silence, but the client sent more");
            } else {
                ::close(server_fd_);
                server_fd_ = -1;
                return;
            }
        }
    }

    std::vector<Step> script_;
    int client_fd_ = -1;
    int server_fd_ = -1;
    std::thread thread_;
    std::vector<std::string> mismatches_;
    std::vector<std::string> received_;
};

/// A logger that keeps what it is given, for assertions.
class RecordingLogger final : public Logger {
public:
    explicit RecordingLogger(int debug = 0) : debug_(debug) {}
    void write(LogLevel level, const LogContext& c, std::string_view m) override {
        lines.push_back(std::string(level == LogLevel::debug ? "D " : "I ") + std::string(c.name) +
                        ": " + std::string(m));
        if (observer)
            observer(lines.back());
    }
    int debug_level() const override { return debug_; }
    std::vector<std::string> lines;
    /// Sees each line as it is written (on the writer's thread).
    std::function<void(const std::string&)> observer;

private:
    int debug_;
};

} // namespace interimap::testing
