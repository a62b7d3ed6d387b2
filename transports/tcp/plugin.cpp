// The TCP transport plugin's one exported symbol.
#include "tcp_transport.hpp"

#include <interimap/plugin.hpp>

namespace {

const interimap::PluginDescriptor descriptor = {
    .abi_version = interimap::kPluginAbiVersion,
    .kind = interimap::PluginKind::transport,
    .name = "tcp",
    .summary = "connects to an IMAP server over TCP (IPv4 or IPv6)",
    .make_transport = [] { return interimap::TransportPtr(new interimap::tcp::TcpTransport); },
};

} // namespace

INTERIMAP_PLUGIN(descriptor)
