// Unit tests of the IMAP response parser: strings, literals, numbers, line
// ends, incremental feeding and literals streamed to a sink.
#include "core/imap/parse_helpers.hpp"

#include <gtest/gtest.h>
#include <limits>
#include <string>
#include <vector>

namespace interimap::imap {
namespace {

using namespace std::string_view_literals;
using test::dump;
using test::feed_bytewise;
using test::feed_whole;
using test::FeedOutcome;
using test::parse;
using test::parse_error;
using test::parse_one;

// Strings and literals -------------------------------------------------------

TEST(ImapParser, QuotedEscapes) {
    Response r = parse_one("* LIST () \"\\\\\" \"a\\\"b\\\\c\" \"Gr\xc3\xbc\xc3\x9f\x65\"\r\n");
    ASSERT_EQ(r.data.size(), 4u);
    EXPECT_EQ(r.data[1].text, "\\");
    EXPECT_EQ(r.data[2].text, "a\"b\\c");
    EXPECT_EQ(r.data[3].text, "Gr\xc3\xbc\xc3\x9f\x65");
    EXPECT_FALSE(r.data[3].literal);
}

TEST(ImapParser, LiteralForms) {
    auto all = parse("* 1 FETCH (BODY[] {5}\r\nab)cd BINARY[1] ~{3}\r\n\0\1\2 X {2+}\r\n\r\n "
                     "E {0}\r\n)\r\n"
                     "* 2 FETCH (BODY[] {0}\r\n)\r\n"sv);
    ASSERT_EQ(all.size(), 2u);
    const auto& items = all[0].data[0].items;
    ASSERT_EQ(items.size(), 8u);
    EXPECT_EQ(items[1].text, "ab)cd");
    EXPECT_EQ(items[1].literal_size, 5u);
    EXPECT_EQ(items[3].text, std::string("\0\1\2", 3));
    EXPECT_TRUE(items[3].literal);
    EXPECT_EQ(items[5].text, "\r\n");
    EXPECT_EQ(items[7].text, "");
    EXPECT_TRUE(items[7].literal);
    EXPECT_EQ(items[7].literal_size, 0u);
    EXPECT_EQ(all[0].log_line, "* 1 FETCH (BODY[] {5} BINARY[1] ~{3} X {2+} E {0})");
    EXPECT_EQ(all[1].data[0].items[1].text, "");
}

TEST(ImapParser, LiteralInsideResponseCode) {
    Response r = parse_one("a NO [XLIT {3}\r\n]x]] done\r\n");
    ASSERT_TRUE(r.code);
    ASSERT_EQ(r.code->args.size(), 1u);
    EXPECT_EQ(r.code->args[0].text, "]x]");
    EXPECT_EQ(r.text, "done");
}

TEST(ImapParser, NumbersUpToUint64MaxThenOverflow) {
    Response r = parse_one("* SEARCH 0 18446744073709551615 18446744073709551616 00042\r\n");
    ASSERT_EQ(r.data.size(), 4u);
    EXPECT_EQ(r.data[0].number, 0u);
    EXPECT_EQ(r.data[1].number, std::numeric_limits<std::uint64_t>::max());
    EXPECT_FALSE(r.data[1].overflow);
    EXPECT_EQ(r.data[2].kind, Value::Kind::number);
    EXPECT_TRUE(r.data[2].overflow);
    EXPECT_EQ(r.data[2].number, std::numeric_limits<std::uint64_t>::max());
    EXPECT_EQ(r.data[2].text, "18446744073709551616");
    EXPECT_EQ(r.data[3].number, 42u);
    EXPECT_EQ(r.data[3].text, "00042");
}

TEST(ImapParser, HugeLeadingNumberIsAnError) {
    EXPECT_NE(parse_error("* 18446744073709551616 EXISTS\r\n").find("too large"),
              std::string::npos);
}

// Line ends --------------------------------------------------------------------

TEST(ImapParser, BareLfEndsALine) {
    auto all = parse("* 1 EXISTS\n* 2 FETCH (BODY[] {2}\nab)\na1 OK done\n");
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[1].data[0].items[1].text, "ab");
    EXPECT_EQ(all[2].text, "done");
}

TEST(ImapParser, CrWithoutLfIsAnError) {
    std::string e = parse_error("* 1 EXISTS\rX\r\n");
    EXPECT_NE(e.find("expected LF after CR, got 'X'"), std::string::npos) << e;
    EXPECT_NE(parse_error("* 1 FETCH (BODY[] {2}\rab)\r\n").find("expected LF after CR"),
              std::string::npos);
}

// Incremental feeding ----------------------------------------------------------

TEST(ImapParser, EmitsEachResponseAsSoonAsItIsComplete) {
    ResponseParser parser;
    std::vector<std::string> seen;
    auto handler = [&](Response&& r) { seen.push_back(r.log_line); };
    EXPECT_TRUE(parser.at_boundary());
    ASSERT_TRUE(parser.feed("* 1 EXI", handler));
    EXPECT_TRUE(seen.empty());
    EXPECT_FALSE(parser.at_boundary());
    ASSERT_TRUE(parser.feed("STS\r", handler));
    EXPECT_TRUE(seen.empty());
    ASSERT_TRUE(parser.feed("\n* 2 FETCH (BODY[] {4}\r\nab", handler));
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0], "* 1 EXISTS");
    ASSERT_TRUE(parser.feed("cd", handler));
    EXPECT_FALSE(parser.at_boundary());
    ASSERT_TRUE(parser.feed(")\r\na OK x\r\n", handler));
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_EQ(seen[1], "* 2 FETCH (BODY[] {4})");
    EXPECT_EQ(seen[2], "a OK x");
    EXPECT_TRUE(parser.at_boundary());
}

