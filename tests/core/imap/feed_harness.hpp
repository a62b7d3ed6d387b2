// Runs a ResponseParser over some bytes cut into chunks, collecting what it
// produced in canonical form (see response_dump.hpp). Shared by the parser
// tests and the fuzz target, which check that the chunking changes nothing.
#pragma once

#include "core/imap/response_dump.hpp"
#include "imap/parser.hpp"

#include <algorithm>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace interimap::imap::test {

struct FeedOutcome {
    std::vector<std::string> dumps; ///< one per response, in order
    bool failed = false;
    std::string error;               ///< the message, when failed
    bool boundary = true;            ///< at_boundary() at the end
    bool streamed_text_empty = true; ///< no streamed literal kept bytes
    std::size_t sinks_opened = 0;
    std::size_t sinks_ended = 0;
    std::size_t sink_end_misuse = 0; ///< data after end(), end() twice, wrong size

    bool operator==(const FeedOutcome&) const = default;
};

/// Collects a streamed literal's bytes into `out` and checks the protocol.
class CollectingSink final : public LiteralSink {
public:
    CollectingSink(std::string* out, std::uint64_t size, FeedOutcome* outcome)
        : out_(out), size_(size), outcome_(outcome) {}
    void data(std::span<const std::byte> bytes) override {
        if (ended_ || bytes.empty())
            ++outcome_->sink_end_misuse;
        out_->append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    }
    void end() override {
        if (ended_ || out_->size() != size_)
            ++outcome_->sink_end_misuse;
        ended_ = true;
        ++outcome_->sinks_ended;
    }

private:
    std::string* out_;
    std::uint64_t size_;
    FeedOutcome* outcome_;
    bool ended_ = false;
};

inline bool all_streamed_empty(const std::vector<Value>& values) {
    for (const Value& v : values) {
        if (v.streamed && !v.text.empty())
            return false;
        if (!all_streamed_empty(v.items))
            return false;
    }
    return true;
}

/// Feeds `bytes` in chunks of the sizes `next_chunk` returns (at least 1).
/// With `stream_literals`, every literal goes to a CollectingSink.
inline FeedOutcome feed_in_chunks(std::string_view bytes,
                                  const std::function<std::size_t()>& next_chunk,
                                  const ParserLimits& limits = {}, bool stream_literals = false) {
    FeedOutcome outcome;
    // A deque: sinks keep pointers to their strings.
    auto streamed = std::make_shared<std::deque<std::string>>();
    ResponseParser parser(limits);
    if (stream_literals)
        parser.set_sink_factory([&outcome, streamed](const Response&, std::uint64_t size) {
            streamed->emplace_back();
            ++outcome.sinks_opened;
            return std::make_unique<CollectingSink>(&streamed->back(), size, &outcome);
        });
    std::size_t next_streamed = 0;
    auto handler = [&](Response&& r) {
        outcome.dumps.push_back(dump(r, *streamed, next_streamed));
        if (!all_streamed_empty(r.data) || (r.code && !all_streamed_empty(r.code->args)))
            outcome.streamed_text_empty = false;
    };
    std::size_t pos = 0;
    while (pos < bytes.size()) {
        std::size_t n = std::min(std::max<std::size_t>(next_chunk(), 1), bytes.size() - pos);
        auto fed = parser.feed(bytes.substr(pos, n), handler);
        pos += n;
        if (!fed) {
            outcome.failed = true;
            outcome.error = fed.error().message;
            break;
        }
    }
    outcome.boundary = parser.at_boundary();
    return outcome;
}

inline FeedOutcome feed_whole(std::string_view bytes, const ParserLimits& limits = {},
                              bool stream_literals = false) {
    return feed_in_chunks(
        bytes, [&] { return bytes.size(); }, limits, stream_literals);
}

inline FeedOutcome feed_bytewise(std::string_view bytes, const ParserLimits& limits = {},
                                 bool stream_literals = false) {
    return feed_in_chunks(
        bytes, [] { return std::size_t{1}; }, limits, stream_literals);
}

} // namespace interimap::imap::test
