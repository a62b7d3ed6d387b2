// Unit tests of the IMAP response parser: syntax errors, limits, and what
// the error messages say.
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

// Errors -------------------------------------------------------------------------

TEST(ImapParser, GarbageAfterTag) {
    std::string e = parse_error("a1 FOO bar\r\n");
    EXPECT_NE(e.find("expected OK, NO or BAD after the tag, got \"FOO\""), std::string::npos) << e;
    EXPECT_NE(e.find("in line \"a1 FOO \""), std::string::npos) << e;
    EXPECT_NE(parse_error("a1 (OK)\r\n").find("expected OK, NO or BAD"), std::string::npos);
    EXPECT_NE(parse_error("a1 PREAUTH x\r\n").find("got \"PREAUTH\""), std::string::npos);
}

TEST(ImapParser, MalformedStarts) {
    EXPECT_NE(parse_error("\r\n").find("empty line"), std::string::npos);
    EXPECT_NE(parse_error(" a OK\r\n").find("expected '*', '+' or a tag, got SP"),
              std::string::npos);
    EXPECT_NE(parse_error("a1\r\n").find("expected SP after the tag, got CR"), std::string::npos);
    EXPECT_NE(parse_error("a(1 OK\r\n").find("expected SP after the tag, got '('"),
              std::string::npos);
    EXPECT_NE(parse_error("*x\r\n").find("expected SP after '*'"), std::string::npos);
    EXPECT_NE(parse_error("* \r\n").find("expected a keyword"), std::string::npos);
    EXPECT_NE(parse_error("* 5\r\n").find("expected a keyword after the number"),
              std::string::npos);
    EXPECT_NE(parse_error("* (x)\r\n").find("expected a keyword, got '('"), std::string::npos);
}

TEST(ImapParser, BadValueSyntax) {
    EXPECT_NE(parse_error("* 1 FETCH (UID 1))\r\n").find("unexpected ')'"), std::string::npos);
    EXPECT_NE(parse_error("* FLAGS (a (b)\r\n").find("expected ')', got CR"), std::string::npos);
    EXPECT_NE(parse_error("* LIST () \"/ x\r\n").find("expected '\"' to end the quoted string"),
              std::string::npos);
    EXPECT_NE(parse_error("* 1 FETCH (BODY[TEXT\r\n").find("expected ']' to end the section"),
              std::string::npos);
    EXPECT_NE(parse_error("* SEARCH a\x01\r\n").find("unexpected control character"),
              std::string::npos);
    EXPECT_NE(parse_error("* SEARCH \x7f\r\n").find("expected a value, got '\\x7f'"),
              std::string::npos);
    EXPECT_NE(parse_error("* OK a\0b\r\n"sv).find("NUL byte"), std::string::npos);
    EXPECT_NE(parse_error("* X \"a\0\"\r\n"sv).find("quoted string"), std::string::npos);
}

TEST(ImapParser, BadLiteralHeaders) {
    EXPECT_NE(parse_error("* X {}\r\n").find("expected the literal size, got '}'"),
              std::string::npos);
    EXPECT_NE(parse_error("* X {12a}\r\n").find("expected the literal size, got 'a'"),
              std::string::npos);
    EXPECT_NE(parse_error("* X {+}\r\n").find("expected the literal size"), std::string::npos);
    EXPECT_NE(parse_error("* X {3+x}\r\n").find("expected '}' after the literal size"),
              std::string::npos);
    EXPECT_NE(parse_error("* X {3} abc\r\n").find("expected CRLF after '}', got SP"),
              std::string::npos);
    EXPECT_NE(parse_error("* X {3\r\n").find("expected the literal size, got CR"),
              std::string::npos);
}

TEST(ImapParser, TildeWithoutBraceIsAnAtom) {
    Response r = parse_one("* X ~ ~a (~)\r\n");
    EXPECT_EQ(dump(r), "* X data=[~ ~a (~)] log=\"* X ~ ~a (~)\"");
}

