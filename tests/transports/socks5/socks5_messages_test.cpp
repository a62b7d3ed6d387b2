// The exact bytes of the client's requests, and the words for each code.
#include "endpoint.hpp"
#include "socks5_messages.hpp"

#include <gtest/gtest.h>
#include <string>

namespace interimap::socks5 {
namespace {

using namespace std::string_literals;

TEST(Socks5Messages, MethodRequestOffersAPasswordOnlyWithCredentials) {
    EXPECT_EQ(method_request(false), "\x05\x01\x00"s);
    EXPECT_EQ(method_request(true), "\x05\x02\x00\x02"s);
}

TEST(Socks5Messages, PasswordRequestCarriesLengths) {
    EXPECT_EQ(password_request({"alice", "s3cret"}), "\x01\x05"
                                                     "alice"
                                                     "\x06"
                                                     "s3cret"s);
    EXPECT_EQ(password_request({"bob", ""}), "\x01\x03"
                                             "bob"
                                             "\x00"s);
    const std::string longest(255, 'p');
    EXPECT_EQ(password_request({"u", longest}), "\x01\x01u\xff"s + longest);
}

TEST(Socks5Messages, ConnectRequestForEachAddressType) {
    EXPECT_EQ(connect_request({AddressType::ipv4, "\x7f\x00\x00\x01"s, 993}),
              "\x05\x01\x00\x01\x7f\x00\x00\x01\x03\xe1"s);
    EXPECT_EQ(connect_request({AddressType::ipv6, std::string(15, '\0') + "\x01", 143}),
              "\x05\x01\x00\x04"s + std::string(15, '\0') + "\x01\x00\x8f"s);
    EXPECT_EQ(connect_request({AddressType::domain, "imap.example.org", 65535}),
              "\x05\x01\x00\x03\x10imap.example.org\xff\xff"s);
}

TEST(Socks5Messages, EveryReplyCodeHasWords) {
    EXPECT_EQ(reply_text(1), "general SOCKS server failure (reply 1)");
    EXPECT_EQ(reply_text(2), "connection not allowed by ruleset (reply 2)");
    EXPECT_EQ(reply_text(3), "network unreachable (reply 3)");
    EXPECT_EQ(reply_text(4), "host unreachable (reply 4)");
    EXPECT_EQ(reply_text(5), "connection refused by destination host (reply 5)");
    EXPECT_EQ(reply_text(6), "TTL expired (reply 6)");
    EXPECT_EQ(reply_text(7), "command not supported (reply 7)");
    EXPECT_EQ(reply_text(8), "address type not supported (reply 8)");
    EXPECT_EQ(reply_text(9), "unassigned reply code (reply 9)");
    EXPECT_EQ(reply_text(255), "unassigned reply code (reply 255)");
}

TEST(Socks5Messages, NetworkFailuresMayPassTheRestDoNot) {
    for (int code : {1, 3, 4, 5, 6})
        EXPECT_EQ(reply_error_code(static_cast<std::uint8_t>(code)), ErrorCode::io) << code;
    EXPECT_EQ(reply_error_code(2), ErrorCode::refused);
    for (int code : {7, 8, 9, 200})
        EXPECT_EQ(reply_error_code(static_cast<std::uint8_t>(code)), ErrorCode::protocol) << code;
}

TEST(Socks5Messages, MethodNames) {
    EXPECT_EQ(method_name(0x00), "no authentication");
    EXPECT_EQ(method_name(0x01), "GSSAPI");
    EXPECT_EQ(method_name(0x02), "username/password");
    EXPECT_EQ(method_name(0x03), "method 0x03");
    EXPECT_EQ(method_name(0x80), "private method 0x80");
}

TEST(Socks5Endpoint, PortsAreNumbersOrServices) {
    EXPECT_EQ(*port_number("993"), 993);
    EXPECT_EQ(*port_number("imaps"), 993);
    EXPECT_EQ(*port_number("imap"), 143);
    for (const char* bad : {"0", "65536", "-1"})
        EXPECT_FALSE(port_number(bad)) << bad;
    Result<std::uint16_t> unknown = port_number("no-such-service");
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().message, "Unknown TCP service no-such-service");
    EXPECT_EQ(default_port("imap"), "143");
    EXPECT_EQ(default_port("imaps"), "993");
}

TEST(Socks5Endpoint, LiteralsAreResolvedWithoutTheNetwork) {
    Result<IpAddress> v4 = resolve_address(*parse_host("192.0.2.7"));
    ASSERT_TRUE(v4);
    EXPECT_EQ(v4->family, AF_INET);
    EXPECT_EQ(v4->bytes, "\xc0\x00\x02\x07"s);
    EXPECT_EQ(v4->text, "192.0.2.7");
    Result<IpAddress> v6 = resolve_address(*parse_host("[2001:db8::1]"));
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->family, AF_INET6);
    EXPECT_EQ(v6->bytes, "\x20\x01\x0d\xb8"s + std::string(11, '\0') + "\x01");
    EXPECT_EQ(v6->text, "2001:db8::1");
}

} // namespace
} // namespace interimap::socks5
