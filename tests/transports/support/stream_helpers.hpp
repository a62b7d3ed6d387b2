// Blocking helpers over the non-blocking Stream interface, for tests: they
// wait with poll(2) on what poll_events() asks for, as the session does.
#pragma once

#include <chrono>
#include <cstddef>
#include <interimap/log.hpp>
#include <interimap/stream.hpp>
#include <optional>
#include <poll.h>
#include <span>
#include <string>
#include <string_view>

namespace interimap::testing {

/// A logger that records nothing but answers a chosen --debug count.
class DebugLevelLogger final : public Logger {
public:
    explicit DebugLevelLogger(int level = 0) : level_(level) {}
    void write(LogLevel, const LogContext&, std::string_view) override {}
    int debug_level() const override { return level_; }

private:
    int level_;
};

/// What reading until the end produced.
struct Drained {
    std::string data;
    bool eof = false;
    std::optional<Error> error; ///< set when read() failed
    bool timed_out = false;
};

inline int poll_stream(const Stream& stream, bool want_write, std::chrono::milliseconds timeout) {
    PollRequest request = stream.poll_events(want_write);
    pollfd p{request.fd, request.events, 0};
    return ::poll(&p, 1, static_cast<int>(timeout.count()));
}

/// Reads until EOF, an error, `until` appearing in the data, or `timeout`.
inline Drained read_until(Stream& stream, std::string_view until = {},
                          std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    Drained out;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::byte buffer[4096];
    for (;;) {
        if (!until.empty() && out.data.find(until) != std::string::npos)
            return out;
        Result<IoResult> r = stream.read(buffer);
        if (!r) {
            out.error = r.error();
            return out;
        }
        if (r->status == IoResult::Status::eof) {
            out.eof = true;
            return out;
        }
        if (r->status == IoResult::Status::ok) {
            out.data.append(reinterpret_cast<const char*>(buffer), r->bytes);
            continue;
        }
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            out.timed_out = true;
            return out;
        }
        poll_stream(stream, false, left);
    }
}

/// Writes all of `data`, waiting for POLLOUT when the stream would block.
inline Result<void> write_all(Stream& stream, std::string_view data,
                              std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto bytes = std::as_bytes(std::span(data.data(), data.size()));
    while (!bytes.empty()) {
        Result<IoResult> r = stream.write(bytes);
        if (!r)
            return Fail(r.error());
        if (r->status == IoResult::Status::ok) {
            bytes = bytes.subspan(r->bytes);
            continue;
        }
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return Fail(ErrorCode::timeout, "write_all timed out");
        poll_stream(stream, true, left);
    }
    return ok();
}

} // namespace interimap::testing
