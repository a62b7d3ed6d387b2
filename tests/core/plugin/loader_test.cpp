#include "plugin/loader.hpp"
#include "plugin/search_path.hpp"

#include <filesystem>
#include <gtest/gtest.h>

namespace interimap {
namespace {

namespace fs = std::filesystem;
using plugin::PluginLoader;

PluginLoader test_loader() {
    return PluginLoader({TEST_PLUGIN_DIR});
}

TEST(PluginLoader, LoadsAPluginAndCallsItsFactory) {
    auto loader = test_loader();
    auto t = loader.make_transport("echo");
    ASSERT_TRUE(t) << t.error().message;
    NullLogger log;
    ConfigSection section;
    ConnectRequest req{section, log, {}};
    auto r = (*t)->connect(req, nullptr);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "echo needs a lower stream");
}

TEST(PluginLoader, RefusesAPluginBuiltForAnotherAbiVersion) {
    auto loader = test_loader();
    auto t = loader.make_transport("future");
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error().code, ErrorCode::abi_mismatch);
    const std::string& m = t.error().message;
    EXPECT_NE(m.find("plugin future"), std::string::npos) << m;
    EXPECT_NE(m.find(std::string(TEST_PLUGIN_DIR) + "/interimap-future.so"), std::string::npos)
        << m;
    EXPECT_NE(m.find("ABI version " + std::to_string(kPluginAbiVersion + 1)), std::string::npos)
        << m;
    EXPECT_NE(m.find("expected version " + std::to_string(kPluginAbiVersion)), std::string::npos)
        << m;
}

TEST(PluginLoader, MissingPluginNamesTheSearchPath) {
    PluginLoader loader({"/nonexistent/a", TEST_PLUGIN_DIR});
    auto t = loader.make_transport("tls");
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error().code, ErrorCode::not_found);
    const std::string& m = t.error().message;
    EXPECT_NE(m.find("plugin tls"), std::string::npos) << m;
    EXPECT_NE(m.find("interimap-tls.so"), std::string::npos) << m;
    EXPECT_NE(m.find("/nonexistent/a:" + std::string(TEST_PLUGIN_DIR)), std::string::npos) << m;
}

TEST(PluginLoader, SharedObjectWithoutDescriptorIsRefused) {
    auto loader = test_loader();
    auto t = loader.make_transport("notaplugin");
    ASSERT_FALSE(t);
    EXPECT_NE(t.error().message.find("is not an interimap plugin"), std::string::npos)
        << t.error().message;
}

TEST(PluginLoader, PluginOfAnotherKindIsRefused) {
    auto loader = test_loader();
    auto a = loader.make_authenticator("echo");
    ASSERT_FALSE(a);
    EXPECT_NE(a.error().message.find("provides transport \"echo\", expected authenticator"),
              std::string::npos)
        << a.error().message;
}

TEST(PluginLoader, FirstDirectoryOfTheSearchPathWins) {
    PluginLoader loader({TEST_PLUGIN_DIR, INTERIMAP_BUILD_PLUGIN_DIR});
    auto p = loader.load("echo", PluginKind::transport);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->file, fs::path(TEST_PLUGIN_DIR) / "interimap-echo.so");
    auto tunnel = loader.load("tunnel", PluginKind::transport);
    ASSERT_TRUE(tunnel) << tunnel.error().message;
    EXPECT_EQ(tunnel->file.parent_path(), fs::path(INTERIMAP_BUILD_PLUGIN_DIR));
}

TEST(PluginLoader, DiscoverReportsUsableAndBrokenPlugins) {
    auto loader = test_loader();
    auto found = loader.discover();
    std::map<std::string, std::string> problems;
    for (const auto& p : found)
        problems[p.name] = p.problem;
    ASSERT_EQ(problems.count("echo"), 1u);
    EXPECT_EQ(problems["echo"], "");
    ASSERT_EQ(problems.count("future"), 1u);
    EXPECT_NE(problems["future"], "");
    ASSERT_EQ(problems.count("notaplugin"), 1u);
    EXPECT_NE(problems["notaplugin"], "");
}

TEST(PluginSearchPath, EnvironmentThenBuildTreeThenInstallDirectory) {
    auto path = plugin::make_search_path("/a:/b::", "/build/bin/interimap", "/build",
                                         "/build/plugins", "/usr/lib/interimap/plugins");
    EXPECT_EQ(path,
              (std::vector<fs::path>{"/a", "/b", "/build/plugins", "/usr/lib/interimap/plugins"}));
}

TEST(PluginSearchPath, InstalledProgramIgnoresTheBuildTree) {
    auto path = plugin::make_search_path(std::nullopt, "/usr/bin/interimap", "/build",
                                         "/build/plugins", "/usr/lib/interimap/plugins");
    EXPECT_EQ(path, (std::vector<fs::path>{"/usr/lib/interimap/plugins"}));
}

TEST(PluginSearchPath, FileNameIsLowerCase) {
    EXPECT_EQ(plugin::plugin_file_name("PLAIN"), "interimap-plain.so");
}

} // namespace
} // namespace interimap
