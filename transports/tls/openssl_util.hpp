// Small OpenSSL helpers for the TLS transport: owning pointers and the text
// of OpenSSL's error queue.
#pragma once

#include <memory>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <string>
#include <vector>

namespace interimap::tls {

struct SslCtxDeleter {
    void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
struct SslDeleter {
    void operator()(SSL* ssl) const { SSL_free(ssl); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxDeleter>;
using SslPtr = std::unique_ptr<SSL, SslDeleter>;

/// One entry of OpenSSL's error queue.
struct OpenSslError {
    unsigned long code = 0;
    std::string text; ///< the reason ("certificate verify failed"), with its data if any
};

/// Empties the calling thread's error queue, oldest entry first.
std::vector<OpenSslError> take_openssl_errors();

/// The reasons of `errors` joined with "; ", or `fallback` when there are none.
std::string join_reasons(const std::vector<OpenSslError>& errors, const std::string& fallback);

/// A name in OpenSSL's one-line RFC 2253 form ("CN=imap.example.net,O=Example").
std::string name_text(const X509_NAME* name);

/// The subjectAltName entries of `cert` as "DNS:a, IP:127.0.0.1", or empty.
std::string subject_alt_names(X509* cert);

/// Lower-case hexadecimal.
std::string hex(const unsigned char* data, std::size_t size);

} // namespace interimap::tls
