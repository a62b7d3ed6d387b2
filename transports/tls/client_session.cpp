#include "client_session.hpp"

#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <string>

namespace interimap::tls {

namespace {

Error refused(const ConfigSection& section, std::string_view key, const std::string& what) {
    return make_error(ErrorCode::config, section.where(key) + ": " + what + ": " +
                                             join_reasons(take_openssl_errors(), "refused"));
}

Result<void> set_protocols(SSL_CTX* ctx, const TlsOptions& o, const ConfigSection& section,
                           Logger& logger, const LogContext& context) {
    // Named for errors: the option the range came from.
    auto key = [&](std::string_view modern) {
        return o.from_deprecated_protocols ? std::string_view("SSL_protocols") : modern;
    };
    if (o.min_version) {
        if (SSL_CTX_set_min_proto_version(ctx, o.min_version->number) != 1)
            return Fail(
                refused(section, key("SSL_protocol_min"), "can't use " + o.min_version->name));
        logger.debug(context, "Minimum SSL/TLS protocol version: " + o.min_version->name);
    }
    if (o.max_version) {
        if (SSL_CTX_set_max_proto_version(ctx, o.max_version->number) != 1)
            return Fail(
                refused(section, key("SSL_protocol_max"), "can't use " + o.max_version->name));
        logger.debug(context, "Maximum SSL/TLS protocol version: " + o.max_version->name);
    }
    return ok();
}

Result<void> set_ciphers(SSL_CTX* ctx, const TlsOptions& o, const ConfigSection& section) {
    if (o.cipherlist && SSL_CTX_set_cipher_list(ctx, o.cipherlist->c_str()) != 1)
        return Fail(
            refused(section, "SSL_cipherlist", "no usable cipher in \"" + *o.cipherlist + "\""));
    if (o.ciphersuites && SSL_CTX_set_ciphersuites(ctx, o.ciphersuites->c_str()) != 1)
        return Fail(refused(section, "SSL_ciphersuites",
                            "no usable cipher suite in \"" + *o.ciphersuites + "\""));
    return ok();
}

Result<void> set_trusted_certificates(SSL_CTX* ctx, const TlsOptions& o,
                                      const ConfigSection& section, Logger& logger,
                                      const LogContext& context) {
    if (!o.verify)
        return ok();
    if (o.ca_file || o.ca_path) {
        if (SSL_CTX_load_verify_locations(ctx, o.ca_file ? o.ca_file->c_str() : nullptr,
                                          o.ca_path ? o.ca_path->c_str() : nullptr) != 1)
            return Fail(refused(section, o.ca_file ? "SSL_CAfile" : "SSL_CApath",
                                "can't load trusted certificates from " +
                                    (o.ca_file ? *o.ca_file : *o.ca_path)));
        return ok();
    }
    logger.debug(context, "Using default locations for trusted CA certificates");
    if (SSL_CTX_set_default_verify_paths(ctx) != 1)
        return Fail(ErrorCode::tls, "can't use the default trusted CA certificates: " +
                                        join_reasons(take_openssl_errors(), "refused"));
    return ok();
}

// The name or address the certificate must be for, and SNI.
Result<void> set_peer_names(SSL* ssl, const TlsOptions& o, const ConfigSection& section,
                            Logger& logger, const LogContext& context) {
    if (o.verify) {
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
        const int set = o.host_is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, o.host.c_str())
                                     : X509_VERIFY_PARAM_set1_host(param, o.host.c_str(), 0);
        if (set != 1)
            return Fail(refused(section, "host", "can't verify certificates for " + o.host));
    }
    if (!o.server_name.empty()) {
        if (SSL_set_tlsext_host_name(ssl, o.server_name.c_str()) != 1)
            return Fail(refused(section, section.has("SSL_hostname") ? "SSL_hostname" : "host",
                                "can't send \"" + o.server_name + "\" as SNI"));
        logger.debug(context, "Using SNI with name " + o.server_name);
    }
    return ok();
}

} // namespace

Result<SslPtr> new_client_session(const TlsOptions& options, const ConfigSection& section,
                                  Logger& logger, const LogContext& context) {
    ERR_clear_error();
    SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
    if (!ctx)
        return Fail(ErrorCode::tls,
                    "SSL_CTX_new: " + join_reasons(take_openssl_errors(), "out of memory"));
    SSL_CTX_set_options(ctx.get(), SSL_OP_NO_COMPRESSION);
    SSL_CTX_set_mode(ctx.get(), SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER);
    INTERIMAP_TRY(set_protocols(ctx.get(), options, section, logger, context));
    INTERIMAP_TRY(set_ciphers(ctx.get(), options, section));
    INTERIMAP_TRY(set_trusted_certificates(ctx.get(), options, section, logger, context));

    SslPtr ssl(SSL_new(ctx.get())); // holds its own reference to ctx
    if (!ssl)
        return Fail(ErrorCode::tls,
                    "SSL_new: " + join_reasons(take_openssl_errors(), "out of memory"));
    INTERIMAP_TRY(set_peer_names(ssl.get(), options, section, logger, context));
    return ssl;
}

} // namespace interimap::tls
