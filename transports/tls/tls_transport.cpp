#include "tls_transport.hpp"

#include "client_session.hpp"
#include "peer_check.hpp"
#include "tls_options.hpp"
#include "tls_stream.hpp"

#include <algorithm>
#include <cstdio>
#include <openssl/err.h>
#include <string>
#include <utility>

namespace interimap::tls {

namespace {

bool has_reason(const std::vector<OpenSslError>& errors, std::initializer_list<int> reasons) {
    return std::any_of(errors.begin(), errors.end(), [&](const OpenSslError& e) {
        return ERR_GET_LIB(e.code) == ERR_LIB_SSL &&
               std::find(reasons.begin(), reasons.end(), ERR_GET_REASON(e.code)) != reasons.end();
    });
}

std::string protocol_range(const TlsOptions& o) {
    if (o.min_version && o.max_version)
        return o.min_version->name == o.max_version->name
                   ? "only " + o.min_version->name
                   : o.min_version->name + " to " + o.max_version->name;
    if (o.min_version)
        return o.min_version->name + " and above";
    if (o.max_version)
        return "up to " + o.max_version->name;
    return "OpenSSL's defaults";
}

// OpenSSL's reasons for a failed handshake, and which of our settings
// they point at.
std::string explain(const std::vector<OpenSslError>& errors, const TlsOptions& o) {
    std::string text = join_reasons(errors, "unknown error");
    if (has_reason(errors, {SSL_R_UNSUPPORTED_PROTOCOL, SSL_R_TLSV1_ALERT_PROTOCOL_VERSION,
                            SSL_R_NO_PROTOCOLS_AVAILABLE, SSL_R_VERSION_TOO_LOW,
                            SSL_R_VERSION_TOO_HIGH, SSL_R_UNSUPPORTED_SSL_VERSION}))
        return text + " (no protocol version in common with the server; allowed here: " +
               protocol_range(o) + ")";
    if (has_reason(errors, {SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE, SSL_R_NO_CIPHERS_AVAILABLE,
                            SSL_R_NO_SHARED_CIPHER, SSL_R_WRONG_CIPHER_RETURNED}) &&
        (o.cipherlist || o.ciphersuites)) {
        std::string settings;
        if (o.cipherlist)
            settings += "SSL_cipherlist = " + *o.cipherlist;
        if (o.ciphersuites)
            settings += (settings.empty() ? "" : ", ") + std::string("SSL_ciphersuites = ") +
                        *o.ciphersuites;
        return text + " (no cipher in common with the server? " + settings + ")";
    }
    if (has_reason(errors, {SSL_R_WRONG_VERSION_NUMBER, SSL_R_PACKET_LENGTH_TOO_LONG}))
        return text + " (is this a TLS port? type = imap is for STARTTLS or plaintext)";
    return text;
}

} // namespace

Result<StreamPtr> TlsTransport::connect(const ConnectRequest& request, StreamPtr lower) {
    if (!lower)
        return Fail(ErrorCode::internal, "the tls transport needs a stream to wrap");
    Result<TlsOptions> options = read_tls_options(request.section);
    if (!options)
        return Fail(std::move(options).error());
    if (options->from_deprecated_protocols)
        request.logger.warning(request.context,
                               "SSL_protocols is deprecated and will be removed in a future "
                               "release! Use SSL_protocol_{min,max} instead.");
    Result<SslPtr> ssl =
        new_client_session(*options, request.section, request.logger, request.context);
    if (!ssl)
        return Fail(std::move(ssl).error());
    auto check =
        std::make_unique<PeerCheck>(*options, &request.logger, std::string(request.context.name));
    INTERIMAP_TRY(check->attach(ssl->get()));

    const std::string peer = lower->describe();
    auto wrapped = TlsStream::wrap(std::move(*ssl), std::move(lower), std::move(check));
    if (!wrapped)
        return Fail(std::move(wrapped).error());
    std::unique_ptr<TlsStream> stream = std::move(*wrapped);
    Result<void> done = stream->handshake(request.timeout);
    stream->peer_check().stop_logging();
    if (!done) {
        Error e = std::move(done).error();
        if (e.code == ErrorCode::tls)
            e.message = "TLS handshake with " + peer + " failed: " +
                        stream->peer_check().refusal().value_or(
                            explain(stream->handshake_errors(), *options));
        // Some servers (Dovecot) hang up instead of alerting when they
        // refuse our protocol range or ciphers: name what we asked for.
        else if (e.code == ErrorCode::closed) {
            std::string asked;
            if (options->min_version || options->max_version)
                asked = "protocol versions " + protocol_range(*options);
            if (options->cipherlist || options->ciphersuites)
                asked += std::string(asked.empty() ? "" : ", ") + "the ciphers set";
            if (!asked.empty())
                e.message += " (does the server accept what is allowed here: " + asked + "?)";
        }
        (void)stream->close();
        return Fail(std::move(e));
    }
    // An anonymous cipher skips the certificate, hence every check above.
    const long verified = SSL_get_verify_result(stream->ssl());
    if (!stream->peer_check().saw_certificate() || (options->verify && verified != X509_V_OK)) {
        (void)stream->close();
        return Fail(ErrorCode::tls, "TLS handshake with " + peer + " failed: " +
                                        (stream->peer_check().saw_certificate()
                                             ? std::string("certificate verify failed: ") +
                                                   X509_verify_cert_error_string(verified)
                                             : std::string("the server presented no certificate")));
    }
    if (request.logger.debug_level() > 0) {
        const SSL* session = stream->ssl();
        char version[32];
        std::snprintf(version, sizeof version, " (0x%x)",
                      static_cast<unsigned>(SSL_version(session)));
        request.logger.debug(request.context,
                             std::string("SSL protocol: ") + SSL_get_version(session) + version);
        request.logger.debug(request.context,
                             std::string("SSL cipher: ") + SSL_get_cipher_name(session) + " (" +
                                 std::to_string(SSL_get_cipher_bits(session, nullptr)) + " bits)");
    }
    return StreamPtr(std::move(stream));
}

} // namespace interimap::tls
