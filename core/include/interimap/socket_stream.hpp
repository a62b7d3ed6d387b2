// The Stream of a connected non-blocking socket: what a base transport that
// ends with a plain socket (tcp, socks5) returns. Errors name the
// connection by `description` (what describe() returns, e.g.
// "imap.example.org:993 (192.0.2.1:993)").
#pragma once

#include <interimap/export.hpp>
#include <interimap/stream.hpp>
#include <string>

namespace interimap {

class INTERIMAP_EXPORT SocketStream final : public Stream {
public:
    /// Takes ownership of the connected non-blocking socket `fd`.
    SocketStream(int fd, std::string description);
    ~SocketStream() override;
    SocketStream(const SocketStream&) = delete;
    SocketStream& operator=(const SocketStream&) = delete;

    Result<IoResult> read(std::span<std::byte> buffer) override;
    Result<IoResult> write(std::span<const std::byte> data) override;
    PollRequest poll_events(bool want_write) const override;
    TrafficCounters traffic() const override { return traffic_; }
    Result<void> close() override;
    std::string describe() const override { return description_; }

private:
    Error failure(std::string_view operation, int error) const;

    int fd_;
    std::string description_;
    TrafficCounters traffic_;
};

} // namespace interimap
