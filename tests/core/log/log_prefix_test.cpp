#include "log/log_prefix.hpp"

#include <gtest/gtest.h>

namespace interimap::log {
namespace {

std::string expand(std::string_view format, std::string_view name, std::string_view mailbox) {
    auto prefix = LogPrefix::compile(format);
    EXPECT_TRUE(prefix) << format << ": " << (prefix ? "" : prefix.error().message);
    return prefix ? prefix->expand(name, mailbox) : "<error>";
}

std::string compile_error(std::string_view format) {
    auto prefix = LogPrefix::compile(format);
    EXPECT_FALSE(prefix) << format;
    return prefix ? "" : prefix.error().message;
}

// Expected values below were produced by the reference implementation's
// prefix formatter (Net::IMAP::InterIMAP 0.5.7) for the same arguments.
TEST(LogPrefix, DefaultFormat) {
    LogPrefix prefix;
    EXPECT_EQ(prefix.format(), "%?n?%?m?%n(%m)&%n?: ?");
    EXPECT_EQ(prefix.expand("", ""), "");
    EXPECT_EQ(prefix.expand("local", ""), "local: ");
    EXPECT_EQ(prefix.expand("local", "INBOX"), "local(INBOX): ");
    EXPECT_EQ(prefix.expand("remote", "a/b c"), "remote(a/b c): ");
    EXPECT_EQ(prefix.expand("", "INBOX"), "");
}

TEST(LogPrefix, Specifiers) {
    EXPECT_EQ(expand("%n %m %%", "a", "b"), "a b %");
    EXPECT_EQ(expand("%n %m %%", "", ""), "  %");
    EXPECT_EQ(expand("", "a", "b"), "");
    EXPECT_EQ(expand("plain text", "a", "b"), "plain text");
    EXPECT_EQ(expand("%%n", "a", "b"), "%n");
}

TEST(LogPrefix, Conditionals) {
    EXPECT_EQ(expand("%?n?yes&no?", "", ""), "no");
    EXPECT_EQ(expand("%?n?yes&no?", "x", ""), "yes");
    EXPECT_EQ(expand("%?n?yes?", "a", ""), "yes");
    EXPECT_EQ(expand("%?n?yes?", "", "b"), "");
    EXPECT_EQ(expand("%?m?<%m>&none?", "a", "b"), "<b>");
    EXPECT_EQ(expand("%?m?<%m>&none?", "a", ""), "none");
    EXPECT_EQ(expand("%?n??", "a", "b"), "");
    EXPECT_EQ(expand("%?n?&?", "a", "b"), "");
    EXPECT_EQ(expand("[%?n?%n&?]", "", ""), "[]");
}

TEST(LogPrefix, NestedConditionals) {
    EXPECT_EQ(expand("%?n?%?m?[%m]?&-?", "a", "b"), "[b]");
    EXPECT_EQ(expand("%?n?%?m?[%m]?&-?", "", "b"), "-");
    EXPECT_EQ(expand("%?n?%?m?[%m]?&-?", "a", ""), "");
    EXPECT_EQ(expand("%?n?%?m?1&2?&%?m?3&4??", "", ""), "4");
    EXPECT_EQ(expand("%?n?%?m?1&2?&%?m?3&4??", "", "m"), "3");
    EXPECT_EQ(expand("%?n?%?m?1&2?&%?m?3&4??", "n", ""), "2");
    EXPECT_EQ(expand("%?n?%?m?%?n?deep??&x?!", "n", "m"), "deep!");
}

TEST(LogPrefix, Escapes) {
    EXPECT_EQ(expand("a\\&b\\?c\\\\d\\e", "a", "b"), "a&b?c\\d\\e");
    EXPECT_EQ(expand("%?n?\\?\\&?", "a", "b"), "?&");
    EXPECT_EQ(expand("%?n?a\\&b&c\\?d?", "", ""), "c?d");
    EXPECT_EQ(expand("trailing\\", "a", "b"), "trailing\\");
    EXPECT_EQ(expand("%?n?%%&%%%%?", "", ""), "%%");
}

TEST(LogPrefix, LiteralAmpersandAndQuestionMarkOutsideConditionals) {
    EXPECT_EQ(expand("&?", "a", "b"), "&?");
    EXPECT_EQ(expand("%n? %m&", "a", "b"), "a? b&");
}

// Where the reference prints a broken conditional literally, we refuse it.
TEST(LogPrefix, InvalidFormats) {
    EXPECT_EQ(compile_error("%x"), "unknown specifier '%x' at offset 1");
    EXPECT_EQ(compile_error("ab%"), "lone '%' at offset 2");
    EXPECT_EQ(compile_error("%?x?a&b?"),
              "conditional on unknown specifier (expected %?n? or %?m?) at offset 2");
    EXPECT_EQ(compile_error("%?n"), "missing '?' after %?n at offset 3");
    EXPECT_EQ(compile_error("%?nx"), "missing '?' after %?n at offset 3");
    EXPECT_EQ(compile_error("x%?n?a"), "unterminated conditional at offset 1");
    EXPECT_EQ(compile_error("%?n?a&b"), "unterminated conditional at offset 0");
    EXPECT_EQ(compile_error("%?n?a&b&c?"), "second '&' in conditional at offset 7");
    EXPECT_EQ(compile_error("%?n?%?m?a?"), "unterminated conditional at offset 0");
    EXPECT_EQ(compile_error("%?n?%y?"), "unknown specifier '%y' at offset 5");
    EXPECT_EQ(compile_error("%?m?%%&%?"),
              "conditional on unknown specifier (expected %?n? or %?m?) at offset 9");
}

TEST(LogPrefix, CompiledOnceExpandedManyTimes) {
    auto prefix = LogPrefix::compile("%n|%m|");
    ASSERT_TRUE(prefix);
    LogPrefix copy = *prefix;
    EXPECT_EQ(copy.expand("a", "b"), "a|b|");
    EXPECT_EQ(copy.expand("c", ""), "c||");
    EXPECT_EQ(prefix->expand("d", "e"), "d|e|");
}

} // namespace
} // namespace interimap::log
