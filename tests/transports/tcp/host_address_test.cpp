// Parsing the `host` option and writing endpoints in messages.
#include "host_address.hpp"

#include <arpa/inet.h>
#include <cstring>
#include <gtest/gtest.h>
#include <netinet/in.h>

namespace interimap::tcp {
namespace {

TEST(TcpHostAddress, NameIsResolvedLater) {
    Result<HostSpec> host = parse_host("imap.example.net");
    ASSERT_TRUE(host);
    EXPECT_EQ(host->name, "imap.example.net");
    EXPECT_FALSE(host->numeric);
    EXPECT_EQ(host->family, AF_UNSPEC);
    EXPECT_EQ(host->display(), "imap.example.net");
}

TEST(TcpHostAddress, BracketsForceAnIpv4Literal) {
    Result<HostSpec> host = parse_host("[127.0.0.1]");
    ASSERT_TRUE(host);
    EXPECT_EQ(host->name, "127.0.0.1");
    EXPECT_TRUE(host->numeric);
    EXPECT_EQ(host->family, AF_INET);
    EXPECT_EQ(host->display(), "127.0.0.1");
}

TEST(TcpHostAddress, BracketsForceAnIpv6Literal) {
    Result<HostSpec> host = parse_host("[2001:db8::1]");
    ASSERT_TRUE(host);
    EXPECT_EQ(host->name, "2001:db8::1");
    EXPECT_TRUE(host->numeric);
    EXPECT_EQ(host->family, AF_INET6);
    EXPECT_EQ(host->display(), "[2001:db8::1]");
}

TEST(TcpHostAddress, BareAddressesAreRecognised) {
    Result<HostSpec> v4 = parse_host("192.0.2.7");
    ASSERT_TRUE(v4);
    EXPECT_TRUE(v4->numeric);
    EXPECT_EQ(v4->family, AF_INET);
    Result<HostSpec> v6 = parse_host("::1");
    ASSERT_TRUE(v6);
    EXPECT_TRUE(v6->numeric);
    EXPECT_EQ(v6->family, AF_INET6);
}

TEST(TcpHostAddress, ScopedIpv6LiteralIsAccepted) {
    Result<HostSpec> host = parse_host("[fe80::1%lo]");
    ASSERT_TRUE(host);
    EXPECT_EQ(host->family, AF_INET6);
    EXPECT_EQ(host->name, "fe80::1%lo");
}

TEST(TcpHostAddress, BracketedNameIsAnInvalidLiteral) {
    for (const char* value : {"[imap.example.net]", "[]", "[1.2.3]", "[::g]"}) {
        Result<HostSpec> host = parse_host(value);
        ASSERT_FALSE(host) << value;
        EXPECT_EQ(host.error().code, ErrorCode::config);
        std::string inner(value + 1, std::strlen(value) - 2);
        EXPECT_EQ(host.error().message, "Invalid IP literal: " + inner);
    }
}

TEST(TcpHostAddress, DefaultPortFollowsTheType) {
    EXPECT_EQ(default_port("imap"), "143");
    EXPECT_EQ(default_port("imaps"), "993");
}

TEST(TcpHostAddress, EndpointsBracketIpv6) {
    EXPECT_EQ(format_endpoint(*parse_host("[::1]"), "993"), "[::1]:993");
    EXPECT_EQ(format_endpoint(*parse_host("[127.0.0.1]"), "143"), "127.0.0.1:143");
    EXPECT_EQ(format_endpoint(*parse_host("localhost"), "imaps"), "localhost:imaps");

    sockaddr_in6 v6{};
    v6.sin6_family = AF_INET6;
    inet_pton(AF_INET6, "2001:db8::1", &v6.sin6_addr);
    v6.sin6_port = htons(993);
    EXPECT_EQ(format_address(reinterpret_cast<sockaddr*>(&v6), sizeof v6), "[2001:db8::1]:993");
    sockaddr_in v4{};
    v4.sin_family = AF_INET;
    inet_pton(AF_INET, "192.0.2.7", &v4.sin_addr);
    v4.sin_port = htons(143);
    EXPECT_EQ(format_address(reinterpret_cast<sockaddr*>(&v4), sizeof v4), "192.0.2.7:143");
}

} // namespace
} // namespace interimap::tcp
