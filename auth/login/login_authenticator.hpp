// The IMAP LOGIN command (RFC 3501 6.2.3). Named "LOGIN" in the `auth`
// option, as in the reference: always available unless the server advertises
// LOGINDISABLED (the core checks that), never a SASL exchange.
#pragma once

#include <interimap/authenticator.hpp>

namespace interimap::auth {

class LoginAuthenticator final : public Authenticator {
public:
    std::string_view mechanism() const override { return "LOGIN"; }
    bool requires_advertisement() const override { return false; }

    /// LoginCommand with the credentials. Fails (ErrorCode::config) with
    /// "Missing option username" / "Missing option password".
    Result<AuthStart> start(const Credentials& credentials) override;

    /// LOGIN has no challenges: always an error.
    Result<std::string> step(std::string_view challenge) override;
};

} // namespace interimap::auth
