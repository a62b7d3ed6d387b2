// The deflate layer over a socketpair whose far end speaks raw deflate through
// zlib directly, as a COMPRESS=DEFLATE server does.
#include "deflate_stream.hpp"
#include "raw_deflate_peer.hpp"
// scripted_server.hpp needs the Logger, which stream_helpers.hpp declares.
// clang-format off
#include "transports/support/stream_helpers.hpp"
#include "support/scripted_server.hpp"
// clang-format on

#include <algorithm>
#include <array>
#include <gtest/gtest.h>
#include <random>
#include <string>
#include <sys/socket.h>

namespace interimap::deflate::test {
namespace {

using Status = IoResult::Status;
using namespace std::chrono_literals;

std::span<const std::byte> bytes(std::string_view s) {
    return std::as_bytes(std::span(s.data(), s.size()));
}

/// IMAP-like text: lines of words drawn at random, compressible about 3:1.
std::string text_body(std::size_t size, unsigned seed) {
    static const std::array<std::string_view, 16> words = {
        "From:",   "Subject:", "Received", "by",      "with",   "ESMTPS", "id",    "for",
        "<alice@", "example",  ".org>",    "Content", "-Type:", "text",   "plain", "charset"};
    std::mt19937 random(seed);
    std::string body;
    body.reserve(size + 80);
    while (body.size() < size) {
        for (int i = 0; i < 10; ++i) {
            body += words[random() % words.size()];
            body += ' ';
        }
        body += std::to_string(random());
        body += "\r\n";
    }
    body.resize(size);
    return body;
}

std::string random_bytes(std::size_t size, unsigned seed) {
    std::mt19937 random(seed);
    std::string out(size, '\0');
    for (auto& c : out)
        c = static_cast<char>(random());
    return out;
}

bool asks(const Stream& stream, bool want_write, short event) {
    return (stream.poll_events(want_write).events & event) != 0;
}

class DeflateStreamTest : public ::testing::Test {
protected:
    void SetUp() override {
        int fds[2];
        ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
        auto wrapped = DeflateStream::wrap(std::make_unique<testing::SocketStream>(fds[0]));
        ASSERT_TRUE(wrapped) << wrapped.error().message;
        stream = std::move(*wrapped);
        peer = std::make_unique<RawDeflatePeer>(fds[1]);
    }

    /// Calls flush() until nothing is held back, draining the peer meanwhile.
    void flush_all() {
        for (;;) {
            auto f = stream->flush();
            ASSERT_TRUE(f) << f.error().message;
            if (f->status != Status::would_block)
                return;
            ASSERT_TRUE(asks(*stream, false, POLLOUT));
            peer->receive_waiting();
        }
    }

    void peer_receives(std::size_t size) {
        while (peer->received.size() < size)
            ASSERT_TRUE(peer->receive_waiting());
    }

