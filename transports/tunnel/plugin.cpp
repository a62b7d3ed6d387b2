// The tunnel transport plugin's one exported symbol.
#include "tunnel_transport.hpp"

#include <interimap/plugin.hpp>

namespace {

const interimap::PluginDescriptor descriptor = {
    .abi_version = interimap::kPluginAbiVersion,
    .kind = interimap::PluginKind::transport,
    .name = "tunnel",
    .summary = "connects to a command's standard input and output",
    .make_transport =
        [] { return interimap::TransportPtr(new interimap::tunnel::TunnelTransport); },
};

} // namespace

INTERIMAP_PLUGIN(descriptor)
