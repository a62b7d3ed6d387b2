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
    /// Takes ownership of `fd` (non-blocking) and of `child`. A child still
    /// running `reap_grace` after close is terminated by the reaper of
    /// detached children, at the next opening or closing of a tunnel.
    TunnelStream(int fd, ChildProcess child, std::string command,
                 std::chrono::milliseconds reap_grace = std::chrono::seconds(5));
    ~TunnelStream() override;
    TunnelStream(const TunnelStream&) = delete;
    TunnelStream& operator=(const TunnelStream&) = delete;

    Result<IoResult> read(std::span<std::byte> buffer) override;
    Result<IoResult> write(std::span<const std::byte> data) override;
    PollRequest poll_events(bool want_write) const override;
    TrafficCounters traffic() const override { return traffic_; }
    /// Closes the socket (the command sees EOF), then reaps the command if it
    /// has already ended, or else hands it to the reaper of detached children
    /// without waiting for it. Fails if the command had already ended badly
    /// and that was not reported yet; an exit after close is not reported.
    Result<void> close() override;
    std::string describe() const override;

    /// The command's process id (-1 when nothing was spawned, or once
    /// close handed it to the reaper of detached children).
    pid_t child_pid() const { return child_.pid(); }

private:
    // The error for a socket the command no longer serves; names the exit
    // status when the command has ended.
    Error lost(std::string_view what);
    Error exited_early(const ChildExit& exit);
    // At close: reaps the command if it has ended, else detaches it.
    Result<void> collect_exit();

    int fd_;
    ChildProcess child_;
    std::string command_;
    std::chrono::milliseconds reap_grace_;
    TrafficCounters traffic_;
    bool exit_reported_ = false;
};

} // namespace interimap::tunnel
