// Unit tests of the IMAP response parser, one construct at a time. Every
// input is also fed one byte at a time and must give the same result.
#include "core/imap/feed_harness.hpp"
#include "imap/parser.hpp"

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

/// Parses `bytes` whole and byte by byte; both must succeed and agree.
std::vector<Response> parse(std::string_view bytes, ParserLimits limits = {}) {
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

Response parse_one(std::string_view bytes, ParserLimits limits = {}) {
    auto all = parse(bytes, limits);
    EXPECT_EQ(all.size(), 1u) << bytes;
    return all.empty() ? Response{} : std::move(all.front());
}

/// Parses `bytes` expecting an error; returns its message (same both ways).
std::string parse_error(std::string_view bytes, ParserLimits limits = {}) {
    FeedOutcome whole = feed_whole(bytes, limits);
    FeedOutcome bytewise = feed_bytewise(bytes, limits);
    EXPECT_TRUE(whole.failed) << bytes;
    EXPECT_EQ(whole.error, bytewise.error);
    EXPECT_EQ(whole.dumps, bytewise.dumps);
    return whole.error;
}

// Status responses ------------------------------------------------------------

TEST(ImapParser, TaggedOkWithText) {
    Response r = parse_one("000001 OK Capability completed (0.001 + 0.000 secs).\r\n");
    EXPECT_EQ(r.type, Response::Type::tagged);
    EXPECT_EQ(r.tag, "000001");
    EXPECT_EQ(r.keyword, "OK");
    EXPECT_TRUE(r.is_status());
    EXPECT_FALSE(r.code);
    EXPECT_FALSE(r.number);
    EXPECT_EQ(r.text, "Capability completed (0.001 + 0.000 secs).");
    EXPECT_TRUE(r.data.empty());
    EXPECT_EQ(r.log_line, "000001 OK Capability completed (0.001 + 0.000 secs).");
}

TEST(ImapParser, StatusKeywordIsUpperCased) {
    EXPECT_EQ(parse_one("a1 no sorry\r\n").keyword, "NO");
    EXPECT_EQ(parse_one("a1 Bad what\r\n").keyword, "BAD");
    EXPECT_EQ(parse_one("* bye\r\n").keyword, "BYE");
}

TEST(ImapParser, TaggedNoWithCode) {
    Response r = parse_one("000005 NO [TRYCREATE] Mailbox doesn't exist: Nonexistent\r\n");
    EXPECT_EQ(r.keyword, "NO");
    ASSERT_TRUE(r.code);
    EXPECT_EQ(r.code->name, "TRYCREATE");
    EXPECT_TRUE(r.code->args.empty());
    EXPECT_EQ(r.text, "Mailbox doesn't exist: Nonexistent");
}

TEST(ImapParser, CodeNameIsUpperCasedAndArgsAreValues) {
    Response r = parse_one("* OK [uidvalidity 3857529045] UIDs valid\r\n");
    EXPECT_EQ(r.type, Response::Type::untagged);
    ASSERT_TRUE(r.code);
    EXPECT_EQ(r.code->name, "UIDVALIDITY");
    ASSERT_EQ(r.code->args.size(), 1u);
    EXPECT_EQ(r.code->args[0].kind, Value::Kind::number);
    EXPECT_EQ(r.code->args[0].number, 3857529045u);
    EXPECT_EQ(r.text, "UIDs valid");
}

TEST(ImapParser, PermanentFlagsCode) {
    Response r =
        parse_one("* OK [PERMANENTFLAGS (\\Answered \\Seen $Important \\*)] Flags permitted.\r\n");
    ASSERT_TRUE(r.code);
    EXPECT_EQ(r.code->name, "PERMANENTFLAGS");
    ASSERT_EQ(r.code->args.size(), 1u);
    const Value& flags = r.code->args[0];
    ASSERT_EQ(flags.kind, Value::Kind::list);
    ASSERT_EQ(flags.items.size(), 4u);
    EXPECT_EQ(flags.items[0].text, "\\Answered");
    EXPECT_EQ(flags.items[2].text, "$Important");
    EXPECT_EQ(flags.items[3].text, "\\*");
    EXPECT_EQ(flags.items[3].kind, Value::Kind::atom);
}

TEST(ImapParser, CopyUidCodeWithSequenceSets) {
    Response r = parse_one("a OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n");
    ASSERT_TRUE(r.code);
    ASSERT_EQ(r.code->args.size(), 3u);
    EXPECT_EQ(r.code->args[0].number, 38505u);
    EXPECT_EQ(r.code->args[1].kind, Value::Kind::atom);
    EXPECT_EQ(r.code->args[1].text, "304,319:320");
    EXPECT_EQ(r.code->args[2].text, "3956:3958");
}

TEST(ImapParser, CapabilityCodeInGreeting) {
    Response r = parse_one("* PREAUTH [CAPABILITY IMAP4rev1 LITERAL+ AUTH=PLAIN COMPRESS=DEFLATE] "
                           "Logged in as nobody\r\n");
    EXPECT_EQ(r.keyword, "PREAUTH");
    ASSERT_TRUE(r.code);
    EXPECT_EQ(r.code->name, "CAPABILITY");
    ASSERT_EQ(r.code->args.size(), 4u);
    EXPECT_EQ(r.code->args[1].text, "LITERAL+");
    EXPECT_EQ(r.code->args[2].text, "AUTH=PLAIN");
    EXPECT_EQ(r.text, "Logged in as nobody");
}

TEST(ImapParser, AlertCodeAndBracketsInText) {
    Response r = parse_one("* NO [ALERT] Disk [almost] full\r\n");
    ASSERT_TRUE(r.code);
    EXPECT_EQ(r.code->name, "ALERT");
    EXPECT_TRUE(r.code->args.empty());
    EXPECT_EQ(r.text, "Disk [almost] full");
}

TEST(ImapParser, FreeTextInUnknownCodeIsKeptAsAtoms) {
    Response r = parse_one("* NO [XSTRANGE some free, text!] rest\r\n");
    ASSERT_TRUE(r.code);
    EXPECT_EQ(r.code->name, "XSTRANGE");
    ASSERT_EQ(r.code->args.size(), 3u);
    EXPECT_EQ(r.code->args[0].text, "some");
    EXPECT_EQ(r.code->args[1].text, "free,");
    EXPECT_EQ(r.code->args[2].text, "text!");
    EXPECT_EQ(r.text, "rest");
}

TEST(ImapParser, UnbalancedParenthesesInCodeAreTolerated) {
    Response r = parse_one("* OK [XA ) (b (c] text\r\n");
    ASSERT_TRUE(r.code);
    ASSERT_EQ(r.code->args.size(), 2u);
    EXPECT_EQ(r.code->args[0].text, ")");
    ASSERT_EQ(r.code->args[1].kind, Value::Kind::list);
    EXPECT_EQ(dump(r), "* OK code=[XA ) (b (c))] text=\"text\" log=\"* OK [XA ) (b (c] text\"");
}

TEST(ImapParser, UnterminatedCodeEndsWithTheLine) {
    Response r = parse_one("* OK [XB a (b\r\n");
    ASSERT_TRUE(r.code);
    EXPECT_EQ(r.code->name, "XB");
    ASSERT_EQ(r.code->args.size(), 2u);
    EXPECT_EQ(r.code->args[1].items.size(), 1u);
    EXPECT_EQ(r.text, "");
}

TEST(ImapParser, CodeWithoutText) {
    Response r = parse_one("* OK [READ-WRITE]\r\n");
    ASSERT_TRUE(r.code);
    EXPECT_EQ(r.code->name, "READ-WRITE");
    EXPECT_EQ(r.text, "");
    Response r2 = parse_one("* OK [CLOSED]text right after\r\n");
    EXPECT_EQ(r2.code->name, "CLOSED");
    EXPECT_EQ(r2.text, "text right after");
}

TEST(ImapParser, BadCharsetCodeWithList) {
    Response r = parse_one("a NO [BADCHARSET (UTF-8 \"ISO-8859-1\")] charset\r\n");
    ASSERT_TRUE(r.code);
    ASSERT_EQ(r.code->args.size(), 1u);
    ASSERT_EQ(r.code->args[0].items.size(), 2u);
    EXPECT_EQ(r.code->args[0].items[1].kind, Value::Kind::string);
    EXPECT_EQ(r.code->args[0].items[1].text, "ISO-8859-1");
}

TEST(ImapParser, StatusWithoutText) {
    Response r = parse_one("a1 OK\r\n");
    EXPECT_EQ(r.keyword, "OK");
    EXPECT_EQ(r.text, "");
    EXPECT_EQ(parse_one("* BYE\r\n").keyword, "BYE");
}

// Continuation requests ------------------------------------------------------

TEST(ImapParser, Continuations) {
    auto all = parse("+ idling\r\n+\r\n+ \r\n+ dGVzdA==\r\n+ [ALERT] raw\r\n");
    ASSERT_EQ(all.size(), 5u);
    for (const Response& r : all) {
        EXPECT_EQ(r.type, Response::Type::continuation);
        EXPECT_EQ(r.keyword, "");
        EXPECT_FALSE(r.is_status());
        EXPECT_FALSE(r.code);
    }
    EXPECT_EQ(all[0].text, "idling");
    EXPECT_EQ(all[1].text, "");
    EXPECT_EQ(all[1].log_line, "+");
    EXPECT_EQ(all[2].text, "");
    EXPECT_EQ(all[3].text, "dGVzdA==");
    EXPECT_EQ(all[4].text, "[ALERT] raw");
}

// Untagged data --------------------------------------------------------------

TEST(ImapParser, NumberedResponses) {
    auto all = parse("* 23 EXISTS\r\n* 0 RECENT\r\n* 5 expunge\r\n");
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0].number, 23u);
    EXPECT_EQ(all[0].keyword, "EXISTS");
    EXPECT_TRUE(all[0].data.empty());
    EXPECT_FALSE(all[0].is_status());
    EXPECT_EQ(all[1].number, 0u);
    EXPECT_EQ(all[1].keyword, "RECENT");
    EXPECT_EQ(all[2].keyword, "EXPUNGE");
}

