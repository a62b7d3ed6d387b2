// Authentication mechanisms. The core chooses the mechanism (the first of the
// `auth` option the server allows), speaks the IMAP side (LOGIN or
// AUTHENTICATE, SASL-IR, base64) and asks the plugin only for the payloads.
#pragma once

#include <interimap/export.hpp>
#include <interimap/result.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace interimap {

struct Credentials {
    std::optional<std::string> username;
    std::optional<std::string> password;
};

/// Authenticate with the IMAP LOGIN command (RFC 3501 6.2.3).
struct LoginCommand {
    std::string username;
    std::string password;
};

/// Authenticate with AUTHENTICATE <mechanism>. `initial_response` (raw bytes,
/// the core base64-encodes them) is sent inline when the server has SASL-IR,
/// otherwise as the answer to the first empty challenge.
struct SaslStart {
    std::optional<std::string> initial_response;
};

using AuthStart = std::variant<LoginCommand, SaslStart>;

class INTERIMAP_EXPORT Authenticator {
public:
    virtual ~Authenticator();

    /// Mechanism name as written in the `auth` option ("PLAIN", "LOGIN").
    virtual std::string_view mechanism() const = 0;

    /// True for SASL mechanisms, usable only if the server advertises
    /// AUTH=<mechanism>; false for the LOGIN command, which every IMAP4rev1
    /// server has unless it advertises LOGINDISABLED.
    virtual bool requires_advertisement() const = 0;

    /// How to begin; fails (ErrorCode::config) when a credential is missing.
    virtual Result<AuthStart> start(const Credentials& credentials) = 0;

    /// The answer (raw bytes) to a server challenge (already base64-decoded).
    virtual Result<std::string> step(std::string_view challenge) = 0;
};

using AuthenticatorPtr = std::unique_ptr<Authenticator>;

} // namespace interimap
