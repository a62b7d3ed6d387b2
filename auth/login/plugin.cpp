// The LOGIN authenticator plugin's one exported symbol.
#include "login_authenticator.hpp"

#include <interimap/plugin.hpp>

namespace {

const interimap::PluginDescriptor descriptor = {
    .abi_version = interimap::kPluginAbiVersion,
    .kind = interimap::PluginKind::authenticator,
    .name = "LOGIN",
    .summary = "the IMAP LOGIN command (unless the server advertises LOGINDISABLED)",
    .make_authenticator =
        [] { return interimap::AuthenticatorPtr(new interimap::auth::LoginAuthenticator); },
};

} // namespace

INTERIMAP_PLUGIN(descriptor)
