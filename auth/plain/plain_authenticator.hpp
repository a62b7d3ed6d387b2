// SASL PLAIN (RFC 4616) for AUTHENTICATE PLAIN: the payload is
// "\0USERNAME\0PASSWORD" (no authorization identity). Usable only when the
// server advertises AUTH=PLAIN.
#pragma once

#include <interimap/authenticator.hpp>
#include <optional>
#include <string>

namespace interimap::auth {

class PlainAuthenticator final : public Authenticator {
public:
    std::string_view mechanism() const override { return "PLAIN"; }
    bool requires_advertisement() const override { return true; }

    /// SaslStart whose initial response is the PLAIN payload. Fails
    /// (ErrorCode::config) with "Missing option username" / "... password".
    Result<AuthStart> start(const Credentials& credentials) override;

    /// The payload again, once: for a server that sends a challenge where the
    /// initial response was expected. Any further challenge is an auth error.
    Result<std::string> step(std::string_view challenge) override;

private:
    std::optional<std::string> payload_;
    bool answered_ = false;
};

} // namespace interimap::auth
