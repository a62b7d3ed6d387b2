// Helpers of the parser unit tests: parse some bytes whole and byte by byte,
// expecting success or an error, and check that both ways agree.
#pragma once

#include "core/imap/feed_harness.hpp"
#include "imap/parser.hpp"

#include <gtest/gtest.h>
#include <string>
#include <string_view>
#include <vector>

namespace interimap::imap::test {

/// Parses `bytes` whole and byte by byte; both must succeed and agree.
inline std::vector<Response> parse(std::string_view bytes, ParserLimits limits = {}) {
    std::vector<Response> out;
    ResponseParser parser(limits);
    auto fed = parser.feed(bytes, [&](Response&& r) { out.push_back(std::move(r)); });
    EXPECT_TRUE(fed) << fed.error().message;
    EXPECT_TRUE(parser.at_boundary());
    FeedOutcome bytewise = feed_bytewise(bytes, limits);
    EXPECT_FALSE(bytewise.failed) << bytewise.error;
    EXPECT_EQ(bytewise.dumps.size(), out.size());
    for (std::size_t i = 0; i < out.size() && i < bytewise.dumps.size(); ++i)
        EXPECT_EQ(bytewise.dumps[i], dump(out[i]));
    return out;
}

inline Response parse_one(std::string_view bytes, ParserLimits limits = {}) {
    auto all = parse(bytes, limits);
    EXPECT_EQ(all.size(), 1u) << bytes;
    return all.empty() ? Response{} : std::move(all.front());
}

/// Parses `bytes` expecting an error; returns its message (same both ways).
inline std::string parse_error(std::string_view bytes, ParserLimits limits = {}) {
    FeedOutcome whole = feed_whole(bytes, limits);
    FeedOutcome bytewise = feed_bytewise(bytes, limits);
    EXPECT_TRUE(whole.failed) << bytes;
    EXPECT_EQ(whole.error, bytewise.error);
    EXPECT_EQ(whole.dumps, bytewise.dumps);
    return whole.error;
}

} // namespace interimap::imap::test