TEST(ImapParser, Capability) {
    Response r = parse_one("* CAPABILITY IMAP4rev1 LITERAL+ ENABLE QRESYNC\r\n");
    EXPECT_EQ(r.keyword, "CAPABILITY");
    EXPECT_FALSE(r.number);
    ASSERT_EQ(r.data.size(), 4u);
    EXPECT_EQ(r.data[3].text, "QRESYNC");
    EXPECT_TRUE(r.data[3].is_atom("QRESYNC"));
}

TEST(ImapParser, ListWithFlagsAndQuotedDelimiter) {
    Response r = parse_one("* LIST (\\HasNoChildren \\Subscribed) \"/\" \"with space\"\r\n");
    EXPECT_EQ(r.keyword, "LIST");
    ASSERT_EQ(r.data.size(), 3u);
    ASSERT_EQ(r.data[0].kind, Value::Kind::list);
    ASSERT_EQ(r.data[0].items.size(), 2u);
    EXPECT_EQ(r.data[0].items[0].text, "\\HasNoChildren");
    EXPECT_TRUE(r.data[0].items[1].is_atom("\\SUBSCRIBED"));
    EXPECT_EQ(r.data[1].kind, Value::Kind::string);
    EXPECT_EQ(r.data[1].text, "/");
    EXPECT_EQ(r.data[2].kind, Value::Kind::string);
    EXPECT_EQ(r.data[2].text, "with space");
}

