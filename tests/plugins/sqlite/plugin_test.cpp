// The built plugin module, loaded the way the program loads plugins.
#include "plugin/loader.hpp"
#include "sqlite_store_factory.hpp"
#include "sqlite_test_support.hpp"

#include <boost/dll/shared_library.hpp>
#include <gtest/gtest.h>
#include <interimap/plugin.hpp>

namespace interimap::sqlite::test {
namespace {

const char* kPluginFile = INTERIMAP_BUILD_PLUGIN_DIR "/interimap-sqlite.so";

TEST(SqlitePlugin, ExportsAStateStoreDescriptorNamedSqlite) {
    boost::dll::shared_library library(kPluginFile);
    auto& entry = library.get_alias<PluginEntryPoint>(kPluginEntryPoint);
    const PluginDescriptor* descriptor = entry();
    ASSERT_NE(descriptor, nullptr);
    EXPECT_EQ(descriptor->abi_version, kPluginAbiVersion);
    EXPECT_EQ(descriptor->kind, PluginKind::state_store);
    EXPECT_STREQ(descriptor->name, "sqlite");
    EXPECT_NE(descriptor->summary, nullptr);
    EXPECT_NE(descriptor->make_state_store, nullptr);
    EXPECT_EQ(descriptor->make_transport, nullptr);
    EXPECT_EQ(descriptor->make_authenticator, nullptr);
    EXPECT_EQ(descriptor->make_compression, nullptr);
}

TEST(SqlitePlugin, ItsFactoryOpensAWorkingStore) {
    TempDir dir;
    const auto path = dir / "host.db";
    boost::dll::shared_library library(kPluginFile);
    const PluginDescriptor* descriptor = library.get_alias<PluginEntryPoint>(kPluginEntryPoint)();
    ASSERT_NE(descriptor->make_state_store, nullptr);
    {
        StateStoreFactoryPtr factory = descriptor->make_state_store();
        RecordingLogger logger;
        auto store = factory->open(path, logger);
        ASSERT_TRUE(store) << store.error().message;
        EXPECT_EQ(logger.records.size(), 1u);
        ASSERT_TRUE((*store)->add_mailbox("INBOX", true));
        ASSERT_TRUE((*store)->commit());
        // The lock works across copies of the code: the test's own.
        SqliteStoreFactory ours;
        auto second = ours.open(path, logger);
        ASSERT_FALSE(second);
        EXPECT_EQ(second.error().code, ErrorCode::locked);
    }
    RawDatabase raw(path);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM mailboxes WHERE mailbox = CAST('INBOX' AS BLOB)"),
              1);
}

TEST(SqlitePlugin, TheProgramsLoaderMakesTheStateStoreNamedSqlite) {
    TempDir dir;
    plugin::PluginLoader loader({INTERIMAP_BUILD_PLUGIN_DIR});
    auto factory = loader.make_state_store("sqlite");
    ASSERT_TRUE(factory) << factory.error().message;
    NullLogger logger;
    auto store = (*factory)->open(dir / "host.db", logger);
    ASSERT_TRUE(store) << store.error().message;
    auto id = (*store)->add_mailbox(stored_name({"Archive", "2024"}), false);
    ASSERT_TRUE(id);
    auto found = (*store)->find_mailbox(stored_name({"Archive", "2024"}));
    ASSERT_TRUE(found && found->has_value());
    EXPECT_EQ((*found)->id, *id);
}

} // namespace
} // namespace interimap::sqlite::test