    StreamPtr stream;
    std::unique_ptr<RawDeflatePeer> peer;
};

TEST_F(DeflateStreamTest, EachCommandIsDecodableAsSoonAsItIsWritten) {
    const std::string sync_flush_marker("\0\0\xff\xff", 4);
    std::string sent;
    for (std::string command : {"a1 CAPABILITY\r\n", "a2 SELECT INBOX\r\n",
                                "a3 UID FETCH 1:* (FLAGS MODSEQ)\r\n", "a4 NOOP\r\n"}) {
        auto r = stream->write(bytes(command));
        ASSERT_TRUE(r) << r.error().message;
        ASSERT_EQ(r->status, Status::ok);
        EXPECT_EQ(r->bytes, command.size());
        // No flush(): the write alone ended on a sync flush.
        sent += command;
        peer_receives(sent.size());
        EXPECT_EQ(peer->received, sent);
        EXPECT_TRUE(peer->wire_received.ends_with(sync_flush_marker));
        EXPECT_FALSE(asks(*stream, false, POLLOUT));
    }
}

TEST_F(DeflateStreamTest, ReadsWhatThePeerDeflated) {
    peer->compress("* OK [CAPABILITY IMAP4rev1] ready\r\n");
    ASSERT_TRUE(peer->send());
    auto got = testing::read_until(*stream, "\r\n");
    ASSERT_FALSE(got.error) << got.error->message;
    EXPECT_EQ(got.data, "* OK [CAPABILITY IMAP4rev1] ready\r\n");

    peer->compress("* 3 EXISTS\r\n");
    peer->compress("a1 OK done\r\n");
    ASSERT_TRUE(peer->send());
    got = testing::read_until(*stream, "done\r\n");
    ASSERT_FALSE(got.error) << got.error->message;
    EXPECT_EQ(got.data, "* 3 EXISTS\r\na1 OK done\r\n");
}

TEST_F(DeflateStreamTest, ALargeBodyWrittenWithPartialWritesArrivesWhole) {
    const std::string body = text_body(6 << 20, 1);
    std::size_t offset = 0;
    int blocked = 0;
    while (offset < body.size()) {
        auto r = stream->write(
            bytes(body).subspan(offset, std::min<std::size_t>(1 << 20, body.size() - offset)));
        ASSERT_TRUE(r) << r.error().message;
        if (r->status == Status::ok) {
            ASSERT_GT(r->bytes, 0u);
            offset += r->bytes;
            continue;
        }
        ASSERT_EQ(r->status, Status::would_block);
        ++blocked;
        // The session polls for POLLOUT before writing again.
        ASSERT_TRUE(asks(*stream, true, POLLOUT));
        peer->receive_waiting();
    }
    flush_all();
    EXPECT_FALSE(asks(*stream, false, POLLOUT));
    peer_receives(body.size());
    EXPECT_TRUE(peer->received == body);
    EXPECT_GT(blocked, 0);
}

TEST_F(DeflateStreamTest, ALargeBodyReadInSmallPiecesArrivesWhole) {
    const std::string body = text_body(6 << 20, 2);
    for (std::size_t at = 0; at < body.size(); at += 16384)
        peer->compress(std::string_view(body).substr(at, 16384));
    std::string got;
    std::byte buffer[4096];
    int partial_sends = 0;
    while (got.size() < body.size()) {
        auto r = stream->read(buffer);
        ASSERT_TRUE(r) << r.error().message;
        ASSERT_NE(r->status, Status::eof);
        if (r->status == Status::ok) {
            got.append(reinterpret_cast<const char*>(buffer), r->bytes);
            continue;
        }
        EXPECT_FALSE(stream->has_buffered_input());
        EXPECT_TRUE(asks(*stream, false, POLLIN));
        if (!peer->send())
            ++partial_sends;
        ASSERT_GT(testing::poll_stream(*stream, false, 5s), 0);
    }
    EXPECT_TRUE(got == body);
    EXPECT_GT(partial_sends, 0);
}

TEST_F(DeflateStreamTest, FlushHoldsWhatTheLowerStreamCannotTakeYet) {
    // Random bytes do not compress: the socket fills up quickly.
    const std::string noise = random_bytes(4 << 20, 3);
    std::size_t offset = 0;
    for (;;) {
        ASSERT_LT(offset, noise.size()) << "the socketpair never filled up";
        auto r = stream->write(bytes(noise).subspan(offset));
        ASSERT_TRUE(r) << r.error().message;
        if (r->status == Status::would_block)
            break;
        offset += r->bytes;
    }
    // Compressed bytes wait for the lower stream, whatever the session wants.
    EXPECT_TRUE(asks(*stream, false, POLLOUT));
    auto f = stream->flush();
    ASSERT_TRUE(f) << f.error().message;
    EXPECT_EQ(f->status, Status::would_block);

    flush_all();
    EXPECT_FALSE(asks(*stream, false, POLLOUT));
    peer_receives(offset);
    EXPECT_TRUE(peer->received == noise.substr(0, offset));
}

TEST_F(DeflateStreamTest, HasBufferedInputAfterAPartialRead) {
    const std::string line = "* 1 FETCH (BODY[] {900}\r\n" + text_body(900, 4) + ")\r\n";
    peer->compress(line);
    ASSERT_TRUE(peer->send());
    ASSERT_GT(testing::poll_stream(*stream, false, 5s), 0);
    EXPECT_FALSE(stream->has_buffered_input());

    std::byte small[10];
    auto r = stream->read(small);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(r->status, Status::ok);
    std::string got(reinterpret_cast<const char*>(small), r->bytes);
    // The rest is decoded without the descriptor: poll would not report it.
    while (stream->has_buffered_input()) {
        r = stream->read(small);
        ASSERT_TRUE(r) << r.error().message;
        if (r->status != Status::ok)
            break;
        got.append(reinterpret_cast<const char*>(small), r->bytes);
    }
    EXPECT_EQ(got, line);
    r = stream->read(small);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, Status::would_block);
    EXPECT_FALSE(stream->has_buffered_input());
}

TEST_F(DeflateStreamTest, ACorruptStreamIsAProtocolErrorNamingCompressAndZlib) {
    peer->outgoing = "\xff\xff\xff\xff"; // a block of the reserved type 3
    ASSERT_TRUE(peer->send());
    auto got = testing::read_until(*stream);
    ASSERT_TRUE(got.error);
    EXPECT_EQ(got.error->code, ErrorCode::protocol);
    EXPECT_EQ(got.error->message,
              "COMPRESS=DEFLATE: corrupt compressed data from socketpair: invalid block type");
    // It stays broken.
    std::byte buffer[16];
    auto again = stream->read(buffer);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, ErrorCode::protocol);
}

