// The SOCKS5 transport plugin's one exported symbol.
#include "socks5_transport.hpp"

#include <interimap/plugin.hpp>

namespace {

const interimap::PluginDescriptor descriptor = {
    .abi_version = interimap::kPluginAbiVersion,
    .kind = interimap::PluginKind::transport,
    .name = "socks5",
    .summary = "connects to an IMAP server through a SOCKS5 proxy (the proxy option)",
    .make_transport =
        [] { return interimap::TransportPtr(new interimap::socks5::Socks5Transport); },
};

} // namespace

INTERIMAP_PLUGIN(descriptor)
