// The TLS transport plugin's one exported symbol.
#include "tls_transport.hpp"

#include <interimap/plugin.hpp>

namespace {

const interimap::PluginDescriptor descriptor = {
    .abi_version = interimap::kPluginAbiVersion,
    .kind = interimap::PluginKind::transport,
    .name = "tls",
    .summary = "TLS with OpenSSL over the stream beneath it (type=imaps)",
    .make_transport = [] { return interimap::TransportPtr(new interimap::tls::TlsTransport); },
};

} // namespace

INTERIMAP_PLUGIN(descriptor)