TEST(ImapParser, ByteAtATimeStaysLinear) {
    // Re-scanning the buffered part of a response on every byte would make
    // this ~10^12 steps; a linear parser does it in well under a second.
    const std::size_t n = 1 << 20;
    std::string input = "* OK " + std::string(n, 't') + "\r\n* X " + std::string(n, 'a') + " \"" +
                        std::string(n, 'q') + "\" (" + std::string(n / 2, 'b') + " " +
                        std::string(n / 2 - 1, 'c') + ")\r\n";
    ResponseParser parser;
    std::vector<Response> out;
    auto handler = [&](Response&& r) { out.push_back(std::move(r)); };
    for (char c : input)
        ASSERT_TRUE(parser.feed(std::string_view(&c, 1), handler));
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].text.size(), n);
    ASSERT_EQ(out[1].data.size(), 3u);
    EXPECT_EQ(out[1].data[1].text.size(), n);
    EXPECT_EQ(out[1].data[2].items[1].text.size(), n / 2 - 1);
}

TEST(ImapParser, LogLineIsBounded) {
    ParserLimits limits;
    limits.max_log_line = 10;
    Response r = parse_one("* SEARCH 1 2 3 4 5 6 7\r\n", limits);
    EXPECT_EQ(r.log_line, "* SEARCH 1...");
    EXPECT_EQ(r.data.size(), 7u);
}

// Streaming literals to a sink -------------------------------------------------

class RecordingSink : public LiteralSink {
public:
    RecordingSink(std::string* bytes, int* ends, std::vector<std::size_t>* chunks)
        : bytes_(bytes), ends_(ends), chunks_(chunks) {}
    void data(std::span<const std::byte> b) override {
        bytes_->append(reinterpret_cast<const char*>(b.data()), b.size());
        chunks_->push_back(b.size());
    }
    void end() override { ++*ends_; }

private:
    std::string* bytes_;
    int* ends_;
    std::vector<std::size_t>* chunks_;
};

TEST(ImapParser, StreamsLiteralsToTheSinkAsTheyArrive) {
    ResponseParser parser;
    std::string body;
    int ends = 0;
    std::vector<std::size_t> chunks;
    std::vector<std::string> partial_dumps;
    parser.set_sink_factory(
        [&](const Response& partial, std::uint64_t size) -> std::unique_ptr<LiteralSink> {
            partial_dumps.push_back(dump(partial) + " size=" + std::to_string(size));
            // Stream only the message body, not the mailbox-like small strings.
            const auto& items = partial.data.empty() ? partial.data : partial.data.back().items;
            if (items.empty() || items.back().text != "BODY[]")
                return nullptr;
            return std::make_unique<RecordingSink>(&body, &ends, &chunks);
        });
    std::vector<Response> out;
    auto handler = [&](Response&& r) { out.push_back(std::move(r)); };
    ASSERT_TRUE(parser.feed("* 3 FETCH (UID 9 BODY[] {11}\r\nHello", handler));
    EXPECT_EQ(body, "Hello");
    EXPECT_EQ(ends, 0);
    ASSERT_TRUE(parser.feed(" worl", handler));
    EXPECT_EQ(body, "Hello worl");
    ASSERT_TRUE(parser.feed("d X {2}\r\nhi)\r\n", handler));
    EXPECT_EQ(body, "Hello world");
    EXPECT_EQ(ends, 1);
    EXPECT_EQ(chunks, (std::vector<std::size_t>{5, 5, 1}));
    ASSERT_EQ(out.size(), 1u);
    const auto& items = out[0].data[0].items;
    ASSERT_EQ(items.size(), 6u);
    EXPECT_EQ(items[3].kind, Value::Kind::string);
    EXPECT_TRUE(items[3].literal);
    EXPECT_TRUE(items[3].streamed);
    EXPECT_EQ(items[3].literal_size, 11u);
    EXPECT_EQ(items[3].text, "");
    EXPECT_FALSE(items[5].streamed);
    EXPECT_EQ(items[5].text, "hi");
    EXPECT_EQ(out[0].log_line, "* 3 FETCH (UID 9 BODY[] {11} X {2})");
    ASSERT_EQ(partial_dumps.size(), 2u);
    EXPECT_EQ(partial_dumps[0], "* num=3 FETCH data=[(UID #9 BODY[])] "
                                "log=\"* 3 FETCH (UID 9 BODY[] {11}\" size=11");
}

