// Tests of the IMAP command writer: string forms, literal segments with and
// without LITERAL+/LITERAL-, the log form and its redaction.
#include "imap/command.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace interimap::imap {
namespace {

/// All segments joined, with "|WAIT|" where the sender waits for "+".
std::string wire(const Command& c, const WriterOptions& o = {}, std::string_view tag = "000001") {
    std::string out;
    for (const CommandSegment& s : c.serialize(tag, o)) {
        out += s.bytes;
        if (s.await_continuation)
            out += "|WAIT|";
    }
    return out;
}

WriterOptions literal_plus() {
    WriterOptions o;
    o.literal_plus = true;
    return o;
}

WriterOptions literal_minus() {
    WriterOptions o;
    o.literal_minus = true;
    return o;
}

struct FormCase {
    std::string input;
    StringForm astring;      ///< allow_atom, no wildcards
    StringForm string;       ///< no atom
    StringForm list_pattern; ///< atom with wildcards
};

TEST(ImapCommandForms, ChoiceTable) {
    const std::string long_text(max_quoted_size, 'a');
    const std::string too_long(max_quoted_size + 1, 'a');
    using F = StringForm;
    const std::vector<FormCase> cases = {
        {"INBOX", F::atom, F::quoted, F::atom},
        {"Archive/2023", F::atom, F::quoted, F::atom},
        {"&AOk-t&AOk-", F::atom, F::quoted, F::atom},
        {"a]b", F::atom, F::quoted, F::atom}, // ']' is an ASTRING-CHAR
        {"LITERAL+", F::atom, F::quoted, F::atom},
        {"", F::quoted, F::quoted, F::quoted},
        {"with space", F::quoted, F::quoted, F::quoted},
        {"a(b", F::quoted, F::quoted, F::quoted},
        {"a)b", F::quoted, F::quoted, F::quoted},
        {"a{b", F::quoted, F::quoted, F::quoted},
        {"a\"b", F::quoted, F::quoted, F::quoted},
        {"a\\b", F::quoted, F::quoted, F::quoted},
        {"*", F::quoted, F::quoted, F::atom},
        {"%", F::quoted, F::quoted, F::atom},
        {"foo/*", F::quoted, F::quoted, F::atom},
        {"foo bar*", F::quoted, F::quoted, F::quoted},
        {"tab\there", F::quoted, F::quoted, F::quoted},
        {"del\x7f", F::quoted, F::quoted, F::quoted},
        {long_text, F::atom, F::quoted, F::atom},
        {long_text + " ", F::literal, F::literal, F::literal},
        {too_long, F::atom, F::literal, F::atom},
        {"line\r\nbreak", F::literal, F::literal, F::literal},
        {"lf\n", F::literal, F::literal, F::literal},
        {"cr\r", F::literal, F::literal, F::literal},
        {std::string("nul\0", 4), F::literal, F::literal, F::literal},
        {"Gr\xc3\xbc\xc3\x9f\x65", F::literal, F::literal, F::literal},
        {"\xff", F::literal, F::literal, F::literal},
    };
    for (const FormCase& c : cases) {
        EXPECT_EQ(choose_form(c.input, true, false), c.astring) << c.input;
        EXPECT_EQ(choose_form(c.input, false, false), c.string) << c.input;
        EXPECT_EQ(choose_form(c.input, true, true), c.list_pattern) << c.input;
    }
}

TEST(ImapCommand, AtomsAndQuotedStrings) {
    Command c("LOGIN");
    c.astring("alice").astring("pa ss\"w\\rd");
    EXPECT_EQ(wire(c), "000001 LOGIN alice \"pa ss\\\"w\\\\rd\"\r\n");
    EXPECT_EQ(wire(Command("CREATE").mailbox("")), "000001 CREATE \"\"\r\n");
    EXPECT_EQ(wire(Command("SEARCH").raw("SUBJECT").string("hello")),
              "000001 SEARCH SUBJECT \"hello\"\r\n");
}

TEST(ImapCommand, CommandWithoutArguments) {
    Command c("NOOP");
    auto segments = c.serialize("a1", {});
    ASSERT_EQ(segments.size(), 1u);
    EXPECT_EQ(segments[0].bytes, "a1 NOOP\r\n");
    EXPECT_FALSE(segments[0].await_continuation);
    EXPECT_EQ(c.log_line("a1", false), "a1 NOOP");
    EXPECT_EQ(c.name(), "NOOP");
}

TEST(ImapCommand, RawAndNumbers) {
    Command c("UID FETCH");
    c.raw("1:*")
        .raw("(FLAGS MODSEQ)")
        .raw("(CHANGEDSINCE")
        .number(18446744073709551615u)
        .raw("VANISHED)");
    EXPECT_EQ(wire(c), "000001 UID FETCH 1:* (FLAGS MODSEQ) (CHANGEDSINCE 18446744073709551615 "
                       "VANISHED)\r\n");
}

TEST(ImapCommand, MailboxSendsInboxInUpperCase) {
    EXPECT_EQ(wire(Command("SELECT").mailbox("inbox")), "000001 SELECT INBOX\r\n");
    EXPECT_EQ(wire(Command("SELECT").mailbox("InBoX")), "000001 SELECT INBOX\r\n");
    EXPECT_EQ(wire(Command("SELECT").mailbox("inbox/sub")), "000001 SELECT inbox/sub\r\n");
    EXPECT_EQ(wire(Command("SELECT").mailbox("INBOXES")), "000001 SELECT INBOXES\r\n");
    EXPECT_EQ(wire(Command("SELECT").mailbox("my box")), "000001 SELECT \"my box\"\r\n");
}

TEST(ImapCommand, ListPatterns) {
    EXPECT_EQ(wire(Command("LIST").astring("").list_pattern("*")), "000001 LIST \"\" *\r\n");
    EXPECT_EQ(wire(Command("LIST").astring("").list_pattern("foo/%")),
              "000001 LIST \"\" foo/%\r\n");
    EXPECT_EQ(wire(Command("LIST").astring("").list_pattern("foo bar*")),
              "000001 LIST \"\" \"foo bar*\"\r\n");
    // As an astring, a wildcard must be quoted (it would otherwise match).
    EXPECT_EQ(wire(Command("CREATE").mailbox("a*b")), "000001 CREATE \"a*b\"\r\n");
}

TEST(ImapCommand, Lists) {
    Command c("LIST");
    c.astring("").begin_list().list_pattern("INBOX").list_pattern("a b").end_list().raw("RETURN");
    c.begin_list().raw("STATUS").begin_list().raw("MESSAGES").raw("UIDNEXT").end_list().end_list();
    EXPECT_EQ(wire(c), "000001 LIST \"\" (INBOX \"a b\") RETURN (STATUS (MESSAGES UIDNEXT))\r\n");
    EXPECT_EQ(wire(Command("X").begin_list().end_list()), "000001 X ()\r\n");
}

TEST(ImapCommand, SynchronisingLiteralsSplitSegments) {
    Command c("APPEND");
    c.mailbox("INBOX").raw("(\\Seen)").literal("Hello\r\n");
    auto segments = c.serialize("000007", {});
    ASSERT_EQ(segments.size(), 2u);
    EXPECT_EQ(segments[0].bytes, "000007 APPEND INBOX (\\Seen) {7}\r\n");
    EXPECT_TRUE(segments[0].await_continuation);
    EXPECT_EQ(segments[1].bytes, "Hello\r\n\r\n");
    EXPECT_FALSE(segments[1].await_continuation);
}

TEST(ImapCommand, MultipleLiteralsMakeMoreSegments) {
    Command c("APPEND");
    c.mailbox("Ärger").literal("one").raw("(\\Flagged)").literal("").literal("three");
    EXPECT_EQ(wire(c), "000001 APPEND {6}\r\n|WAIT|\xc3\x84rger {3}\r\n|WAIT|one (\\Flagged) "
                       "{0}\r\n|WAIT| {5}\r\n|WAIT|three\r\n");
}

TEST(ImapCommand, LiteralPlusNeverWaits) {
    Command c("APPEND");
    c.mailbox("Ärger").literal(std::string(10000, 'x'));
    auto segments = c.serialize("a", literal_plus());
    ASSERT_EQ(segments.size(), 1u);
    EXPECT_FALSE(segments[0].await_continuation);
    EXPECT_EQ(segments[0].bytes,
              "a APPEND {6+}\r\n\xc3\x84rger {10000+}\r\n" + std::string(10000, 'x') + "\r\n");
}

TEST(ImapCommand, LiteralMinusOnlyForSmallLiterals) {
    Command small("APPEND");
    small.mailbox("INBOX").literal(std::string(4096, 'x'));
    EXPECT_EQ(wire(small, literal_minus()),
              "000001 APPEND INBOX {4096+}\r\n" + std::string(4096, 'x') + "\r\n");
    Command big("APPEND");
    big.mailbox("INBOX").literal(std::string(4097, 'x'));
    EXPECT_EQ(wire(big, literal_minus()),
              "000001 APPEND INBOX {4097}\r\n|WAIT|" + std::string(4097, 'x') + "\r\n");
    // LITERAL+ wins when both are advertised.
    WriterOptions both;
    both.literal_plus = both.literal_minus = true;
    EXPECT_EQ(wire(big, both), "000001 APPEND INBOX {4097+}\r\n" + std::string(4097, 'x') + "\r\n");
}

TEST(ImapCommand, EightBitAndLineBreaksGoAsLiterals) {
    EXPECT_EQ(wire(Command("CREATE").mailbox("caf\xc3\xa9"), literal_plus()),
              "000001 CREATE {5+}\r\ncaf\xc3\xa9\r\n");
    EXPECT_EQ(wire(Command("LOGIN").astring("bob").astring("p\r\nw"), literal_plus()),
              "000001 LOGIN bob {4+}\r\np\r\nw\r\n");
    EXPECT_EQ(wire(Command("X").string(std::string(max_quoted_size + 1, 'q')), literal_plus()),
              "000001 X {1025+}\r\n" + std::string(max_quoted_size + 1, 'q') + "\r\n");
}

TEST(ImapCommand, LogLineShowsLiteralSizesOnly) {
    Command c("APPEND");
    c.mailbox("caf\xc3\xa9").raw("(\\Seen)").literal("secret body");
    EXPECT_EQ(c.log_line("000003", false), "000003 APPEND {5} (\\Seen) {11}");
    EXPECT_EQ(Command("LIST").astring("").list_pattern("*").log_line("000001", false),
              "000001 LIST \"\" *");
}

TEST(ImapCommand, RedactionHidesSecretsOnce) {
    Command login("LOGIN");
    login.redact_from_here().astring("alice").astring("s3cret");
    EXPECT_EQ(login.log_line("000002", false), "000002 LOGIN [REDACTED]");
    EXPECT_EQ(login.log_line("000002", true), "000002 LOGIN alice s3cret");
    // The wire form is never redacted.
    EXPECT_EQ(wire(login, {}, "000002"), "000002 LOGIN alice s3cret\r\n");

    Command auth("AUTHENTICATE");
    auth.raw("PLAIN").redact_from_here().raw("AGFsaWNlAHMzY3JldA==");
    EXPECT_EQ(auth.log_line("a", false), "a AUTHENTICATE PLAIN [REDACTED]");

    Command secret_literal("LOGIN");
    secret_literal.redact_from_here()
        .astring("b\xc3\xb6"
                 "b")
        .literal("pw");
    EXPECT_EQ(secret_literal.log_line("a", false), "a LOGIN [REDACTED]");
    EXPECT_EQ(secret_literal.log_line("a", true), "a LOGIN {4} {2}");
}

TEST(ImapCommand, RedactionIsPerCommand) {
    Command c("SELECT");
    c.mailbox("INBOX");
    EXPECT_EQ(c.log_line("a", false), "a SELECT INBOX");
}

} // namespace
} // namespace interimap::imap
