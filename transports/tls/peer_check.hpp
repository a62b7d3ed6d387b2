// How the server's certificate is judged during the handshake, in OpenSSL's
// verify callback, as interimap(1) describes it:
//   - SSL_verify = YES: the chain must lead to a trusted CA and the
//     certificate must be for `host` (a name or an IP address);
//   - SSL_fingerprint: the SubjectPublicKeyInfo digest of the server's
//     certificate must match one of the pinned digests, whatever SSL_verify
//     says; with SSL_verify = NO it is the only check.
// A pin does not excuse a failed chain under SSL_verify = YES: interimap
// 0.5.7 refuses such a server too (both checks apply; see the tests).
#pragma once

#include "tls_options.hpp"

#include <interimap/log.hpp>
#include <interimap/result.hpp>
#include <openssl/ssl.h>
#include <optional>
#include <string>

namespace interimap::tls {

/// The SubjectPublicKeyInfo digest of `cert` with `algorithm`, in lower-case
/// hexadecimal (what `openssl x509 -pubkey | openssl pkey -pubin -outform DER
/// | openssl dgst -ALGO` prints); empty if the algorithm is unknown.
std::string spki_digest(X509* cert, const std::string& algorithm);

class PeerCheck {
public:
    /// Debug logs go to `logger` (may be null) under `log_name`. The host
    /// name itself is checked by OpenSSL (the SSL object's verify
    /// parameters); options.host only names it in messages.
    PeerCheck(const TlsOptions& options, Logger* logger, std::string log_name);
    PeerCheck(const PeerCheck&) = delete;
    PeerCheck& operator=(const PeerCheck&) = delete;

    /// Makes `ssl` consult this check; it must outlive every handshake of `ssl`.
    Result<void> attach(SSL* ssl);

    /// Ends the debug logs of the callback (the logger may not outlive the
    /// connection attempt).
    void stop_logging() { logger_ = nullptr; }

    /// True once the callback saw the server's certificate.
    bool saw_certificate() const { return saw_certificate_; }

    /// Why the callback refused the server, as one clause ("certificate
    /// verify failed for localhost: hostname mismatch (...)"), or nullopt if
    /// it did not.
    std::optional<std::string> refusal() const;

private:
    static int callback(int preverify_ok, X509_STORE_CTX* store);
    int judge(int preverify_ok, X509_STORE_CTX* store);
    // The pinned digests' message when `cert` matches none; nullopt if one matches.
    std::optional<std::string> pin_mismatch(X509* cert);
    void debug(const std::string& message) const;

    std::vector<Fingerprint> pins_;
    bool verify_chain_;
    std::string host_;
    Logger* logger_;
    std::string log_name_;

    bool saw_certificate_ = false;
    std::optional<std::string> refusal_;
};

} // namespace interimap::tls