TEST(ImapParser, ListWithNilDelimiterAndLiteralName) {
    Response r = parse_one("* LIST () NIL {7}\r\na\"b\r\nc)\r\n");
    ASSERT_EQ(r.data.size(), 3u);
    EXPECT_TRUE(r.data[0].items.empty());
    EXPECT_EQ(r.data[1].kind, Value::Kind::nil);
    EXPECT_TRUE(r.data[1].is_nstring());
    EXPECT_FALSE(r.data[1].is_astring());
    EXPECT_EQ(r.data[2].kind, Value::Kind::string);
    EXPECT_TRUE(r.data[2].literal);
    EXPECT_EQ(r.data[2].literal_size, 7u);
    EXPECT_EQ(r.data[2].text, "a\"b\r\nc)");
    EXPECT_EQ(r.log_line, "* LIST () NIL {7}");
}

TEST(ImapParser, NilIsCaseInsensitiveAndKeepsItsSpelling) {
    Response r = parse_one("* LIST () nil Nil\r\n");
    ASSERT_EQ(r.data.size(), 3u);
    EXPECT_EQ(r.data[1].kind, Value::Kind::nil);
    EXPECT_EQ(r.data[1].text, "nil");
    EXPECT_EQ(r.data[2].kind, Value::Kind::nil);
    EXPECT_EQ(r.data[2].text, "Nil");
    // "NILS" is an atom, not NIL.
    EXPECT_EQ(parse_one("* LIST () \"/\" NILS\r\n").data[2].kind, Value::Kind::atom);
}

