#include "imap/output_queue.hpp"

#include <algorithm>
#include <utility>

namespace interimap::imap {

void OutputQueue::append(std::string&& bytes) {
    if (bytes.empty())
        return;
    size_ += bytes.size();
    if (bytes.size() < kJoinBelow && !buffers_.empty() && buffers_.back().size() < kJoinBelow) {
        buffers_.back() += bytes;
        return;
    }
    buffers_.push_back(std::move(bytes));
}

void OutputQueue::append(std::string_view bytes) {
    append(std::string(bytes));
}

std::span<const std::byte> OutputQueue::front() const {
    if (buffers_.empty())
        return {};
    const std::string& b = buffers_.front();
    return std::as_bytes(std::span<const char>(b.data() + offset_, b.size() - offset_));
}

void OutputQueue::consume(std::size_t n) {
    while (n > 0 && !buffers_.empty()) {
        const std::size_t left = buffers_.front().size() - offset_;
        const std::size_t take = std::min(n, left);
        offset_ += take;
        size_ -= take;
        n -= take;
        if (offset_ == buffers_.front().size()) {
            buffers_.pop_front();
            offset_ = 0;
        }
    }
}

} // namespace interimap::imap
