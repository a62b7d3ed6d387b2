// The built plugin exports one descriptor naming the tls transport.
#include <boost/dll/shared_library.hpp>
#include <gtest/gtest.h>
#include <interimap/plugin.hpp>
#include <string>

namespace {

TEST(TlsPlugin, ExportsATransportDescriptor) {
    boost::dll::shared_library library(std::string(INTERIMAP_BUILD_PLUGIN_DIR) +
                                       "/interimap-tls.so");
    auto& entry = library.get_alias<interimap::PluginEntryPoint>(interimap::kPluginEntryPoint);
    const interimap::PluginDescriptor* descriptor = entry();
    ASSERT_NE(descriptor, nullptr);
    EXPECT_EQ(descriptor->abi_version, interimap::kPluginAbiVersion);
    EXPECT_EQ(descriptor->kind, interimap::PluginKind::transport);
    EXPECT_STREQ(descriptor->name, "tls");
    ASSERT_NE(descriptor->make_transport, nullptr);
    EXPECT_EQ(descriptor->make_authenticator, nullptr);
    EXPECT_TRUE(descriptor->make_transport());
}

} // namespace
