#include "config/xdg.hpp"
#include "temp_env.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

namespace interimap::config {
namespace {

TEST(Xdg, VariableGivesTheBaseDirectory) {
    testing::TempDir dir;
    testing::ScopedEnv env("XDG_CONFIG_HOME", dir.path().string());
    auto base = xdg_base_directory(XdgDirectory::config);
    ASSERT_TRUE(base) << base.error().message;
    EXPECT_EQ(*base, dir.path());
}

TEST(Xdg, UnsetEmptyOrRelativeVariableFallsBackToHome) {
    testing::TempDir dir;
    std::filesystem::create_directories(dir.path() / ".local/share");
    std::filesystem::create_directories(dir.path() / ".config");
    testing::ScopedEnv home("HOME", dir.path().string());
    for (std::optional<std::string> value :
         {std::optional<std::string>(), std::optional<std::string>(""),
          std::optional<std::string>("relative/dir")}) {
        testing::ScopedEnv data("XDG_DATA_HOME", value);
        testing::ScopedEnv config("XDG_CONFIG_HOME", value);
        EXPECT_EQ(*xdg_base_directory(XdgDirectory::data), dir.path() / ".local/share");
        EXPECT_EQ(*xdg_base_directory(XdgDirectory::config), dir.path() / ".config");
    }
}

TEST(Xdg, MissingBaseDirectoryIsAnError) {
    testing::TempDir dir;
    testing::ScopedEnv env("XDG_DATA_HOME", (dir.path() / "missing").string());
    auto base = xdg_base_directory(XdgDirectory::data);
    ASSERT_FALSE(base);
    EXPECT_EQ(base.error().code, ErrorCode::not_found);
    EXPECT_EQ(base.error().message, "No such directory: " + (dir.path() / "missing").string());
}

TEST(Xdg, ResolveKeepsAbsolutePathsWithoutLookingAtTheBase) {
    testing::ScopedEnv env("XDG_DATA_HOME", "/nonexistent/base");
    auto p = xdg_resolve(XdgDirectory::data, "interimap", "/abs/file.db", true);
    ASSERT_TRUE(p);
    EXPECT_EQ(*p, std::filesystem::path("/abs/file.db"));
}

TEST(Xdg, ResolveCreatesTheProgramDirectoryOnlyWhenAsked) {
    testing::TempDir dir;
    testing::ScopedEnv env("XDG_DATA_HOME", dir.path().string());
    auto p = xdg_resolve(XdgDirectory::data, "interimap", "x.db", false);
    ASSERT_TRUE(p);
    EXPECT_EQ(*p, dir.path() / "interimap/x.db");
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "interimap"));

    p = xdg_resolve(XdgDirectory::data, "interimap", "x.db", true);
    ASSERT_TRUE(p);
    struct stat st {};
    ASSERT_EQ(::stat((dir.path() / "interimap").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST(Xdg, ResolveReportsAFailedCreation) {
    testing::TempDir dir;
    testing::ScopedEnv env("XDG_DATA_HOME", dir.path().string());
    std::string long_name(300, 'x'); // longer than NAME_MAX, even for root
    auto p = xdg_resolve(XdgDirectory::data, long_name, "x.db", true);
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().code, ErrorCode::io);
    EXPECT_EQ(p.error().message,
              "Couldn't create " + (dir.path() / long_name).string() + ": File name too long");
}

} // namespace
} // namespace interimap::config
