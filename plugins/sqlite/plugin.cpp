// The plugin's entry point: the "sqlite" state store.
#include "sqlite_store_factory.hpp"

#include <interimap/plugin.hpp>

namespace {

const interimap::PluginDescriptor descriptor = {
    .abi_version = interimap::kPluginAbiVersion,
    .kind = interimap::PluginKind::state_store,
    .name = "sqlite",
    .summary = "keeps the synchronisation state in an SQLite database (interimap 0.5 schema)",
    .make_state_store =
        [] { return interimap::StateStoreFactoryPtr(new interimap::sqlite::SqliteStoreFactory); },
};

} // namespace

INTERIMAP_PLUGIN(descriptor)
