#include "config/list_mailbox.hpp"

#include <gtest/gtest.h>

namespace interimap::config {
namespace {

using namespace std::string_literals;
using Patterns = std::vector<std::string>;

Patterns parse_ok(std::string_view value) {
    auto r = parse_list_mailbox(value);
    EXPECT_TRUE(r) << value << ": " << (r ? "" : r.error().message);
    return r ? *r : Patterns{};
}

TEST(ListMailbox, BareWordsSeparatedByWhitespace) {
    EXPECT_EQ(parse_ok("INBOX"), Patterns{"INBOX"});
    EXPECT_EQ(parse_ok("INBOX Sent  Archive/*\tfoo%"),
              (Patterns{"INBOX", "Sent", "Archive/*", "foo%"}));
    EXPECT_EQ(parse_ok("a]b [c] ~x! #y$&'"), (Patterns{"a]b", "[c]", "~x!", "#y$&'"}));
}

TEST(ListMailbox, QuotedWordsMayContainSpacesAndSpecials) {
    EXPECT_EQ(parse_ok("\"Sent Items\" \"(a) {b}\""), (Patterns{"Sent Items", "(a) {b}"}));
    EXPECT_EQ(parse_ok("x \"y\" z"), (Patterns{"x", "y", "z"}));
}

TEST(ListMailbox, CEscapes) {
    EXPECT_EQ(parse_ok(R"("a\tb" "c\nd" "e\\f" "g\"h" "\a\b\v\f\r")"),
              (Patterns{"a\tb", "c\nd", "e\\f", "g\"h", "\a\b\v\f\r"}));
}

TEST(ListMailbox, NulAndHexEscapes) {
    EXPECT_EQ(parse_ok(R"("foo\x00bar")"), Patterns{"foo\0bar"s});
    EXPECT_EQ(parse_ok(R"("foo\0bar")"), Patterns{"foo\0bar"s});
    EXPECT_EQ(parse_ok(R"("\x41\x7a\x7E\xff")"), Patterns{"Az~\xff"});
    EXPECT_EQ(parse_ok(R"("\x00")"), Patterns{"\0"s});
}

TEST(ListMailbox, Errors) {
    for (std::string_view bad :
         {"", "   ", "\"\"", "\"unterminated", "a\"b\"", "\"a\"\"b\"", "\"a\"b", "(a)", "a(b",
          "a\\b", "{3}", R"("\q")", R"("\x4")", R"("\x4g")", R"("\x")", R"("trailing\")",
          "\"tab\tinside\"", "\"caf\xc3\xa9\"", "caf\xc3\xa9"}) {
        auto r = parse_list_mailbox(bad);
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error().code, ErrorCode::config);
        EXPECT_EQ(r.error().message, "Invalid value for list-mailbox: " + std::string(bad));
    }
}

} // namespace
} // namespace interimap::config
