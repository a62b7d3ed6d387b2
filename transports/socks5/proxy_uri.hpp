// The `proxy` option: socks5://[USER[:PASSWORD]@]HOST[:PORT], or socks5h://
// to let the proxy resolve the destination's name. Parsed as the reference
// does: the user information runs to the last '@' and splits at its first
// ':', with no percent-decoding; the port may be a service name.
#pragma once

#include "endpoint.hpp"

#include <interimap/result.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace interimap::socks5 {

/// RFC 1929 username/password. Never written into a message or a log.
struct Credentials {
    std::string username;
    std::string password;
};

struct ProxyUri {
    /// socks5h://: the destination's name goes to the proxy (ATYP 3).
    bool proxy_resolves = false;
    Host host;
    std::string port = "1080";
    /// Set when the URI has a user part ("USER@" or "USER:PASSWORD@").
    std::optional<Credentials> credentials;

    /// "HOST:PORT", for messages.
    std::string display() const { return endpoint(host, port); }
};

/// Fails (ErrorCode::config) with a message that never shows the user part.
Result<ProxyUri> parse_proxy_uri(std::string_view value);

/// `value` with everything before the host's '@' after "SCHEME://" replaced
/// by [REDACTED], for messages about a URI that may hold a password.
std::string redact_proxy_uri(std::string_view value);

} // namespace interimap::socks5
