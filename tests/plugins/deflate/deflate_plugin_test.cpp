// The built plugin module, loaded the way the program loads plugins.
#include "plugin/loader.hpp"
#include "raw_deflate_peer.hpp"
#include "support/scripted_server.hpp"

#include <boost/dll/shared_library.hpp>
#include <cstdio>
#include <gtest/gtest.h>
#include <interimap/plugin.hpp>
#include <string>
#include <sys/socket.h>

namespace interimap::deflate::test {
namespace {

const char* kPluginFile = INTERIMAP_BUILD_PLUGIN_DIR "/interimap-deflate.so";

TEST(DeflatePlugin, ExportsACompressionDescriptorNamedDeflate) {
    boost::dll::shared_library library(kPluginFile);
    auto& entry = library.get_alias<PluginEntryPoint>(kPluginEntryPoint);
    const PluginDescriptor* descriptor = entry();
    ASSERT_NE(descriptor, nullptr);
    EXPECT_EQ(descriptor->abi_version, kPluginAbiVersion);
    EXPECT_EQ(descriptor->kind, PluginKind::compression);
    EXPECT_STREQ(descriptor->name, "deflate");
    EXPECT_NE(descriptor->summary, nullptr);
    ASSERT_NE(descriptor->make_compression, nullptr);
    EXPECT_EQ(descriptor->make_transport, nullptr);
    EXPECT_EQ(descriptor->make_authenticator, nullptr);
    EXPECT_EQ(descriptor->make_state_store, nullptr);
    EXPECT_EQ(descriptor->make_compression()->algorithm(), "DEFLATE");
}

TEST(DeflatePlugin, TheProgramsLoaderMakesACompressionThatWorks) {
    plugin::PluginLoader loader({INTERIMAP_BUILD_PLUGIN_DIR});
    auto compression = loader.make_compression("deflate");
    ASSERT_TRUE(compression) << compression.error().message;
    EXPECT_EQ((*compression)->algorithm(), "DEFLATE");

    int fds[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    RawDeflatePeer peer(fds[1]);
    auto stream = (*compression)->wrap(std::make_unique<testing::SocketStream>(fds[0]));
    ASSERT_TRUE(stream) << stream.error().message;
    EXPECT_EQ((*stream)->describe(), "deflate over socketpair");
    const std::string command = "a1 NOOP\r\n";
    auto r = (*stream)->write(std::as_bytes(std::span(command.data(), command.size())));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->bytes, command.size());
    while (peer.received.size() < command.size())
        ASSERT_TRUE(peer.receive_waiting());
    EXPECT_EQ(peer.received, command);
}

TEST(DeflatePlugin, InterimapVersionListsIt) {
    const std::string command = std::string(INTERIMAP_BINARY_DIR) + "/bin/interimap --version";
    FILE* pipe = ::popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string output;
    char buffer[4096];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe))
        output.append(buffer, n);
    EXPECT_EQ(::pclose(pipe), 0);
    EXPECT_NE(output.find("  deflate (compression): compresses the IMAP connection"),
              std::string::npos)
        << output;
}

} // namespace
} // namespace interimap::deflate::test
