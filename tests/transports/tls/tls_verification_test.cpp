// The server's certificate as interimap(1) judges it: SSL_verify (chain and
// name), SSL_fingerprint (pinned SubjectPublicKeyInfo digests), and both.
#include "tls_fixtures.hpp"
#include "transports/support/stream_helpers.hpp"

#include <gtest/gtest.h>
#include <openssl/ssl.h>

namespace interimap::testing {
namespace {

// Connects to a server presenting certificate `name` and exchanges a line.
Result<StreamPtr> connect_to(TlsTestServer& server,
                             const std::vector<std::pair<std::string, std::string>>& options,
                             const std::string& host = "localhost") {
    Result<StreamPtr> stream = open_imaps(imaps_section(server.port(), options, host));
    if (stream) {
        EXPECT_TRUE(write_all(**stream, "a1 NOOP\r\n"));
        EXPECT_EQ(read_until(**stream, "\r\n").data, "a1 NOOP\r\n");
    }
    return stream;
}

void expect_refused(const Result<StreamPtr>& stream, const std::string& port,
                    const std::vector<std::string>& parts) {
    std::vector<std::string> all = {"TLS handshake with localhost:" + port + " (127.0.0.1:" + port +
                                    ") failed: "};
    all.insert(all.end(), parts.begin(), parts.end());
    expect_failure(stream, ErrorCode::tls, all);
}

TEST(TlsVerification, AcceptsACertificateFromTheTrustedCaForTheHost) {
    TlsTestServer server(presenting("server"));
    ASSERT_TRUE(server.ok());
    Result<StreamPtr> stream = connect_to(server, {});
    ASSERT_TRUE(stream) << stream.error().message;
    EXPECT_EQ((*stream)->describe(),
              "TLS over localhost:" + server.port() + " (127.0.0.1:" + server.port() + ")");
    EXPECT_TRUE((*stream)->close());
    EXPECT_TRUE(server.finish().handshake_done);
}

TEST(TlsVerification, AcceptsAnIpAddressListedInTheCertificate) {
    TlsTestServer server(presenting("server"));
    Result<StreamPtr> stream = connect_to(server, {}, "127.0.0.1");
    ASSERT_TRUE(stream) << stream.error().message;
    (void)(*stream)->close();
    EXPECT_TRUE(server.finish().handshake_done);
}

TEST(TlsVerification, RefusesACertificateForAnotherName) {
    TlsTestServer server(presenting("wrong"));
    expect_refused(connect_to(server, {}), server.port(),
                   {"certificate verify failed for localhost: hostname mismatch",
                    "subject \"CN=wrong.example\", for DNS:wrong.example"});
    EXPECT_FALSE(server.finish().handshake_done);
}

TEST(TlsVerification, RefusesAnIpAddressTheCertificateIsNotFor) {
    TlsTestServer server(presenting("wrong"));
    Result<StreamPtr> stream = open_imaps(imaps_section(server.port(), {}, "127.0.0.1"));
    expect_failure(stream, ErrorCode::tls,
                   {"certificate verify failed for 127.0.0.1: IP address mismatch"});
}

TEST(TlsVerification, RefusesASelfSignedCertificate) {
    TlsTestServer server(presenting("self"));
    expect_refused(connect_to(server, {}), server.port(),
                   {"certificate verify failed for localhost: self-signed certificate",
                    "subject \"CN=localhost\""});
}

TEST(TlsVerification, RefusesACertificateFromAnotherCa) {
    TlsTestServer server(presenting("server"));
    expect_refused(connect_to(server, {{"SSL_CAfile", cert_file("other-ca.pem")}}), server.port(),
                   {"certificate verify failed for localhost: unable to get local issuer "
                    "certificate",
                    "issued by \"CN=interimap test CA\""});
}

TEST(TlsVerification, FindsTheCaInAHashedDirectory) {
    TlsTestServer server(presenting("server"));
    ConfigSection section("remote");
    section.set("host", "localhost");
    section.set("port", server.port());
    section.set("SSL_CApath", cert_file("hashed"));
    Result<StreamPtr> stream = open_imaps(section);
    ASSERT_TRUE(stream) << stream.error().message;
}

TEST(TlsVerification, AMissingCaFileIsAConfigErrorNamingIt) {
    TlsTestServer server(presenting("server"));
    Result<StreamPtr> stream =
        open_imaps(imaps_section(server.port(), {{"SSL_CAfile", "/nonexistent/ca.pem"}}));
    expect_failure(stream, ErrorCode::config,
                   {"option SSL_CAfile: can't load trusted certificates from /nonexistent/ca.pem"});
}

TEST(TlsVerification, WithoutVerificationASelfSignedCertificateIsAccepted) {
    TlsTestServer server(presenting("self"));
    Result<StreamPtr> stream = connect_to(server, {{"SSL_verify", "NO"}});
    ASSERT_TRUE(stream) << stream.error().message;
}

TEST(TlsVerification, WithoutVerificationAWrongNameIsAccepted) {
    TlsTestServer server(presenting("wrong"));
    Result<StreamPtr> stream = connect_to(server, {{"SSL_verify", "no"}});
    ASSERT_TRUE(stream) << stream.error().message;
}

TEST(TlsVerification, AServerWithoutCertificateIsRefusedEvenWithoutVerification) {
    // An anonymous cipher: the server sends no certificate at all.
    TlsServerSettings settings = presenting("server");
    settings.max_version = TLS1_2_VERSION;
    settings.cipherlist = "AECDH-AES128-SHA:@SECLEVEL=0";
    TlsTestServer server(settings);
    expect_refused(connect_to(server, {{"SSL_verify", "NO"},
                                       {"SSL_cipherlist", "AECDH-AES128-SHA:@SECLEVEL=0"}}),
                   server.port(), {"the server presented no certificate"});
}

TEST(TlsPinning, AMatchingFingerprintAcceptsAnUnverifiedServer) {
    TlsTestServer server(presenting("self"));
    Result<StreamPtr> stream =
        connect_to(server, {{"SSL_verify", "NO"}, {"SSL_fingerprint", spki_of("self")}});
    ASSERT_TRUE(stream) << stream.error().message;
}

TEST(TlsPinning, AlgorithmsCanBeNamed) {
    TlsTestServer server(presenting("self"));
    Result<StreamPtr> stream = connect_to(
        server, {{"SSL_verify", "NO"}, {"SSL_fingerprint", "sha1$" + spki_of("self", "sha1")}});
    ASSERT_TRUE(stream) << stream.error().message;
}

TEST(TlsPinning, OneMatchAmongSeveralIsEnough) {
    TlsTestServer server(presenting("self"));
    Result<StreamPtr> stream = connect_to(
        server, {{"SSL_verify", "NO"},
                 {"SSL_fingerprint", "sha256$" + spki_of("server") + " sha1$" +
                                         spki_of("self", "sha1") + " " + spki_of("wrong")}});
    ASSERT_TRUE(stream) << stream.error().message;
}

TEST(TlsPinning, NoMatchRefusesTheServerAndSaysWhatItPresented) {
    TlsTestServer server(presenting("self"));
    const std::string pins = spki_of("server") + " sha1$" + spki_of("wrong", "sha1");
    expect_refused(
        connect_to(server, {{"SSL_verify", "NO"}, {"SSL_fingerprint", pins}}), server.port(),
        {"the server's key matches no SSL_fingerprint",
         "the server presented sha256$" + spki_of("self") + " sha1$" + spki_of("self", "sha1"),
         "expected sha256$" + spki_of("server") + " sha1$" + spki_of("wrong", "sha1")});
    EXPECT_FALSE(server.finish().handshake_done);
}

TEST(TlsPinning, AMismatchRefusesEvenAVerifiedServer) {
    TlsTestServer server(presenting("server"));
    expect_refused(connect_to(server, {{"SSL_fingerprint", spki_of("wrong")}}), server.port(),
                   {"the server's key matches no SSL_fingerprint"});
}

TEST(TlsPinning, AMatchAddsToAVerifiedChain) {
    TlsTestServer server(presenting("server"));
    Result<StreamPtr> stream = connect_to(server, {{"SSL_fingerprint", spki_of("server")}});
    ASSERT_TRUE(stream) << stream.error().message;
}

// interimap 0.5.7 does the same: with SSL_verify = YES (the default) a
// matching pin does not make up for a chain that fails; both must pass.
TEST(TlsPinning, AMatchDoesNotExcuseAFailedChainUnderSslVerify) {
    TlsTestServer server(presenting("self"));
    expect_refused(connect_to(server, {{"SSL_fingerprint", spki_of("self")}}), server.port(),
                   {"certificate verify failed for localhost: self-signed certificate"});
}

TEST(TlsPinning, AnUnknownDigestIsAConfigError) {
    TlsTestServer server(presenting("self"));
    Result<StreamPtr> stream =
        open_imaps(imaps_section(server.port(), {{"SSL_fingerprint", "nosuchmd$00ff"}}));
    expect_failure(stream, ErrorCode::config,
                   {"option SSL_fingerprint: unknown digest algorithm \"nosuchmd\""});
}

TEST(TlsPinning, DebugLogsTheServersFingerprintAndTheMatch) {
    TlsTestServer server(presenting("self"));
    RecordingLogger logger(1);
    Result<StreamPtr> stream = open_imaps(
        imaps_section(server.port(), {{"SSL_verify", "NO"}, {"SSL_fingerprint", spki_of("self")}}),
        logger);
    ASSERT_TRUE(stream) << stream.error().message;
    EXPECT_TRUE(logger.has(LogLevel::debug,
                           "Peer certificate SPKI fingerprint: sha256$" + spki_of("self")));
    EXPECT_TRUE(logger.has(LogLevel::debug, "Peer certificate matches pinned SPKI digest sha256$" +
                                                spki_of("self")));
    EXPECT_TRUE(logger.has(LogLevel::debug, "SSL protocol: TLSv1.3"));
}

} // namespace
} // namespace interimap::testing
