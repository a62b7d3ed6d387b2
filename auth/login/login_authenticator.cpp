#include "login_authenticator.hpp"

namespace interimap::auth {

Result<AuthStart> LoginAuthenticator::start(const Credentials& credentials) {
    if (!credentials.username)
        return Fail(ErrorCode::config, "Missing option username");
    if (!credentials.password)
        return Fail(ErrorCode::config, "Missing option password");
    return AuthStart(LoginCommand{*credentials.username, *credentials.password});
}

Result<std::string> LoginAuthenticator::step(std::string_view) {
    return Fail(ErrorCode::protocol, "LOGIN: unexpected continuation request from the server");
}

} // namespace interimap::auth
