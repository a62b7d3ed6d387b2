// The plugin's entry point: the "deflate" compression (COMPRESS=DEFLATE).
#include "deflate_compression.hpp"

#include <interimap/plugin.hpp>

namespace {

const interimap::PluginDescriptor descriptor = {
    .abi_version = interimap::kPluginAbiVersion,
    .kind = interimap::PluginKind::compression,
    .name = "deflate",
    .summary = "compresses the IMAP connection with raw deflate (COMPRESS=DEFLATE, RFC 4978)",
    .make_compression =
        [] { return interimap::CompressionPtr(new interimap::deflate::DeflateCompression); },
};

} // namespace

INTERIMAP_PLUGIN(descriptor)
