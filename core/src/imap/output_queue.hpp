// What a connection has to write and has not written yet, as a queue of
// buffers rather than one string: a command of several megabytes (a batch of
// message bodies in one APPEND) is moved in and freed as soon as it is
// written, instead of being copied into a buffer that keeps its largest size
// for the rest of the session.
#pragma once

#include <cstddef>
#include <deque>
#include <span>
#include <string>
#include <string_view>

namespace interimap::imap {

class OutputQueue {
public:
    /// Queues `bytes`, taken over. Small pieces are joined to the last
    /// buffer, so that many short commands still leave in one write.
    void append(std::string&& bytes);
    void append(std::string_view bytes);

    bool empty() const { return size_ == 0; }
    /// Bytes queued and not written yet.
    std::size_t size() const { return size_; }
    /// The unwritten part of the first buffer (empty when nothing is queued).
    std::span<const std::byte> front() const;
    /// Drops the first `n` bytes of front(), which were written.
    void consume(std::size_t n);

private:
    /// Below this size a piece is copied onto the last buffer.
    static constexpr std::size_t kJoinBelow = 16 << 10;

    std::deque<std::string> buffers_;
    std::size_t offset_ = 0; ///< into buffers_.front()
    std::size_t size_ = 0;
};

} // namespace interimap::imap
