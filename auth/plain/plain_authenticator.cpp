#include "plain_authenticator.hpp"

#include <utility>

namespace interimap::auth {

Result<AuthStart> PlainAuthenticator::start(const Credentials& credentials) {
    if (!credentials.username)
        return Fail(ErrorCode::config, "Missing option username");
    if (!credentials.password)
        return Fail(ErrorCode::config, "Missing option password");
    std::string payload;
    payload.reserve(credentials.username->size() + credentials.password->size() + 2);
    payload += '\0'; // empty authorization identity: act as the user itself
    payload += *credentials.username;
    payload += '\0';
    payload += *credentials.password;
    payload_ = payload;
    answered_ = false;
    return AuthStart(SaslStart{std::move(payload)});
}

Result<std::string> PlainAuthenticator::step(std::string_view) {
    if (!payload_)
        return Fail(ErrorCode::internal, "AUTHENTICATE PLAIN: challenge before start");
    // PLAIN is a single message; a second challenge means the server did not
    // accept it. Never send the credentials twice.
    if (answered_)
        return Fail(ErrorCode::auth, "AUTHENTICATE PLAIN: unexpected second challenge");
    answered_ = true;
    return *payload_;
}

} // namespace interimap::auth
