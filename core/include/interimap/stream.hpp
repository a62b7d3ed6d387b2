// A non-blocking, bidirectional byte stream: what a transport produces and what
// the IMAP session reads and writes. Layers (TLS, SOCKS5, compression) wrap a
// lower stream and are streams themselves, so they stack in any order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <interimap/export.hpp>
#include <interimap/result.hpp>
#include <memory>
#include <span>
#include <string>

namespace interimap {

/// Outcome of one non-blocking read or write that did not fail.
struct IoResult {
    enum class Status {
        ok,          ///< `bytes` were transferred (> 0)
        would_block, ///< nothing now; wait for readiness (see Stream::poll_events)
        eof,         ///< the peer closed its side (reads only)
    };
    Status status = Status::ok;
    std::size_t bytes = 0;

    static IoResult transferred(std::size_t n) { return {Status::ok, n}; }
    static IoResult blocked() { return {Status::would_block, 0}; }
    static IoResult end() { return {Status::eof, 0}; }
};

/// poll(2) event bits a stream waits for (POLLIN / POLLOUT values).
struct PollRequest {
    int fd = -1;
    short events = 0;
};

/// Bytes that crossed the wire (below any compression layer), for the
/// "IMAP traffic (bytes)" summary.
struct TrafficCounters {
    std::uint64_t received = 0;
    std::uint64_t sent = 0;
};

class INTERIMAP_EXPORT Stream {
public:
    virtual ~Stream();

    /// Reads up to buffer.size() bytes without blocking.
    virtual Result<IoResult> read(std::span<std::byte> buffer) = 0;

    /// Writes up to data.size() bytes without blocking; may write fewer.
    virtual Result<IoResult> write(std::span<const std::byte> data) = 0;

    /// Sends whatever a layer holds back (a compressor's pending output).
    /// Returns would_block while bytes remain unsent.
    virtual Result<IoResult> flush() { return IoResult::transferred(0); }

    /// The descriptor and events to poll for before the next read (and write,
    /// when `want_write`). A TLS layer may ask for POLLOUT in order to read.
    virtual PollRequest poll_events(bool want_write) const = 0;

    /// True when a layer holds decoded input that read() returns without
    /// touching the descriptor (poll would not report it).
    virtual bool has_buffered_input() const { return false; }

    /// Bytes on the wire in each direction, so far.
    virtual TrafficCounters traffic() const = 0;

    /// Closes the stream (for a tunnel: closes the socket and reaps the child).
    /// Returns an error if closing revealed one (the child exited non-zero).
    virtual Result<void> close() = 0;

    /// A short description for logs and errors ("tunnel `doveadm exec imap`").
    virtual std::string describe() const = 0;
};

using StreamPtr = std::unique_ptr<Stream>;

} // namespace interimap
