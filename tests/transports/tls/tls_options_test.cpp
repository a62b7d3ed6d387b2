// Reading the SSL_* options: protocol ranges (and the deprecated
// SSL_protocols), pins, names to verify and to send as SNI.
#include "tls_options.hpp"

#include <gtest/gtest.h>

namespace interimap::tls {
namespace {

std::string range(std::string_view list) {
    auto r = protocols_to_range(list);
    if (!r)
        return "error: " + r.error().message;
    return r->first.name + ".." + r->second.name;
}

TEST(TlsProtocolList, DisablingTheOldOnesLeavesTheRest) {
    EXPECT_EQ(range("!SSLv2 !SSLv3 !TLSv1 !TLSv1.1"), "TLSv1.2..TLSv1.3");
}

TEST(TlsProtocolList, NamingVersionsDisablesTheOthers) {
    EXPECT_EQ(range("TLSv1.2"), "TLSv1.2..TLSv1.2");
    EXPECT_EQ(range("TLSv1.2 TLSv1.3"), "TLSv1.2..TLSv1.3");
    EXPECT_EQ(range("TLSv1.2 TLSv1.3 !TLSv1.3"), "TLSv1.2..TLSv1.2");
}

TEST(TlsProtocolList, TLSv1Point0IsTLSv1) {
    EXPECT_EQ(range("TLSv1.0"), "TLSv1..TLSv1");
}

TEST(TlsProtocolList, AGapKeepsTheLowestRunAsOpenSslDoes) {
    EXPECT_EQ(range("!SSLv3 !TLSv1.2"), "TLSv1..TLSv1.1");
}

TEST(TlsProtocolList, Sslv2ChangesNothing) {
    EXPECT_EQ(range("SSLv2"), "SSLv3..TLSv1.3");
    EXPECT_EQ(range("!SSLv2"), "SSLv3..TLSv1.3");
}

TEST(TlsProtocolList, EnablingNothingIsAnError) {
    EXPECT_EQ(range("!SSLv3 !TLSv1 !TLSv1.1 !TLSv1.2 !TLSv1.3"),
              "error: no protocol version is left enabled");
    EXPECT_EQ(range("TLSv2"), "error: unknown protocol \"TLSv2\"");
}

TEST(TlsFingerprints, DefaultAlgorithmIsSha256AndDigestsAreLowerCase) {
    auto pins = parse_fingerprints("ABCDEF01 sha1$00ff  SHA512$0a");
    ASSERT_TRUE(pins) << pins.error().message;
    ASSERT_EQ(pins->size(), 3u);
    EXPECT_EQ((*pins)[0].text(), "sha256$abcdef01");
    EXPECT_EQ((*pins)[1].text(), "sha1$00ff");
    EXPECT_EQ((*pins)[2].text(), "SHA512$0a");
}

TEST(TlsFingerprints, UnknownAlgorithmOrBadDigestIsAnError) {
    EXPECT_FALSE(parse_fingerprints("md9$00"));
    EXPECT_FALSE(parse_fingerprints("sha256$xyz"));
    EXPECT_FALSE(parse_fingerprints("sha256$"));
}

TlsOptions read(std::initializer_list<std::pair<const char*, const char*>> values) {
    ConfigSection section("remote");
    for (const auto& [key, value] : values)
        section.set(key, value);
    Result<TlsOptions> options = read_tls_options(section);
    EXPECT_TRUE(options) << options.error().message;
    return options ? *options : TlsOptions{};
}

TEST(TlsOptionsTest, Defaults) {
    TlsOptions o = read({});
    EXPECT_TRUE(o.verify);
    EXPECT_FALSE(o.min_version);
    EXPECT_FALSE(o.max_version);
    EXPECT_FALSE(o.cipherlist);
    EXPECT_FALSE(o.ca_file);
    EXPECT_TRUE(o.fingerprints.empty());
    EXPECT_EQ(o.host, "localhost");
    EXPECT_FALSE(o.host_is_ip);
    EXPECT_EQ(o.server_name, "localhost");
}

TEST(TlsOptionsTest, IpLiteralsAreVerifiedAsAddressesAndGetNoSni) {
    TlsOptions v4 = read({{"host", "192.0.2.1"}});
    EXPECT_TRUE(v4.host_is_ip);
    EXPECT_EQ(v4.server_name, "");
    TlsOptions v6 = read({{"host", "[2001:db8::1]"}});
    EXPECT_TRUE(v6.host_is_ip);
    EXPECT_EQ(v6.host, "2001:db8::1");
    EXPECT_EQ(v6.server_name, "");
    EXPECT_EQ(read({{"host", "fe80::1%eth0"}}).host, "fe80::1");
}

TEST(TlsOptionsTest, SslHostnameSetsOrDisablesSni) {
    EXPECT_EQ(read({{"host", "imap.example.net"}}).server_name, "imap.example.net");
    EXPECT_EQ(read({{"host", "imap.example.net"}, {"SSL_hostname", ""}}).server_name, "");
    EXPECT_EQ(read({{"host", "192.0.2.1"}, {"SSL_hostname", "mx.example"}}).server_name,
              "mx.example");
}

TEST(TlsOptionsTest, VersionBounds) {
    TlsOptions o = read({{"SSL_protocol_min", "TLSv1.2"}, {"SSL_protocol_max", "TLSv1.3"}});
    EXPECT_EQ(o.min_version->name, "TLSv1.2");
    EXPECT_EQ(o.max_version->name, "TLSv1.3");
    EXPECT_FALSE(o.from_deprecated_protocols);
}

TEST(TlsOptionsTest, DeprecatedProtocolsOnlyWithoutTheBounds) {
    TlsOptions old = read({{"SSL_protocols", "!SSLv3 !TLSv1 !TLSv1.1"}});
    EXPECT_TRUE(old.from_deprecated_protocols);
    EXPECT_EQ(old.min_version->name, "TLSv1.2");
    EXPECT_EQ(old.max_version->name, "TLSv1.3");
    TlsOptions both = read({{"SSL_protocols", "TLSv1.2"}, {"SSL_protocol_max", "TLSv1.3"}});
    EXPECT_FALSE(both.from_deprecated_protocols);
    EXPECT_FALSE(both.min_version);
}

TEST(TlsOptionsTest, ErrorsNameTheOption) {
    auto error_of = [](std::initializer_list<std::pair<const char*, const char*>> values) {
        ConfigSection section("remote");
        for (const auto& [key, value] : values)
            section.set(key, value, ConfigOrigin{"config", 7});
        Result<TlsOptions> o = read_tls_options(section);
        return o ? std::string("accepted") : o.error().message;
    };
    EXPECT_EQ(error_of({{"SSL_protocol_max", "TLSv9"}}),
              "config:7: option SSL_protocol_max: unknown protocol version \"TLSv9\" (expected "
              "SSLv3, TLSv1, TLSv1.1, TLSv1.2 or TLSv1.3)");
    EXPECT_EQ(error_of({{"SSL_protocol_min", "TLSv1.3"}, {"SSL_protocol_max", "TLSv1.2"}}),
              "config:7: option SSL_protocol_min: TLSv1.3 is above SSL_protocol_max (TLSv1.2)");
    EXPECT_EQ(error_of({{"SSL_protocols", "!TLSv1 !TLSv1.1 !TLSv1.2 !TLSv1.3 !SSLv3"}}),
              "config:7: option SSL_protocols: no protocol version is left enabled");
    EXPECT_EQ(error_of({{"SSL_verify", "maybe"}}).rfind("config:7: option SSL_verify", 0), 0u);
    EXPECT_EQ(error_of({{"host", "[imap.example.net]"}}),
              "config:7: option host: Invalid IP literal: imap.example.net");
}

} // namespace
} // namespace interimap::tls
