// What the client offers: protocol versions (SSL_protocol_min/max and the
// deprecated SSL_protocols), ciphers (SSL_cipherlist, SSL_ciphersuites) and
// SNI (SSL_hostname), as the server sees them.
#include "tls_fixtures.hpp"
#include "transports/support/stream_helpers.hpp"

#include <gtest/gtest.h>
#include <openssl/ssl.h>

namespace interimap::testing {
namespace {

using Options = std::vector<std::pair<std::string, std::string>>;

// Connects, closes, and returns what the server saw.
TlsServerReport negotiate(TlsServerSettings settings, const Options& options,
                          const std::string& host = "localhost") {
    TlsTestServer server(std::move(settings));
    Result<StreamPtr> stream = open_imaps(imaps_section(server.port(), options, host));
    EXPECT_TRUE(stream) << stream.error().message;
    if (stream)
        (void)(*stream)->close();
    return server.finish();
}

TEST(TlsProtocols, DefaultsNegotiateTls13) {
    EXPECT_EQ(negotiate(presenting("server"), {}).version, "TLSv1.3");
}

TEST(TlsProtocols, MaximumIsHonoured) {
    EXPECT_EQ(negotiate(presenting("server"), {{"SSL_protocol_max", "TLSv1.2"}}).version,
              "TLSv1.2");
}

TEST(TlsProtocols, MinimumAboveTheServersMaximumIsAClearError) {
    TlsServerSettings settings = presenting("server");
    settings.max_version = TLS1_2_VERSION;
    TlsTestServer server(settings);
    Result<StreamPtr> stream =
        open_imaps(imaps_section(server.port(), {{"SSL_protocol_min", "TLSv1.3"}}));
    expect_failure(stream, ErrorCode::tls,
                   {"failed: tlsv1 alert protocol version",
                    "(no protocol version in common with the server; allowed here: TLSv1.3 and "
                    "above)"});
}

TEST(TlsProtocols, UnknownVersionIsAConfigErrorNamingTheOption) {
    TlsTestServer server(presenting("server"));
    Result<StreamPtr> stream =
        open_imaps(imaps_section(server.port(), {{"SSL_protocol_min", "TLSv2"}}));
    expect_failure(stream, ErrorCode::config,
                   {"option SSL_protocol_min: unknown protocol version \"TLSv2\" (expected SSLv3, "
                    "TLSv1, TLSv1.1, TLSv1.2 or TLSv1.3)"});
}

TEST(TlsProtocols, DeprecatedListIsMappedToARangeWithAWarning) {
    TlsTestServer server(presenting("server"));
    RecordingLogger logger(1);
    Result<StreamPtr> stream = open_imaps(
        imaps_section(server.port(), {{"SSL_protocols", "!SSLv2 !SSLv3 !TLSv1 !TLSv1.1 !TLSv1.3"}}),
        logger);
    ASSERT_TRUE(stream) << stream.error().message;
    (void)(*stream)->close();
    EXPECT_EQ(server.finish().version, "TLSv1.2");
    EXPECT_TRUE(logger.has(LogLevel::warning, "SSL_protocols is deprecated"));
    EXPECT_TRUE(logger.has(LogLevel::debug, "Minimum SSL/TLS protocol version: TLSv1.2"));
    EXPECT_TRUE(logger.has(LogLevel::debug, "Maximum SSL/TLS protocol version: TLSv1.2"));
}

TEST(TlsProtocols, DeprecatedListIsIgnoredBesideTheNewOptions) {
    RecordingLogger logger;
    TlsTestServer server(presenting("server"));
    Result<StreamPtr> stream =
        open_imaps(imaps_section(server.port(),
                                 {{"SSL_protocols", "TLSv1.2"}, {"SSL_protocol_min", "TLSv1.3"}}),
                   logger);
    ASSERT_TRUE(stream) << stream.error().message;
    (void)(*stream)->close();
    EXPECT_EQ(server.finish().version, "TLSv1.3");
    EXPECT_FALSE(logger.has(LogLevel::warning, "SSL_protocols"));
}

TEST(TlsCiphers, CipherListChoosesTheTls12Cipher) {
    TlsServerReport report =
        negotiate(presenting("server"), {{"SSL_protocol_max", "TLSv1.2"},
                                         {"SSL_cipherlist", "ECDHE-ECDSA-CHACHA20-POLY1305"}});
    EXPECT_EQ(report.version, "TLSv1.2");
    EXPECT_EQ(report.cipher, "ECDHE-ECDSA-CHACHA20-POLY1305");
}

TEST(TlsCiphers, CipherSuitesChooseTheTls13Suite) {
    TlsServerReport report =
        negotiate(presenting("server"), {{"SSL_ciphersuites", "TLS_CHACHA20_POLY1305_SHA256"}});
    EXPECT_EQ(report.version, "TLSv1.3");
    EXPECT_EQ(report.cipher, "TLS_CHACHA20_POLY1305_SHA256");
}

TEST(TlsCiphers, NoCipherInCommonNamesTheSettings) {
    TlsServerSettings settings = presenting("server");
    settings.max_version = TLS1_2_VERSION;
    settings.cipherlist = "ECDHE-ECDSA-AES256-GCM-SHA384";
    TlsTestServer server(settings);
    Result<StreamPtr> stream = open_imaps(
        imaps_section(server.port(), {{"SSL_cipherlist", "ECDHE-ECDSA-AES128-GCM-SHA256"}}));
    expect_failure(stream, ErrorCode::tls,
                   {"(no cipher in common with the server? SSL_cipherlist = "
                    "ECDHE-ECDSA-AES128-GCM-SHA256)"});
}

TEST(TlsCiphers, AnUnknownCipherIsAConfigError) {
    TlsTestServer server(presenting("server"));
    Result<StreamPtr> stream =
        open_imaps(imaps_section(server.port(), {{"SSL_cipherlist", "NO-SUCH-CIPHER"}}));
    expect_failure(
        stream, ErrorCode::config,
        {"option SSL_cipherlist: no usable cipher in \"NO-SUCH-CIPHER\": no cipher match"});
}

TEST(TlsSni, TheHostNameIsSentByDefault) {
    TlsServerReport report = negotiate(presenting("server"), {});
    EXPECT_TRUE(report.sni_sent);
    EXPECT_EQ(report.server_name, "localhost");
}

TEST(TlsSni, SslHostnameReplacesIt) {
    TlsServerReport report =
        negotiate(presenting("server"), {{"SSL_hostname", "imap.example.net"}});
    EXPECT_EQ(report.server_name, "imap.example.net");
}

TEST(TlsSni, AnEmptySslHostnameSendsNone) {
    TlsServerReport report = negotiate(presenting("server"), {{"SSL_hostname", ""}});
    EXPECT_TRUE(report.handshake_done);
    EXPECT_FALSE(report.sni_sent);
}

TEST(TlsSni, AnIpLiteralSendsNone) {
    TlsServerReport report = negotiate(presenting("server"), {}, "[127.0.0.1]");
    EXPECT_TRUE(report.handshake_done);
    EXPECT_FALSE(report.sni_sent);
}

TEST(TlsSni, SslHostnameIsSentForAnIpLiteralToo) {
    TlsServerReport report =
        negotiate(presenting("server"), {{"SSL_hostname", "localhost"}}, "127.0.0.1");
    EXPECT_EQ(report.server_name, "localhost");
}

} // namespace
} // namespace interimap::testing
