// The stream of a connection through a SOCKS5 proxy once the proxy relays:
// the plain socket, on which TLS (type=imaps) stacks as on a tcp stream.
#pragma once

#include <interimap/stream.hpp>
#include <string>

namespace interimap::socks5 {

class Socks5Stream final : public Stream {
public:
    /// Takes ownership of the non-blocking socket `fd` connected to the
    /// proxy, past its handshake. `description` is what describe() returns.
    Socks5Stream(int fd, std::string description);
    ~Socks5Stream() override;
    Socks5Stream(const Socks5Stream&) = delete;
    Socks5Stream& operator=(const Socks5Stream&) = delete;

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

} // namespace interimap::socks5
