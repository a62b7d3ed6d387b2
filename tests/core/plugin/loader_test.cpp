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

/// Directories as the build compiles them in, with a real build library
/// directory (the search path compares directories, which must exist).
plugin::PluginDirectories test_directories(const fs::path& build_library_dir) {
    return {build_library_dir, "/build/plugins", "/usr/lib/interimap/plugins", "interimap/plugins"};
}

TEST(PluginSearchPath, EnvironmentThenBuildTreeThenInstallDirectory) {
    fs::path build_lib = fs::path(INTERIMAP_BINARY_DIR) / "core";
    auto path = plugin::make_search_path("/a:/b::", build_lib / "libinterimap-core.so.0",
                                         test_directories(build_lib));
    EXPECT_EQ(path,
              (std::vector<fs::path>{"/a", "/b", "/build/plugins", "/usr/lib/interimap/plugins"}));
}

TEST(PluginSearchPath, InstalledLibraryIgnoresTheBuildTree) {
    fs::path build_lib = fs::path(INTERIMAP_BINARY_DIR) / "core";
    auto path = plugin::make_search_path(std::nullopt, "/usr/lib/libinterimap-core.so.0",
                                         test_directories(build_lib));
    EXPECT_EQ(path, (std::vector<fs::path>{"/usr/lib/interimap/plugins"}));
}

// `cmake --install build --prefix build/stage` puts an installed copy below
// the build directory: it must still use its own plugins, not the build's.
TEST(PluginSearchPath, CopyInstalledBelowTheBuildTreeUsesItsOwnPlugins) {
    fs::path build_lib = fs::path(INTERIMAP_BINARY_DIR) / "core";
    fs::path staged = fs::path(INTERIMAP_BINARY_DIR) / "stage/lib";
    auto path = plugin::make_search_path(std::nullopt, staged / "libinterimap-core.so.0",
                                         test_directories(build_lib));
    EXPECT_EQ(path, (std::vector<fs::path>{staged / "interimap/plugins"}));
}

// Once the build tree is removed nothing can match it, and the install
// directory beside the (moved) library is used.
TEST(PluginSearchPath, MissingBuildTreeIsNeverSearched) {
    auto path = plugin::make_search_path(std::nullopt, "/opt/imap/lib/libinterimap-core.so.0",
                                         test_directories("/nonexistent/build/core"));
    EXPECT_EQ(path, (std::vector<fs::path>{"/opt/imap/lib/interimap/plugins"}));
}

TEST(PluginSearchPath, UnknownLibraryFallsBackToTheConfiguredInstallDirectory) {
    auto path = plugin::make_search_path("/a", "", test_directories("/nonexistent/build/core"));
    EXPECT_EQ(path, (std::vector<fs::path>{"/a", "/usr/lib/interimap/plugins"}));
}

// This test links the build tree's core library, so its own search path is
// the build tree's.
TEST(PluginSearchPath, TestsRunFromTheBuildTreeSearchItsPlugins) {
    auto path = plugin::default_search_path();
    ASSERT_FALSE(path.empty());
    EXPECT_EQ(path.front(), fs::path(INTERIMAP_BUILD_PLUGIN_DIR));
}

TEST(PluginSearchPath, FileNameIsLowerCase) {
    EXPECT_EQ(plugin::plugin_file_name("PLAIN"), "interimap-plain.so");
}

} // namespace
} // namespace interimap
