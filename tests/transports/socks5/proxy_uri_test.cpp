// Parsing the `proxy` option as the reference does, and keeping its user
// part out of every message.
#include "proxy_uri.hpp"

#include <gtest/gtest.h>
#include <string>

namespace interimap::socks5 {
namespace {

TEST(Socks5ProxyUri, HostAloneTakesTheDefaultPort) {
    Result<ProxyUri> uri = parse_proxy_uri("socks5://proxy.example.net");
    ASSERT_TRUE(uri) << uri.error().message;
    EXPECT_FALSE(uri->proxy_resolves);
    EXPECT_EQ(uri->host.name, "proxy.example.net");
    EXPECT_FALSE(uri->host.numeric);
    EXPECT_EQ(uri->port, "1080");
    EXPECT_FALSE(uri->credentials);
    EXPECT_EQ(uri->display(), "proxy.example.net:1080");
}

TEST(Socks5ProxyUri, Socks5hLetsTheProxyResolve) {
    Result<ProxyUri> uri = parse_proxy_uri("socks5h://127.0.0.1:9050");
    ASSERT_TRUE(uri) << uri.error().message;
    EXPECT_TRUE(uri->proxy_resolves);
    EXPECT_EQ(uri->host.family, AF_INET);
    EXPECT_EQ(uri->port, "9050");
    EXPECT_EQ(uri->display(), "127.0.0.1:9050");
}

TEST(Socks5ProxyUri, SchemeIsCaseInsensitive) {
    Result<ProxyUri> uri = parse_proxy_uri("SOCKS5H://localhost");
    ASSERT_TRUE(uri) << uri.error().message;
    EXPECT_TRUE(uri->proxy_resolves);
}

TEST(Socks5ProxyUri, BracketedIpv6HostWithPort) {
    Result<ProxyUri> uri = parse_proxy_uri("socks5://[::1]:1081");
    ASSERT_TRUE(uri) << uri.error().message;
    EXPECT_EQ(uri->host.name, "::1");
    EXPECT_EQ(uri->host.family, AF_INET6);
    EXPECT_EQ(uri->port, "1081");
    EXPECT_EQ(uri->display(), "[::1]:1081");
}

TEST(Socks5ProxyUri, PortMayBeAServiceName) {
    Result<ProxyUri> uri = parse_proxy_uri("socks5://localhost:socks");
    ASSERT_TRUE(uri) << uri.error().message;
    EXPECT_EQ(uri->port, "socks");
}

TEST(Socks5ProxyUri, UserAndPasswordAreTakenVerbatim) {
    // No percent-decoding, as the reference: "%40" stays three characters.
    Result<ProxyUri> uri = parse_proxy_uri("socks5://alice:pa%40ss@localhost");
    ASSERT_TRUE(uri) << uri.error().message;
    ASSERT_TRUE(uri->credentials);
    EXPECT_EQ(uri->credentials->username, "alice");
    EXPECT_EQ(uri->credentials->password, "pa%40ss");
}

TEST(Socks5ProxyUri, UserPartRunsToTheLastAtAndSplitsAtTheFirstColon) {
    Result<ProxyUri> uri = parse_proxy_uri("socks5h://al:ice:p@ss:w@rd@[2001:db8::5]:1080");
    ASSERT_TRUE(uri) << uri.error().message;
    ASSERT_TRUE(uri->credentials);
    EXPECT_EQ(uri->credentials->username, "al");
    EXPECT_EQ(uri->credentials->password, "ice:p@ss:w@rd");
    EXPECT_EQ(uri->host.name, "2001:db8::5");
}

TEST(Socks5ProxyUri, UserWithoutPasswordHasAnEmptyPassword) {
    Result<ProxyUri> uri = parse_proxy_uri("socks5://alice@localhost");
    ASSERT_TRUE(uri) << uri.error().message;
    ASSERT_TRUE(uri->credentials);
    EXPECT_EQ(uri->credentials->username, "alice");
    EXPECT_EQ(uri->credentials->password, "");
}

TEST(Socks5ProxyUri, UnsupportedProtocolIsNamed) {
    for (const char* value : {"http://alice:s3cret@proxy:3128", "socks4://proxy"}) {
        Result<ProxyUri> uri = parse_proxy_uri(value);
        ASSERT_FALSE(uri) << value;
        EXPECT_EQ(uri.error().code, ErrorCode::config);
        EXPECT_EQ(uri.error().message.rfind("Unsupported proxy protocol ", 0), 0u)
            << uri.error().message;
        EXPECT_EQ(uri.error().message.find("s3cret"), std::string::npos);
    }
}

TEST(Socks5ProxyUri, MalformedUrisAreRefusedWithoutTheirUserPart) {
    const char* values[] = {
        "localhost:1080",                       // no scheme
        "socks5://alice:s3cret@",               // no host
        "socks5://alice:s3cret@host:",          // empty port
        "socks5://alice:s3cret@host:10 80",     // bad port
        "socks5://alice:s3cret@[::1:1080",      // unterminated bracket
        "socks5://alice:s3cret@[proxy.lan]",    // bracketed name
        "socks5://alice:s3cret@::1:1080",       // bare IPv6
        "socks5://alice:s3cret@host:1080/path", // trailing path
        "sock$5://alice:s3cret@host",           // bad scheme
    };
    for (const char* value : values) {
        Result<ProxyUri> uri = parse_proxy_uri(value);
        ASSERT_FALSE(uri) << value;
        EXPECT_EQ(uri.error().code, ErrorCode::config);
        EXPECT_EQ(uri.error().message.rfind("Invalid proxy URI ", 0), 0u) << uri.error().message;
        EXPECT_EQ(uri.error().message.find("s3cret"), std::string::npos) << uri.error().message;
        EXPECT_EQ(uri.error().message.find("alice"), std::string::npos) << uri.error().message;
    }
}

TEST(Socks5ProxyUri, MessageShowsTheRestOfTheUri) {
    Result<ProxyUri> uri = parse_proxy_uri("socks5://alice:s3cret@[proxy.lan]");
    ASSERT_FALSE(uri);
    EXPECT_EQ(uri.error().message,
              "Invalid proxy URI socks5://[REDACTED]@[proxy.lan] (Invalid IP literal: proxy.lan)");
}

TEST(Socks5ProxyUri, OverlongCredentialsAreRefused) {
    const std::string long_text(256, 'x');
    for (const std::string& user : {long_text + ":pw", "alice:" + long_text}) {
        Result<ProxyUri> uri = parse_proxy_uri("socks5://" + user + "@localhost");
        ASSERT_FALSE(uri);
        EXPECT_EQ(uri.error().message,
                  "Invalid proxy URI socks5://[REDACTED]@localhost (the user name and the password "
                  "are limited to 255 bytes each)");
    }
    EXPECT_TRUE(parse_proxy_uri("socks5://" + std::string(255, 'u') + ":" + std::string(255, 'p') +
                                "@localhost"));
}

TEST(Socks5ProxyUri, RedactionHidesEverythingBeforeTheLastAt) {
    EXPECT_EQ(redact_proxy_uri("socks5://a:b@c@host:1"), "socks5://[REDACTED]@host:1");
    EXPECT_EQ(redact_proxy_uri("socks5://host:1"), "socks5://host:1");
    EXPECT_EQ(redact_proxy_uri("user:pw@host"), "[REDACTED]@host");
}

} // namespace
} // namespace interimap::socks5
