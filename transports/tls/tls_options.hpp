// The SSL_* options of a connection section, read and checked before any
// OpenSSL object exists: protocol versions, ciphers, pinned fingerprints,
// verification, trusted CAs, and the names to verify and to send as SNI.
#pragma once

#include <interimap/config.hpp>
#include <interimap/result.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace interimap::tls {

/// A protocol version as written in the configuration and OpenSSL's number.
struct ProtocolVersion {
    std::string name; ///< "TLSv1.2"
    int number = 0;   ///< TLS1_2_VERSION
};

/// The OpenSSL number of a protocol name of SSL_protocol_min/max (SSLv3,
/// TLSv1, TLSv1.1, TLSv1.2, TLSv1.3); nullopt for anything else.
std::optional<ProtocolVersion> protocol_version(std::string_view name);

/// The versions a deprecated SSL_protocols list leaves, as one range: the
/// listed versions are enabled and all others disabled, "!V" disables V
/// (SSLv2, which OpenSSL no longer knows, changes nothing), and when the
/// enabled versions have a gap OpenSSL keeps the lowest contiguous run,
/// which is what is returned. Fails when the list enables nothing.
Result<std::pair<ProtocolVersion, ProtocolVersion>> protocols_to_range(std::string_view list);

/// One SSL_fingerprint entry: a digest of the server's SubjectPublicKeyInfo.
struct Fingerprint {
    std::string algorithm; ///< as written, "sha256" when omitted
    std::string digest;    ///< lower-case hexadecimal

    /// "sha256$0123..." as in the configuration.
    std::string text() const { return algorithm + "$" + digest; }
};

/// Parses SSL_fingerprint: space-separated `[ALGO$]DIGEST_HEX`.
Result<std::vector<Fingerprint>> parse_fingerprints(std::string_view list);

struct TlsOptions {
    std::optional<ProtocolVersion> min_version;
    std::optional<ProtocolVersion> max_version;
    /// The range came from the deprecated SSL_protocols.
    bool from_deprecated_protocols = false;
    std::optional<std::string> cipherlist;   ///< SSL_cipherlist (TLS 1.2 and below)
    std::optional<std::string> ciphersuites; ///< SSL_ciphersuites (TLS 1.3), may be empty
    std::vector<Fingerprint> fingerprints;   ///< SSL_fingerprint, empty when unset
    bool verify = true;                      ///< SSL_verify
    std::optional<std::string> ca_file;      ///< SSL_CAfile
    std::optional<std::string> ca_path;      ///< SSL_CApath
    /// The `host` option (default localhost) without brackets: the name or
    /// address the certificate must be for.
    std::string host;
    bool host_is_ip = false;
    /// SNI: SSL_hostname when set, else `host` unless it is an IP literal;
    /// empty means no SNI.
    std::string server_name;
};

/// Reads the SSL_* options and `host` of `section`. Errors are
/// ErrorCode::config and name the file, line and option.
Result<TlsOptions> read_tls_options(const ConfigSection& section);

} // namespace interimap::tls
