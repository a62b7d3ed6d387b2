#include "openssl_util.hpp"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

namespace interimap::tls {

std::vector<OpenSslError> take_openssl_errors() {
    std::vector<OpenSslError> errors;
    const char* data = nullptr;
    int flags = 0;
    while (unsigned long code = ERR_get_error_all(nullptr, nullptr, nullptr, &data, &flags)) {
        OpenSslError e{code, {}};
        if (const char* reason = ERR_reason_error_string(code)) {
            e.text = reason;
        } else {
            char buffer[256];
            ERR_error_string_n(code, buffer, sizeof buffer);
            e.text = buffer;
        }
        if ((flags & ERR_TXT_STRING) && data != nullptr && *data != '\0')
            e.text += std::string(" (") + data + ")";
        errors.push_back(std::move(e));
    }
    return errors;
}

std::string join_reasons(const std::vector<OpenSslError>& errors, const std::string& fallback) {
    std::string text;
    for (const OpenSslError& e : errors)
        if (text.find(e.text) == std::string::npos)
            text += (text.empty() ? "" : "; ") + e.text;
    return text.empty() ? fallback : text;
}

std::string name_text(const X509_NAME* name) {
    if (name == nullptr)
        return {};
    BIO* bio = BIO_new(BIO_s_mem());
    if (bio == nullptr)
        return {};
    X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    char* bytes = nullptr;
    long length = BIO_get_mem_data(bio, &bytes);
    std::string text(bytes, length > 0 ? static_cast<std::size_t>(length) : 0);
    BIO_free(bio);
    return text;
}

std::string subject_alt_names(X509* cert) {
    auto* names =
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    if (names == nullptr)
        return {};
    std::string text;
    for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
        std::string entry;
        if (name->type == GEN_DNS) {
            const ASN1_IA5STRING* dns = name->d.dNSName;
            entry = "DNS:" + std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                                         static_cast<std::size_t>(ASN1_STRING_length(dns)));
        } else if (name->type == GEN_IPADD) {
            const ASN1_OCTET_STRING* ip = name->d.iPAddress;
            char buffer[INET6_ADDRSTRLEN] = "?";
            int length = ASN1_STRING_length(ip);
            if (length == 4 || length == 16)
                inet_ntop(length == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(ip), buffer,
                          sizeof buffer);
            entry = std::string("IP:") + buffer;
        }
        if (!entry.empty())
            text += (text.empty() ? "" : ", ") + entry;
    }
    GENERAL_NAMES_free(names);
    return text;
}

std::string hex(const unsigned char* data, std::size_t size) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string text;
    text.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        text += digits[data[i] >> 4];
        text += digits[data[i] & 0xf];
    }
    return text;
}

} // namespace interimap::tls
