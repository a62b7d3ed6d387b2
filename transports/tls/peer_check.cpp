#include "peer_check.hpp"

#include "openssl_util.hpp"

#include <algorithm>
#include <openssl/evp.h>
#include <openssl/x509_vfy.h>
#include <utility>

namespace interimap::tls {

namespace {

// Where an SSL object keeps its PeerCheck.
int ex_data_index() {
    static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

// " (subject \"...\", issued by \"...\")" and the names a certificate is for.
std::string certificate_summary(X509* cert, bool with_names) {
    std::string text = "subject \"" + name_text(X509_get_subject_name(cert)) + "\"";
    if (with_names) {
        std::string names = subject_alt_names(cert);
        text += names.empty() ? ", no subjectAltName" : ", for " + names;
    } else {
        text += ", issued by \"" + name_text(X509_get_issuer_name(cert)) + "\"";
    }
    return text;
}

} // namespace

std::string spki_digest(X509* cert, const std::string& algorithm) {
    const EVP_MD* md = EVP_get_digestbyname(algorithm.c_str());
    X509_PUBKEY* key = X509_get_X509_PUBKEY(cert);
    if (md == nullptr || key == nullptr)
        return {};
    unsigned char* der = nullptr;
    int length = i2d_X509_PUBKEY(key, &der);
    if (length <= 0)
        return {};
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_length = 0;
    int ok = EVP_Digest(der, static_cast<std::size_t>(length), digest, &digest_length, md, nullptr);
    OPENSSL_free(der);
    return ok == 1 ? hex(digest, digest_length) : std::string();
}

PeerCheck::PeerCheck(const TlsOptions& options, Logger* logger, std::string log_name)
    : pins_(options.fingerprints), verify_chain_(options.verify), host_(options.host),
      logger_(logger), log_name_(std::move(log_name)) {}

Result<void> PeerCheck::attach(SSL* ssl) {
    if (ex_data_index() < 0 || SSL_set_ex_data(ssl, ex_data_index(), this) != 1)
        return Fail(ErrorCode::internal, "SSL_set_ex_data failed");
    SSL_set_verify(ssl, SSL_VERIFY_PEER, &PeerCheck::callback);
    return ok();
}

int PeerCheck::callback(int preverify_ok, X509_STORE_CTX* store) {
    auto* ssl =
        static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    auto* self = ssl ? static_cast<PeerCheck*>(SSL_get_ex_data(ssl, ex_data_index())) : nullptr;
    return self ? self->judge(preverify_ok, store) : 0;
}

int PeerCheck::judge(int preverify_ok, X509_STORE_CTX* store) {
    const int depth = X509_STORE_CTX_get_error_depth(store);
    X509* cert = X509_STORE_CTX_get_current_cert(store);
    if (cert == nullptr)
        return 0;
    if (logger_ && logger_->debug_level() > 0) {
        debug("[" + std::to_string(depth) + "] preverify=" + std::to_string(preverify_ok));
        debug("  Issuer Name: " + name_text(X509_get_issuer_name(cert)));
        debug("  Subject Name: " + name_text(X509_get_subject_name(cert)));
    }
    if (!verify_chain_) {
        preverify_ok = 1;
    } else if (!preverify_ok && !refusal_) {
        const int error = X509_STORE_CTX_get_error(store);
        const bool name_error =
            error == X509_V_ERR_HOSTNAME_MISMATCH || error == X509_V_ERR_IP_ADDRESS_MISMATCH;
        refusal_ = "certificate verify failed for " + host_ + ": " +
                   X509_verify_cert_error_string(error) +
                   (depth > 0 ? " at depth " + std::to_string(depth) : std::string()) + " (" +
                   certificate_summary(cert, name_error) + ")";
    }
    if (depth == 0) {
        saw_certificate_ = true;
        if (logger_ && logger_->debug_level() > 0)
            debug("Peer certificate SPKI fingerprint: sha256$" + spki_digest(cert, "sha256"));
        if (!pins_.empty()) {
            if (auto mismatch = pin_mismatch(cert)) {
                if (!refusal_)
                    refusal_ = std::move(*mismatch);
                X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
                return 0;
            }
        }
    }
    return preverify_ok;
}

std::optional<std::string> PeerCheck::pin_mismatch(X509* cert) {
    std::string presented;
    std::vector<std::string> algorithms;
    for (const Fingerprint& pin : pins_) {
        std::string digest = spki_digest(cert, pin.algorithm);
        if (!digest.empty() && digest == pin.digest) {
            debug("Peer certificate matches pinned SPKI digest " + pin.text());
            return std::nullopt;
        }
        if (std::find(algorithms.begin(), algorithms.end(), pin.algorithm) == algorithms.end()) {
            algorithms.push_back(pin.algorithm);
            presented += (presented.empty() ? "" : " ") + pin.algorithm + "$" + digest;
        }
    }
    std::string expected;
    for (const Fingerprint& pin : pins_)
        expected += (expected.empty() ? "" : " ") + pin.text();
    return "the server's key matches no SSL_fingerprint (man-in-the-middle?): the server "
           "presented " +
           presented + ", expected " + expected;
}

std::optional<std::string> PeerCheck::refusal() const {
    return refusal_;
}

void PeerCheck::debug(const std::string& message) const {
    if (logger_ && logger_->debug_level() > 0)
        logger_->debug(LogContext{log_name_, {}}, message);
}

} // namespace interimap::tls