TEST(ImapParser, EmptyStreamedLiteralEndsAtOnce) {
    ResponseParser parser;
    std::string body;
    int ends = 0;
    std::vector<std::size_t> chunks;
    parser.set_sink_factory([&](const Response&, std::uint64_t) {
        return std::make_unique<RecordingSink>(&body, &ends, &chunks);
    });
    int responses = 0;
    ASSERT_TRUE(parser.feed("* 1 FETCH (BODY[] {0}\r\n", [&](Response&&) { ++responses; }));
    EXPECT_EQ(ends, 1);
    EXPECT_TRUE(chunks.empty());
    ASSERT_TRUE(parser.feed(")\r\n", [&](Response&&) { ++responses; }));
    EXPECT_EQ(responses, 1);
}

TEST(ImapParser, StreamedLiteralsDoNotCountAgainstTheMemoryLimit) {
    // 8 MiB streamed while at most 1 KiB may be buffered: the parser must not
    // hold the bytes (the Value stays empty and no limit error occurs).
    ParserLimits limits;
    limits.max_buffered_literal = 1024;
    ResponseParser parser(limits);
    std::uint64_t received = 0;
    int ends = 0;
    struct CountingSink : LiteralSink {
        std::uint64_t* n;
        int* ends;
        CountingSink(std::uint64_t* n_, int* e) : n(n_), ends(e) {}
        void data(std::span<const std::byte> b) override { *n += b.size(); }
        void end() override { ++*ends; }
    };
    parser.set_sink_factory([&](const Response&, std::uint64_t) {
        return std::make_unique<CountingSink>(&received, &ends);
    });
    constexpr std::size_t size = 8 << 20;
    std::vector<Response> out;
    auto handler = [&](Response&& r) { out.push_back(std::move(r)); };
    ASSERT_TRUE(parser.feed("* 1 FETCH (BODY[] {" + std::to_string(size) + "}\r\n", handler));
    std::string chunk(64 << 10, 'x');
    for (std::size_t sent = 0; sent < size; sent += chunk.size())
        ASSERT_TRUE(parser.feed(chunk, handler));
    ASSERT_TRUE(parser.feed(")\r\n", handler));
    EXPECT_EQ(received, size);
    EXPECT_EQ(ends, 1);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_TRUE(out[0].data[0].items[1].streamed);
    EXPECT_EQ(out[0].data[0].items[1].text.capacity() < 1024, true);
}

TEST(ImapParser, LargestLiteralSizeIsAccepted) {
    ResponseParser parser;
    std::uint64_t announced = 0;
    std::string body;
    int ends = 0;
    std::vector<std::size_t> chunks;
    parser.set_sink_factory([&](const Response&, std::uint64_t size) {
        announced = size;
        return std::make_unique<RecordingSink>(&body, &ends, &chunks);
    });
    ASSERT_TRUE(parser.feed("* 1 FETCH (BODY[] {9223372036854775807}\r\nabc", [](Response&&) {}));
    EXPECT_EQ(announced, 9223372036854775807u);
    EXPECT_EQ(body, "abc");
    EXPECT_FALSE(parser.at_boundary());
    EXPECT_NE(parse_error("* 1 FETCH (BODY[] {9223372036854775808}\r\n").find("literal size"),
              std::string::npos);
}

} // namespace
} // namespace interimap::imap
