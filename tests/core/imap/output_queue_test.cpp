// The connection's output queue: bytes leave in order whatever the pieces,
// small pieces share a buffer (one write for many short commands), a large
// one is taken over rather than copied, and written buffers are let go.
#include "imap/output_queue.hpp"

#include <gtest/gtest.h>
#include <string>

namespace interimap::imap {
namespace {

std::string text(std::span<const std::byte> bytes) {
    return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

/// Drains the queue `chunk` bytes at a time, as a stream taking no more.
std::string drain(OutputQueue& q, std::size_t chunk) {
    std::string out;
    while (!q.empty()) {
        auto front = q.front();
        const std::size_t n = std::min(chunk, front.size());
        out += text(front.first(n));
        q.consume(n);
    }
    return out;
}

TEST(OutputQueue, SmallPiecesAreJoinedIntoOneWrite) {
    OutputQueue q;
    q.append(std::string_view("a1 NOOP\r\n"));
    q.append(std::string("a2 NOOP\r\n"));
    q.append(std::string_view("DONE\r\n"));
    EXPECT_EQ(q.size(), 24u);
    EXPECT_EQ(text(q.front()), "a1 NOOP\r\na2 NOOP\r\nDONE\r\n");
}

TEST(OutputQueue, ALargePieceIsTakenOverNotCopied) {
    OutputQueue q;
    q.append(std::string_view("a1 APPEND INBOX {100000+}\r\n"));
    std::string body(100000, 'x');
    const char* bytes = body.data();
    q.append(std::move(body));
    q.consume(q.front().size()); // the command line is written
    EXPECT_EQ(q.size(), 100000u);
    EXPECT_EQ(reinterpret_cast<const char*>(q.front().data()), bytes);
}

TEST(OutputQueue, BytesLeaveInOrderWhateverTheWriteSizes) {
    std::string expected;
    OutputQueue q;
    for (int i = 0; i < 50; ++i) {
        std::string piece(static_cast<std::size_t>(i * 997 % 40000),
                          static_cast<char>('a' + i % 26));
        expected += piece;
        if (i % 2)
            q.append(std::move(piece));
        else
            q.append(std::string_view(piece));
    }
    EXPECT_EQ(q.size(), expected.size());
    for (std::size_t chunk : {std::size_t{1} << 20, std::size_t{4093}, std::size_t{1}}) {
        OutputQueue copy;
        copy.append(std::string_view(expected));
        EXPECT_EQ(drain(copy, chunk), expected);
    }
    EXPECT_EQ(drain(q, 3001), expected);
    EXPECT_TRUE(q.empty());
    EXPECT_TRUE(q.front().empty());
}

} // namespace
} // namespace interimap::imap