TEST(ImapParser, ListExtendedData) {
    Response r = parse_one("* LIST (\\Subscribed) \"/\" Foo (\"CHILDINFO\" (\"SUBSCRIBED\") "
                           "\"OLDNAME\" (\"Bar\"))\r\n");
    ASSERT_EQ(r.data.size(), 4u);
    std::size_t next_streamed = 0;
    EXPECT_EQ(test::dump_values(r.data, {}, next_streamed),
              "(\\Subscribed) \"/\" Foo (\"CHILDINFO\" (\"SUBSCRIBED\") \"OLDNAME\" (\"Bar\"))");
}

TEST(ImapParser, StatusWithLiteralMailboxName) {
    Response r = parse_one("* STATUS {8}\r\nmy\r\nbox! (MESSAGES 2 UIDNEXT 44 UIDVALIDITY 1 "
                           "HIGHESTMODSEQ 18446744073709551615)\r\n");
    EXPECT_EQ(r.keyword, "STATUS");
    ASSERT_EQ(r.data.size(), 2u);
    EXPECT_EQ(r.data[0].text, "my\r\nbox!");
    EXPECT_TRUE(r.data[0].is_astring());
    const Value& items = r.data[1];
    ASSERT_EQ(items.items.size(), 8u);
    EXPECT_EQ(items.items[1].number, 2u);
    EXPECT_EQ(items.items[7].number, std::numeric_limits<std::uint64_t>::max());
    EXPECT_FALSE(items.items[7].overflow);
    EXPECT_EQ(r.log_line, "* STATUS {8} (MESSAGES 2 UIDNEXT 44 UIDVALIDITY 1 "
                          "HIGHESTMODSEQ 18446744073709551615)");
}

TEST(ImapParser, StatusWithQuotedAndAtomNames) {
    EXPECT_EQ(parse_one("* STATUS \"back\\\\slash\" (MESSAGES 0)\r\n").data[0].text, "back\\slash");
    EXPECT_EQ(parse_one("* STATUS \"quote\\\"d\" (MESSAGES 0)\r\n").data[0].text, "quote\"d");
    EXPECT_EQ(parse_one("* STATUS &AOk-t&AOk- (MESSAGES 0)\r\n").data[0].text, "&AOk-t&AOk-");
}

TEST(ImapParser, EnabledAndFlags) {
    Response e = parse_one("* ENABLED QRESYNC CONDSTORE\r\n");
    EXPECT_EQ(e.keyword, "ENABLED");
    ASSERT_EQ(e.data.size(), 2u);
    Response f = parse_one("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label1)\r\n");
    EXPECT_EQ(f.keyword, "FLAGS");
    ASSERT_EQ(f.data.size(), 1u);
    EXPECT_EQ(f.data[0].items.size(), 6u);
}

