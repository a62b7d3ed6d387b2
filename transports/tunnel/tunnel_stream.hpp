// The stream of a tunnel: our end of the socketpair whose other end is the
// command's standard input and output.
#pragma once

#include "child_process.hpp"

#include <chrono>
#include <interimap/stream.hpp>
#include <string>

namespace interimap::tunnel {

class TunnelStream final : public Stream {
public:
    /// Takes ownership of `fd` (non-blocking) and of `child`. On close, the
    /// child gets `reap_grace` to exit by itself before it is terminated.
    TunnelStream(int fd, ChildProcess child, std::string command,
                 std::chrono::milliseconds reap_grace = std::chrono::seconds(5));
    ~TunnelStream() override;
    TunnelStream(const TunnelStream&) = delete;
    TunnelStream& operator=(const TunnelStream&) = delete;

    Result<IoResult> read(std::span<std::byte> buffer) override;
    Result<IoResult> write(std::span<const std::byte> data) override;
    PollRequest poll_events(bool want_write) const override;
    TrafficCounters traffic() const override { return traffic_; }
    /// Closes the socket (the command sees EOF), then reaps the command.
    /// Fails if the command ended badly and that was not reported yet.
    Result<void> close() override;
    std::string describe() const override;

    /// The command's process id (-1 once nothing was spawned).
    pid_t child_pid() const { return child_.pid(); }

private:
    // The error for a socket the command no longer serves; names the exit
    // status when the command has ended.
    Error lost(std::string_view what);
    Error exited_early(const ChildExit& exit);

    int fd_;
    ChildProcess child_;
    std::string command_;
    std::chrono::milliseconds reap_grace_;
    TrafficCounters traffic_;
    bool exit_reported_ = false;
};

} // namespace interimap::tunnel