TEST(ImapParser, LineTooLong) {
    ParserLimits limits;
    limits.max_line = 64;
    std::string line = "* SEARCH";
    while (line.size() < 100)
        line += " 12345";
    std::string e = parse_error(line + "\r\n", limits);
    EXPECT_NE(e.find("response longer than 64 bytes"), std::string::npos) << e;
    // Literal bytes do not count, the text around them does.
    EXPECT_EQ(parse("* 1 FETCH (BODY[] {100}\r\n" + std::string(100, 'x') + ")\r\n", limits).size(),
              1u);
    EXPECT_TRUE(
        feed_whole("* 1 FETCH (BODY[] {1}\r\nx " + std::string(60, 'y') + ")\r\n", limits).failed);
}

TEST(ImapParser, LongSearchResultFitsTheDefaultLimit) {
    // A server without ESEARCH lists every UID: 500000 of them is ~3.4 MB.
    std::string line = "* SEARCH";
    for (int uid = 1; uid <= 500000; ++uid)
        line += " " + std::to_string(uid);
    std::vector<Response> out;
    ResponseParser parser;
    ASSERT_TRUE(parser.feed(line + "\r\n", [&](Response&& r) { out.push_back(std::move(r)); }));
    ASSERT_EQ(out.size(), 1u);
    ASSERT_EQ(out[0].data.size(), 500000u);
    EXPECT_EQ(out[0].data.back().number, 500000u);
}

TEST(ImapParser, NestingTooDeep) {
    ParserLimits limits;
    limits.max_depth = 3;
    EXPECT_EQ(parse("* X (((a)))\r\n", limits).size(), 1u);
    std::string e = parse_error("* X ((((a))))\r\n", limits);
    EXPECT_NE(e.find("lists nested deeper than 3 levels"), std::string::npos) << e;
    // The default limit stops a hostile server too.
    EXPECT_TRUE(feed_whole("* X " + std::string(100000, '(')).failed);
}

TEST(ImapParser, LiteralLargerThanLimitWithoutSink) {
    ParserLimits limits;
    limits.max_buffered_literal = 100;
    EXPECT_EQ(parse("* 1 FETCH (BODY[] {100}\r\n" + std::string(100, 'x') + ")\r\n", limits).size(),
              1u);
    std::string e = parse_error("* 1 FETCH (BODY[] {101}\r\n", limits);
    EXPECT_NE(e.find("literal of 101 bytes exceeds the limit of 100 bytes held in memory"),
              std::string::npos)
        << e;
    // The limit is on the whole response.
    EXPECT_TRUE(
        feed_whole("* 1 FETCH (A {60}\r\n" + std::string(60, 'x') + " B {60}\r\n", limits).failed);
}

TEST(ImapParser, ErrorsAreSticky) {
    ResponseParser parser;
    int responses = 0;
    auto handler = [&](Response&&) { ++responses; };
    auto first = parser.feed("a1 FOO\r\n", handler);
    ASSERT_FALSE(first);
    EXPECT_EQ(first.error().code, ErrorCode::protocol);
    EXPECT_FALSE(parser.at_boundary());
    auto second = parser.feed("* 1 EXISTS\r\n", handler);
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().message, first.error().message);
    EXPECT_EQ(responses, 0);
}

TEST(ImapParser, ErrorMessageShowsTheLineEscaped) {
    std::string e = parse_error("* 1 FETCH (FLAGS (\\Seen) X \"\x01\r\n");
    EXPECT_EQ(e, "Invalid IMAP response: expected '\"' to end the quoted string, got CR in line "
                 "\"* 1 FETCH (FLAGS (\\\\Seen) X \\\"\\x01\"");
}

TEST(ImapParser, ResponsesBeforeAnErrorAreDelivered) {
    FeedOutcome whole = feed_whole("* 1 EXISTS\r\n* 2 EXISTS\r\n)\r\n");
    EXPECT_TRUE(whole.failed);
    EXPECT_EQ(whole.dumps.size(), 2u);
}

} // namespace
} // namespace interimap::imap