TEST(ImapParser, VanishedEarlier) {
    Response r = parse_one("* VANISHED (EARLIER) 1:3,5\r\n");
    EXPECT_EQ(r.keyword, "VANISHED");
    ASSERT_EQ(r.data.size(), 2u);
    ASSERT_EQ(r.data[0].kind, Value::Kind::list);
    EXPECT_TRUE(r.data[0].items[0].is_atom("EARLIER"));
    EXPECT_EQ(r.data[1].kind, Value::Kind::atom);
    EXPECT_EQ(r.data[1].text, "1:3,5");
    Response plain = parse_one("* VANISHED 4\r\n");
    ASSERT_EQ(plain.data.size(), 1u);
    EXPECT_EQ(plain.data[0].kind, Value::Kind::number);
    EXPECT_EQ(plain.data[0].number, 4u);
}

TEST(ImapParser, SearchAndEsearch) {
    Response empty = parse_one("* SEARCH\r\n");
    EXPECT_EQ(empty.keyword, "SEARCH");
    EXPECT_TRUE(empty.data.empty());
    Response s = parse_one("* SEARCH 2 84 882 (MODSEQ 917162500)\r\n");
    ASSERT_EQ(s.data.size(), 4u);
    EXPECT_EQ(s.data[2].number, 882u);
    EXPECT_EQ(s.data[3].items[1].number, 917162500u);
    Response e = parse_one("* ESEARCH (TAG \"000010\") UID MIN 1 MAX 4 ALL 1:4 COUNT 4\r\n");
    EXPECT_EQ(e.keyword, "ESEARCH");
    ASSERT_EQ(e.data.size(), 10u);
    EXPECT_EQ(e.data[0].items[1].text, "000010");
    EXPECT_EQ(e.data[0].items[1].kind, Value::Kind::string);
    EXPECT_EQ(e.data[7].text, "1:4");
}

TEST(ImapParser, FetchWithNestedListsAndSections) {
    Response r = parse_one(
        "* 12 FETCH (UID 4 FLAGS (\\Seen \\Recent) MODSEQ (123) "
        "INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" RFC822.SIZE 4286 "
        "BODY[HEADER.FIELDS (FROM SUBJECT)]<0> {3}\r\nabc ENVELOPE (NIL \"s\" ((\"A\" NIL "
        "\"a\" \"b.org\")) NIL) BODY[] \"\")\r\n");
    EXPECT_EQ(r.number, 12u);
    EXPECT_EQ(r.keyword, "FETCH");
    ASSERT_EQ(r.data.size(), 1u);
    const auto& items = r.data[0].items;
    ASSERT_EQ(items.size(), 16u);
    EXPECT_EQ(items[1].number, 4u);
    EXPECT_EQ(items[3].items.size(), 2u);
    EXPECT_EQ(items[5].items[0].number, 123u);
    EXPECT_EQ(items[7].text, "17-Jul-1996 02:44:25 -0700");
    EXPECT_EQ(items[10].kind, Value::Kind::atom);
    EXPECT_EQ(items[10].text, "BODY[HEADER.FIELDS (FROM SUBJECT)]<0>");
    EXPECT_EQ(items[11].text, "abc");
    EXPECT_TRUE(items[11].literal);
    EXPECT_EQ(items[13].items[2].items[0].items[3].text, "b.org");
    EXPECT_EQ(items[14].text, "BODY[]");
    EXPECT_EQ(items[15].kind, Value::Kind::string);
    EXPECT_EQ(items[15].text, "");
    EXPECT_EQ(r.log_line, "* 12 FETCH (UID 4 FLAGS (\\Seen \\Recent) MODSEQ (123) "
                          "INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" RFC822.SIZE 4286 "
                          "BODY[HEADER.FIELDS (FROM SUBJECT)]<0> {3} ENVELOPE (NIL \"s\" "
                          "((\"A\" NIL \"a\" \"b.org\")) NIL) BODY[] \"\")");
}

TEST(ImapParser, SectionsMayNestBrackets) {
    Response r = parse_one("* 1 FETCH (BODY[1.2.HEADER.FIELDS (X-[A])]<5> NIL)\r\n");
    ASSERT_EQ(r.data[0].items.size(), 2u);
    EXPECT_EQ(r.data[0].items[0].text, "BODY[1.2.HEADER.FIELDS (X-[A])]<5>");
}

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
