// The LOGIN command: credentials handed to the core, no challenges.
#include "login_authenticator.hpp"

#include <boost/dll/shared_library.hpp>
#include <gtest/gtest.h>
#include <interimap/plugin.hpp>
#include <string>
#include <variant>

namespace interimap::auth {
namespace {

TEST(LoginAuthenticator, IsTheLoginCommandNeedingNoAdvertisement) {
    LoginAuthenticator login;
    EXPECT_EQ(login.mechanism(), "LOGIN");
    EXPECT_FALSE(login.requires_advertisement());
}

TEST(LoginAuthenticator, StartsWithTheLoginCommand) {
    LoginAuthenticator login;
    Result<AuthStart> start = login.start(Credentials{"alice", "s3cret \"pass\""});
    ASSERT_TRUE(start);
    const LoginCommand* command = std::get_if<LoginCommand>(&*start);
    ASSERT_NE(command, nullptr);
    EXPECT_EQ(command->username, "alice");
    EXPECT_EQ(command->password, "s3cret \"pass\"");
}

TEST(LoginAuthenticator, MissingUsernameIsAConfigError) {
    LoginAuthenticator login;
    Result<AuthStart> start = login.start(Credentials{std::nullopt, "secret"});
    ASSERT_FALSE(start);
    EXPECT_EQ(start.error().code, ErrorCode::config);
    EXPECT_EQ(start.error().message, "Missing option username");
}

TEST(LoginAuthenticator, MissingPasswordIsAConfigError) {
    LoginAuthenticator login;
    Result<AuthStart> start = login.start(Credentials{"alice", std::nullopt});
    ASSERT_FALSE(start);
    EXPECT_EQ(start.error().code, ErrorCode::config);
    EXPECT_EQ(start.error().message, "Missing option password");
}

TEST(LoginAuthenticator, UsernameIsReportedFirstWhenBothAreMissing) {
    LoginAuthenticator login;
    Result<AuthStart> start = login.start(Credentials{});
    ASSERT_FALSE(start);
    EXPECT_EQ(start.error().message, "Missing option username");
}

TEST(LoginAuthenticator, AnyChallengeIsAnError) {
    LoginAuthenticator login;
    ASSERT_TRUE(login.start(Credentials{"alice", "secret"}));
    Result<std::string> step = login.step("");
    ASSERT_FALSE(step);
    EXPECT_EQ(step.error().code, ErrorCode::protocol);
    EXPECT_EQ(step.error().message.find("secret"), std::string::npos);
}

TEST(LoginPlugin, ExportsAnAuthenticatorDescriptor) {
    boost::dll::shared_library library(std::string(INTERIMAP_BUILD_PLUGIN_DIR) +
                                       "/interimap-login.so");
    auto& entry = library.get_alias<PluginEntryPoint>(kPluginEntryPoint);
    const PluginDescriptor* descriptor = entry();
    ASSERT_NE(descriptor, nullptr);
    EXPECT_EQ(descriptor->abi_version, kPluginAbiVersion);
    EXPECT_EQ(descriptor->kind, PluginKind::authenticator);
    EXPECT_STREQ(descriptor->name, "LOGIN");
    EXPECT_EQ(descriptor->make_transport, nullptr);
    ASSERT_NE(descriptor->make_authenticator, nullptr);
    AuthenticatorPtr made = descriptor->make_authenticator();
    ASSERT_TRUE(made);
    EXPECT_EQ(made->mechanism(), "LOGIN");
    EXPECT_FALSE(made->requires_advertisement());
}

} // namespace
} // namespace interimap::auth
