// The plugin descriptor: the one symbol a plugin exports. The loader checks
// `abi_version` before reading anything else, so the first field never moves.
//
// A plugin source file ends with:
//
//     static const interimap::PluginDescriptor descriptor = {
//         .abi_version = interimap::kPluginAbiVersion,
//         .kind = interimap::PluginKind::transport,
//         .name = "tunnel",
//         .summary = "connects to a command's standard input and output",
//         .make_transport = [] { return interimap::TransportPtr(new TunnelTransport); },
//     };
//     INTERIMAP_PLUGIN(descriptor)
//
// ABI policy. The SDK is this directory's headers and the symbols of
// libinterimap-core they declare; nothing else of the library (the engine the
// programs use) is promised to plugins.
//
// * kPluginAbiVersion is bumped, and with it the SOVERSION of
//   libinterimap-core (and so the Debian package libinterimap-coreN), whenever
//   a header of this directory changes in a way that alters the layout or
//   virtual table of a type a plugin sees (adding or reordering a virtual
//   method, a field of a struct, an enum value in the middle), removes or
//   changes the signature of an exported function, or changes a contract a
//   plugin relies on (who owns what, what a call may block on). The loader
//   refuses a plugin built for another kPluginAbiVersion, naming both versions.
// * Adding a free inline function, a new header, a new exported function or
//   an enum value at the end bumps neither: plugins built before keep working.
//   A plugin built against the newer SDK may need the newer library, which
//   is why the project version (kSdkVersion) goes up at least in its minor
//   number, and a binary package of such a plugin depends on that version.
// * find_package(InterIMAP X.Y) accepts an SDK of the same X.Y only
//   (InterIMAPConfigVersion.cmake, SameMinorVersion): a 0.x minor release may
//   bump the ABI.
#pragma once

#include <boost/dll/alias.hpp>
#include <cstdint>
#include <interimap/authenticator.hpp>
#include <interimap/compression.hpp>
#include <interimap/export.hpp>
#include <interimap/state_store.hpp>
#include <interimap/transport.hpp>

namespace interimap {

/// The ABI version this SDK defines.
inline constexpr std::uint32_t kPluginAbiVersion = 1;

/// The project version the SDK headers come from.
inline constexpr const char* kSdkVersion = "0.6.0";

enum class PluginKind : std::uint32_t {
    transport = 1,     ///< make_transport: tcp, tunnel, tls, socks5
    authenticator = 2, ///< make_authenticator: PLAIN, LOGIN
    state_store = 3,   ///< make_state_store: sqlite
    compression = 4,   ///< make_compression: deflate
};

inline const char* plugin_kind_name(PluginKind kind) {
    switch (kind) {
    case PluginKind::transport:
        return "transport";
    case PluginKind::authenticator:
        return "authenticator";
    case PluginKind::state_store:
        return "state store";
    case PluginKind::compression:
        return "compression";
    }
    return "unknown";
}

struct PluginDescriptor {
    /// Must be kPluginAbiVersion of the SDK the plugin was built with.
    std::uint32_t abi_version = 0;
    PluginKind kind = PluginKind::transport;
    /// Name used in the configuration ("tunnel", "PLAIN", "sqlite").
    const char* name = nullptr;
    /// One line for `--version`.
    const char* summary = nullptr;
    /// Exactly one factory is set, matching `kind`.
    TransportPtr (*make_transport)() = nullptr;
    AuthenticatorPtr (*make_authenticator)() = nullptr;
    StateStoreFactoryPtr (*make_state_store)() = nullptr;
    CompressionPtr (*make_compression)() = nullptr;
};

/// The function each plugin exports under the name kPluginEntryPoint.
using PluginEntryPoint = const PluginDescriptor*();

inline constexpr const char* kPluginEntryPoint = "interimap_plugin_descriptor";

} // namespace interimap

/// Exports `descriptor` (a PluginDescriptor with static storage) as the
/// plugin's entry point, through Boost.DLL.
#define INTERIMAP_PLUGIN(descriptor)                                                               \
    namespace {                                                                                    \
    const ::interimap::PluginDescriptor* interimap_plugin_entry_() {                               \
        return &(descriptor);                                                                      \
    }                                                                                              \
    }                                                                                              \
    BOOST_DLL_ALIAS(interimap_plugin_entry_, interimap_plugin_descriptor)
