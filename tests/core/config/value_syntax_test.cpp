#include "config/value_syntax.hpp"

#include <gtest/gtest.h>
#include <string>

namespace interimap::config {
namespace {

using namespace std::string_literals;

TEST(ValueSyntax, PrintableRejectsControlCharacters) {
    EXPECT_TRUE(is_printable(""));
    EXPECT_TRUE(is_printable("imap.example.org"));
    EXPECT_TRUE(is_printable("caf\xc3\xa9 \xe2\x82\xac")); // "café €" in UTF-8
    EXPECT_TRUE(is_printable("latin1 \xe9"));              // not UTF-8: Latin-1 é
    EXPECT_FALSE(is_printable("tab\there"));
    EXPECT_FALSE(is_printable("nul\0here"s));
    EXPECT_FALSE(is_printable("del\x7f"));
    EXPECT_FALSE(is_printable("c1 \xc2\x85"));  // U+0085 in UTF-8
    EXPECT_FALSE(is_printable("c1 \x85 byte")); // 0x85 as Latin-1
    EXPECT_FALSE(is_nonempty_printable(""));
    EXPECT_TRUE(is_nonempty_printable("x"));
}

TEST(ValueSyntax, AsciiTextIsSevenBitWithoutNul) {
    EXPECT_TRUE(is_ascii_text("p@ss w\x7f\t"));
    EXPECT_FALSE(is_ascii_text(""));
    EXPECT_FALSE(is_ascii_text("\xc3\xa9"));
    EXPECT_FALSE(is_ascii_text("a\0b"s));
}

TEST(ValueSyntax, ImapTextExcludesCrLfAndNul) {
    EXPECT_TRUE(is_imap_text(""));
    EXPECT_TRUE(is_imap_text("perso/\t\v\f"));
    EXPECT_FALSE(is_imap_text("a\rb"));
    EXPECT_FALSE(is_imap_text("a\nb"));
    EXPECT_FALSE(is_imap_text("a\0b"s));
    EXPECT_FALSE(is_imap_text("\xc3\xa9"));
}

TEST(ValueSyntax, YesNoInAnyCase) {
    for (const char* v : {"YES", "yes", "Yes", "NO", "no", "nO"})
        EXPECT_TRUE(is_yes_no(v)) << v;
    for (const char* v : {"", "Y", "N", "1", "0", "true", "on", "YES "})
        EXPECT_FALSE(is_yes_no(v)) << v;
}

TEST(ValueSyntax, AtomListIsSingleSpaceSeparated) {
    EXPECT_TRUE(is_atom_list("PLAIN"));
    EXPECT_TRUE(is_atom_list("PLAIN LOGIN"));
    EXPECT_TRUE(is_atom_list("SCRAM-SHA-1 X[Y"));
    for (const char* v : {"", " PLAIN", "PLAIN ", "PLAIN  LOGIN", "A(B", "A*", "A%", "A]", "A\"",
                          "A\\", "A{", "A\tB"})
        EXPECT_FALSE(is_atom_list(v)) << v;
}

TEST(ValueSyntax, PortIsInRangeOrAServiceName) {
    for (const char* v : {"1", "143", "993", "65535", "imaps", "imap2", "x-imap"})
        EXPECT_TRUE(is_port(v)) << v;
    for (const char* v : {"", "0", "65536", "99999999999999999999", "-1", "+143", "1x", "9imap",
                          "im ap", "imap/tcp"})
        EXPECT_FALSE(is_port(v)) << v;
}

TEST(ValueSyntax, SslProtocolList) {
    EXPECT_TRUE(is_ssl_protocol_list("TLSv1.2"));
    EXPECT_TRUE(is_ssl_protocol_list("!SSLv2 !SSLv3 TLSv1 TLSv1.0 TLSv1.1 TLSv1.3"));
    for (const char* v : {"", "TLSv1.4", "tlsv1.2", "!!TLSv1", "TLSv1.2 ", "SSLv4"})
        EXPECT_FALSE(is_ssl_protocol_list(v)) << v;
}

TEST(ValueSyntax, FingerprintList) {
    EXPECT_TRUE(is_fingerprint_list("0123abcdEF"));
    EXPECT_TRUE(is_fingerprint_list("sha256$0123 sha1$ab cd"));
    for (const char* v : {"", "$ab", "sha256$", "xyz", "sha-256$ab", "ab  cd", "ab "})
        EXPECT_FALSE(is_fingerprint_list(v)) << v;
}

TEST(ValueSyntax, ListSelectOpts) {
    EXPECT_TRUE(is_list_select_opts(""));
    EXPECT_TRUE(is_list_select_opts("SUBSCRIBED REMOTE RECURSIVEMATCH"));
    EXPECT_TRUE(is_list_select_opts("special-use ["));
    for (const char* v : {"(SUBSCRIBED)", "A*", "A%", "A\"", "A\\", "A]", "A{", "A\t"})
        EXPECT_FALSE(is_list_select_opts(v)) << v;
}

} // namespace
} // namespace interimap::config