TEST_F(DeflateStreamTest, WhatCameBeforeTheDamageIsDeliveredThenTheError) {
    peer->compress("* BYE going away\r\n");
    peer->outgoing += "\xff\xff";
    ASSERT_TRUE(peer->send());
    auto got = testing::read_until(*stream);
    EXPECT_EQ(got.data, "* BYE going away\r\n");
    ASSERT_TRUE(got.error);
    EXPECT_EQ(got.error->code, ErrorCode::protocol);
    EXPECT_NE(got.error->message.find("COMPRESS=DEFLATE"), std::string::npos);
    EXPECT_FALSE(stream->has_buffered_input());
}

TEST_F(DeflateStreamTest, DataAfterTheEndOfTheCompressedStreamIsAnError) {
    peer->compress("* BYE logging out\r\n", Z_FINISH);
    peer->outgoing += "* OK injected\r\n";
    ASSERT_TRUE(peer->send());
    auto got = testing::read_until(*stream);
    EXPECT_EQ(got.data, "* BYE logging out\r\n");
    ASSERT_TRUE(got.error);
    EXPECT_EQ(got.error->code, ErrorCode::protocol);
    EXPECT_EQ(got.error->message, "COMPRESS=DEFLATE: corrupt compressed data from socketpair: "
                                  "data after the end of the compressed stream");
}

TEST_F(DeflateStreamTest, DataArrivingLaterAfterTheEndIsAnErrorToo) {
    peer->compress("* BYE logging out\r\n", Z_FINISH);
    ASSERT_TRUE(peer->send());
    auto got = testing::read_until(*stream, "\r\n");
    ASSERT_FALSE(got.error);
    peer->outgoing = "x";
    ASSERT_TRUE(peer->send());
    got = testing::read_until(*stream);
    ASSERT_TRUE(got.error);
    EXPECT_NE(got.error->message.find("after the end"), std::string::npos);
}

TEST_F(DeflateStreamTest, TheEndOfTheLowerStreamIsTheEnd) {
    peer->compress("* BYE\r\n", Z_FINISH);
    ASSERT_TRUE(peer->send());
    peer->hang_up();
    auto got = testing::read_until(*stream);
    ASSERT_FALSE(got.error) << got.error->message;
    EXPECT_EQ(got.data, "* BYE\r\n");
    EXPECT_TRUE(got.eof);
}

TEST_F(DeflateStreamTest, AHangUpMidStreamIsTheEndToo) {
    peer->compress("* 1 EXISTS\r\n");
    ASSERT_TRUE(peer->send());
    peer->hang_up();
    auto got = testing::read_until(*stream);
    ASSERT_FALSE(got.error) << got.error->message;
    EXPECT_EQ(got.data, "* 1 EXISTS\r\n");
    EXPECT_TRUE(got.eof);
}

TEST_F(DeflateStreamTest, TrafficCountsWireBytes) {
    std::string commands;
    for (int i = 1; i <= 2000; ++i)
        commands += "a" + std::to_string(i) + " UID STORE " + std::to_string(i * 3) +
                    " +FLAGS.SILENT (\\Seen)\r\n";
    ASSERT_TRUE(testing::write_all(*stream, commands));
    flush_all();
    peer_receives(commands.size());
    EXPECT_EQ(stream->traffic().sent, peer->wire_received.size());
    EXPECT_LT(stream->traffic().sent, commands.size() / 4);

    std::string answers;
    for (int i = 1; i <= 2000; ++i)
        answers += "* " + std::to_string(i) + " FETCH (UID " + std::to_string(i * 3) + " MODSEQ (" +
                   std::to_string(1000 + i) + "))\r\n";
    answers += "a2000 OK done\r\n";
    peer->compress(answers);
    ASSERT_TRUE(peer->send());
    auto got = testing::read_until(*stream, "OK done\r\n");
    ASSERT_FALSE(got.error);
    EXPECT_EQ(got.data, answers);
    EXPECT_EQ(stream->traffic().received, peer->wire_sent);
    EXPECT_LT(stream->traffic().received, answers.size() / 4);
}

TEST_F(DeflateStreamTest, DescribesItselfOverTheLowerStream) {
    EXPECT_EQ(stream->describe(), "deflate over socketpair");
}

TEST_F(DeflateStreamTest, CloseClosesTheLowerStream) {
    ASSERT_TRUE(stream->close());
    EXPECT_FALSE(peer->receive_waiting()); // EOF
    std::byte buffer[16];
    auto r = stream->read(buffer);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::internal);
    EXPECT_FALSE(stream->write(bytes("a1 NOOP\r\n")));
    EXPECT_TRUE(stream->close());
}

TEST(DeflateStream, NeedsAStreamToWrap) {
    auto wrapped = DeflateStream::wrap(nullptr);
    ASSERT_FALSE(wrapped);
    EXPECT_EQ(wrapped.error().code, ErrorCode::internal);
}

} // namespace
} // namespace interimap::deflate::test
