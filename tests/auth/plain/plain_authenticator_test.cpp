// SASL PLAIN payloads and credential checks.
#include "plain_authenticator.hpp"

#include <boost/dll/shared_library.hpp>
#include <gtest/gtest.h>
#include <interimap/plugin.hpp>
#include <string>
#include <variant>

namespace interimap::auth {
namespace {

using namespace std::string_literals;

Credentials alice() {
    return Credentials{"alice", "s3cret pass"};
}

TEST(PlainAuthenticator, IsTheSaslPlainMechanism) {
    PlainAuthenticator plain;
    EXPECT_EQ(plain.mechanism(), "PLAIN");
    EXPECT_TRUE(plain.requires_advertisement());
}

TEST(PlainAuthenticator, InitialResponseHasAnEmptyAuthorizationIdentity) {
    PlainAuthenticator plain;
    Result<AuthStart> start = plain.start(alice());
    ASSERT_TRUE(start);
    const SaslStart* sasl = std::get_if<SaslStart>(&*start);
    ASSERT_NE(sasl, nullptr);
    ASSERT_TRUE(sasl->initial_response);
    EXPECT_EQ(*sasl->initial_response, "\0alice\0s3cret pass"s);
}

TEST(PlainAuthenticator, KeepsCredentialsByteForByte) {
    PlainAuthenticator plain;
    Result<AuthStart> start = plain.start(Credentials{"user@example.net", "p\"a\\s s"});
    ASSERT_TRUE(start);
    EXPECT_EQ(*std::get<SaslStart>(*start).initial_response, "\0user@example.net\0p\"a\\s s"s);
}

TEST(PlainAuthenticator, EmptyValuesAreStillCredentials) {
    PlainAuthenticator plain;
    Result<AuthStart> start = plain.start(Credentials{"", ""});
    ASSERT_TRUE(start);
    EXPECT_EQ(*std::get<SaslStart>(*start).initial_response, "\0\0"s);
}

TEST(PlainAuthenticator, MissingUsernameIsAConfigError) {
    PlainAuthenticator plain;
    Result<AuthStart> start = plain.start(Credentials{std::nullopt, "secret"});
    ASSERT_FALSE(start);
    EXPECT_EQ(start.error().code, ErrorCode::config);
    EXPECT_EQ(start.error().message, "Missing option username");
}

TEST(PlainAuthenticator, MissingPasswordIsAConfigError) {
    PlainAuthenticator plain;
    Result<AuthStart> start = plain.start(Credentials{"alice", std::nullopt});
    ASSERT_FALSE(start);
    EXPECT_EQ(start.error().code, ErrorCode::config);
    EXPECT_EQ(start.error().message, "Missing option password");
}

TEST(PlainAuthenticator, UsernameIsReportedFirstWhenBothAreMissing) {
    PlainAuthenticator plain;
    Result<AuthStart> start = plain.start(Credentials{});
    ASSERT_FALSE(start);
    EXPECT_EQ(start.error().message, "Missing option username");
}

TEST(PlainAuthenticator, AnswersAChallengeWithThePayloadOnce) {
    PlainAuthenticator plain;
    ASSERT_TRUE(plain.start(alice()));
    Result<std::string> first = plain.step("");
    ASSERT_TRUE(first);
    EXPECT_EQ(*first, "\0alice\0s3cret pass"s);
    Result<std::string> second = plain.step("");
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, ErrorCode::auth);
    EXPECT_EQ(second.error().message.find("s3cret"), std::string::npos);
}

TEST(PlainAuthenticator, ChallengeBeforeStartIsABug) {
    PlainAuthenticator plain;
    Result<std::string> step = plain.step("");
    ASSERT_FALSE(step);
    EXPECT_EQ(step.error().code, ErrorCode::internal);
}

TEST(PlainAuthenticator, RestartingAllowsOneAnswerAgain) {
    PlainAuthenticator plain;
    ASSERT_TRUE(plain.start(alice()));
    ASSERT_TRUE(plain.step(""));
    ASSERT_TRUE(plain.start(Credentials{"bob", "pw"}));
    Result<std::string> answer = plain.step("");
    ASSERT_TRUE(answer);
    EXPECT_EQ(*answer, "\0bob\0pw"s);
}

TEST(PlainPlugin, ExportsAnAuthenticatorDescriptor) {
    boost::dll::shared_library library(std::string(INTERIMAP_BUILD_PLUGIN_DIR) +
                                       "/interimap-plain.so");
    auto& entry = library.get_alias<PluginEntryPoint>(kPluginEntryPoint);
    const PluginDescriptor* descriptor = entry();
    ASSERT_NE(descriptor, nullptr);
    EXPECT_EQ(descriptor->abi_version, kPluginAbiVersion);
    EXPECT_EQ(descriptor->kind, PluginKind::authenticator);
    EXPECT_STREQ(descriptor->name, "PLAIN");
    EXPECT_EQ(descriptor->make_transport, nullptr);
    ASSERT_NE(descriptor->make_authenticator, nullptr);
    AuthenticatorPtr made = descriptor->make_authenticator();
    ASSERT_TRUE(made);
    EXPECT_EQ(made->mechanism(), "PLAIN");
}

} // namespace
} // namespace interimap::auth
