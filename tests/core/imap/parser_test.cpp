// Unit tests of the IMAP response parser: status responses, continuation
// requests and data responses, one construct at a time. Every input is also
// fed one byte at a time and must give the same result.
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

} // namespace
} // namespace interimap::imap
