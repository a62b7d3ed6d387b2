#include "config/ini_file.hpp"
#include "temp_env.hpp"

#include <gtest/gtest.h>

namespace interimap::config {
namespace {

IniFile parse_ok(std::string_view text) {
    auto ini = parse_ini(text, "test.conf");
    EXPECT_TRUE(ini) << (ini ? "" : ini.error().message);
    if (ini)
        return *ini;
    IniFile empty; // keeps the caller's sections[0] valid after a failure
    empty.sections.push_back(IniSection{ConfigSection(""), 0});
    return empty;
}

TEST(IniFile, KeysBeforeAnyHeaderGoToTheDefaultSection) {
    IniFile ini = parse_ok("database = x.db\n[local]\ntype = tunnel\n");
    ASSERT_EQ(ini.sections.size(), 2u);
    EXPECT_EQ(ini.sections[0].values.name(), "");
    EXPECT_EQ(ini.sections[0].values.get("database"), "x.db");
    EXPECT_EQ(ini.sections[1].values.name(), "local");
    EXPECT_EQ(ini.sections[1].values.get("type"), "tunnel");
    EXPECT_FALSE(ini.sections[0].values.has("type"));
}

TEST(IniFile, DefaultSectionIsAlwaysFirstEvenWhenEmpty) {
    IniFile ini = parse_ok("[remote]\n[local]\n");
    ASSERT_EQ(ini.sections.size(), 3u);
    EXPECT_EQ(ini.sections[0].values.name(), "");
    EXPECT_EQ(ini.sections[0].line, 0);
    EXPECT_EQ(ini.sections[1].values.name(), "remote");
    EXPECT_EQ(ini.sections[1].line, 1);
    EXPECT_EQ(ini.sections[2].values.name(), "local");
    EXPECT_EQ(ini.sections[2].line, 2);
}

TEST(IniFile, WhitespaceAroundKeysValuesAndHeadersIsTrimmed) {
    IniFile ini = parse_ok("  [  local  ]  \n\t host\t=\t example.org \t\nport=993\n");
    const IniSection* local = ini.find("local");
    ASSERT_NE(local, nullptr);
    EXPECT_EQ(local->values.get("host"), "example.org");
    EXPECT_EQ(local->values.get("port"), "993");
}

TEST(IniFile, ValueMayContainEqualSignsAndBeEmpty) {
    IniFile ini = parse_ok("password = a=b = c\nlist-reference =\n");
    EXPECT_EQ(ini.sections[0].values.get("password"), "a=b = c");
    EXPECT_EQ(ini.sections[0].values.get("list-reference"), "");
}

TEST(IniFile, KeysMayContainInnerSpaces) {
    IniFile ini = parse_ok("foo bar = 1\n");
    EXPECT_EQ(ini.sections[0].values.get("foo bar"), "1");
}

TEST(IniFile, CommentsAndBlankLinesAreSkippedButCounted) {
    IniFile ini = parse_ok("# hash comment\n; semicolon comment\n   # indented\n\n \t \n"
                           "[local]\nhost = h # not a comment\n");
    const IniSection* local = ini.find("local");
    ASSERT_NE(local, nullptr);
    EXPECT_EQ(local->line, 6);
    EXPECT_EQ(local->values.get("host"), "h # not a comment");
    EXPECT_EQ(local->values.origin("host").line, 7);
    EXPECT_EQ(local->values.origin("host").file, "test.conf");
}

TEST(IniFile, SpaceSemicolonSpaceStartsAnInlineComment) {
    IniFile ini = parse_ok("a = x ; comment\nb = x;y\nc = x ;y\nd = x ; \ne = p ; q ; r\n"
                           "[local] ; trailing\n");
    const ConfigSection& d = ini.sections[0].values;
    EXPECT_EQ(d.get("a"), "x");
    EXPECT_EQ(d.get("b"), "x;y");
    EXPECT_EQ(d.get("c"), "x ;y");
    // Nothing after the second blank: not a comment (it needs some text).
    EXPECT_EQ(d.get("d"), "x ;");
    EXPECT_EQ(d.get("e"), "p");
    EXPECT_NE(ini.find("local"), nullptr);
}

TEST(IniFile, DuplicateKeyLastValueWinsWithItsLine) {
    IniFile ini = parse_ok("[local]\nhost = a\nhost = b\n");
    const IniSection* local = ini.find("local");
    ASSERT_NE(local, nullptr);
    EXPECT_EQ(local->values.get("host"), "b");
    EXPECT_EQ(local->values.origin("host").line, 3);
}

TEST(IniFile, RepeatedSectionContinuesTheFirstOne) {
    IniFile ini = parse_ok("[local]\nhost = a\n[remote]\nhost = r\n[local]\nport = 1\nhost = c\n");
    ASSERT_EQ(ini.sections.size(), 3u);
    const IniSection* local = ini.find("local");
    ASSERT_NE(local, nullptr);
    EXPECT_EQ(local->line, 1);
    EXPECT_EQ(local->values.get("host"), "c");
    EXPECT_EQ(local->values.get("port"), "1");
    EXPECT_EQ(ini.find("remote")->values.get("host"), "r");
}

TEST(IniFile, AllLineEndingsAreAccepted) {
    IniFile ini = parse_ok("a=1\r\nb=2\rc=3\r\r\nd=4\ne=5");
    const ConfigSection& d = ini.sections[0].values;
    EXPECT_EQ(d.get("a"), "1");
    EXPECT_EQ(d.get("b"), "2");
    EXPECT_EQ(d.get("c"), "3");
    EXPECT_EQ(d.get("d"), "4");
    EXPECT_EQ(d.origin("d").line, 4);
    EXPECT_EQ(d.get("e"), "5");
    EXPECT_EQ(d.origin("e").line, 5);
}

TEST(IniFile, LineThatIsNeitherHeaderNorAssignmentIsAnError) {
    auto ini = parse_ini("[local]\n\ntype tunnel\n", "my.conf");
    ASSERT_FALSE(ini);
    EXPECT_EQ(ini.error().code, ErrorCode::config);
    EXPECT_EQ(ini.error().message, "my.conf:3: syntax error: 'type tunnel'");
}

TEST(IniFile, EmptyKeyIsAnError) {
    auto ini = parse_ini("a=1\n = value\n", "my.conf");
    ASSERT_FALSE(ini);
    EXPECT_EQ(ini.error().message, "my.conf:2: syntax error: ' = value'");
}

TEST(IniFile, EmptySectionNameIsAnError) {
    for (std::string_view text : {"[]\n", "[   ]\n"}) {
        auto ini = parse_ini(text, "my.conf");
        ASSERT_FALSE(ini) << text;
        EXPECT_EQ(ini.error().message, "my.conf:1: syntax error: empty section name");
    }
}

TEST(IniFile, HeaderWithTrailingTextIsNotAHeader) {
    auto ini = parse_ini("[local] x\n", "my.conf");
    ASSERT_FALSE(ini);
    EXPECT_EQ(ini.error().message, "my.conf:1: syntax error: '[local] x'");
}

TEST(IniFile, ReadsFilesAndNamesThemInOrigins) {
    auto read = read_ini_file(INTERIMAP_TEST_DATA_DIR "/config/crlf.conf");
    ASSERT_TRUE(read) << read.error().message;
    const IniSection* remote = read->find("remote");
    ASSERT_NE(remote, nullptr);
    EXPECT_EQ(remote->values.get("host"), "mail.example.net");
    EXPECT_EQ(remote->values.get("port"), "993");
    EXPECT_EQ(remote->values.origin("port").line, 7);
    EXPECT_EQ(remote->values.origin("port").file, INTERIMAP_TEST_DATA_DIR "/config/crlf.conf");
}

TEST(IniFile, MissingFileIsNotFound) {
    testing::TempDir dir;
    auto read = read_ini_file(dir.path() / "nope.conf");
    ASSERT_FALSE(read);
    EXPECT_EQ(read.error().code, ErrorCode::not_found);
    EXPECT_EQ(read.error().message,
              "Can't open " + (dir.path() / "nope.conf").string() + ": No such file or directory");
}

} // namespace
} // namespace interimap::config
