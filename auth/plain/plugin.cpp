// The PLAIN authenticator plugin's one exported symbol.
#include "plain_authenticator.hpp"

#include <interimap/plugin.hpp>

namespace {

const interimap::PluginDescriptor descriptor = {
    .abi_version = interimap::kPluginAbiVersion,
    .kind = interimap::PluginKind::authenticator,
    .name = "PLAIN",
    .summary = "SASL PLAIN (AUTHENTICATE PLAIN, with SASL-IR when available)",
    .make_authenticator =
        [] { return interimap::AuthenticatorPtr(new interimap::auth::PlainAuthenticator); },
};

} // namespace

INTERIMAP_PLUGIN(descriptor)
