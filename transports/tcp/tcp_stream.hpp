// The stream of a TCP connection.
#pragma once

#include <interimap/stream.hpp>
#include <string>

namespace interimap::tcp {

class TcpStream final : public Stream {
public:
    /// Takes ownership of the connected non-blocking socket `fd`.
    /// `description` is what describe() returns.
    TcpStream(int fd, std::string description);
    ~TcpStream() override;
    TcpStream(const TcpStream&) = delete;
    TcpStream& operator=(const TcpStream&) = delete;

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

} // namespace interimap::tcp
