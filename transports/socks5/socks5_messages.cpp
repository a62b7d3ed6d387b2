#include "socks5_messages.hpp"

#include <cstdio>

namespace interimap::socks5 {

namespace {

constexpr std::uint8_t kConnect = 0x01;
constexpr std::uint8_t kReserved = 0x00;

char byte(std::size_t value) {
    return static_cast<char>(static_cast<std::uint8_t>(value));
}

} // namespace

std::string hex_byte(std::uint8_t value) {
    char text[8];
    std::snprintf(text, sizeof text, "0x%02X", value);
    return text;
}

std::string method_request(bool with_password) {
    std::string request{byte(kSocksVersion), byte(with_password ? 2 : 1), byte(kNoAuthentication)};
    if (with_password)
        request += byte(kUsernamePassword);
    return request;
}

std::string password_request(const Credentials& credentials) {
    return std::string{byte(kPasswordVersion), byte(credentials.username.size())} +
           credentials.username + byte(credentials.password.size()) + credentials.password;
}

std::string connect_request(const Destination& destination) {
    std::string request{byte(kSocksVersion), byte(kConnect), byte(kReserved),
                        byte(static_cast<std::uint8_t>(destination.type))};
    if (destination.type == AddressType::domain)
        request += byte(destination.address.size());
    request += destination.address;
    request += byte(destination.port >> 8);
    request += byte(destination.port & 0xFF);
    return request;
}

std::string method_name(std::uint8_t method) {
    switch (method) {
    case kNoAuthentication:
        return "no authentication";
    case 0x01:
        return "GSSAPI";
    case kUsernamePassword:
        return "username/password";
    default:
        return (method < 0x80 ? "method " : "private method ") + hex_byte(method);
    }
}

std::string reply_text(std::uint8_t reply) {
    static constexpr const char* meanings[] = {
        "succeeded",
        "general SOCKS server failure",
        "connection not allowed by ruleset",
        "network unreachable",
        "host unreachable",
        "connection refused by destination host",
        "TTL expired",
        "command not supported",
        "address type not supported",
    };
    const std::string meaning =
        reply < std::size(meanings) ? meanings[reply] : "unassigned reply code";
    return meaning + " (reply " + std::to_string(reply) + ")";
}

ErrorCode reply_error_code(std::uint8_t reply) {
    switch (reply) {
    case 0x01: // the proxy's own failure: often its resolver or a transient error
    case 0x03:
    case 0x04:
    case 0x05:
    case 0x06:
        return ErrorCode::io;
    case 0x02:
        return ErrorCode::refused;
    default:
        return ErrorCode::protocol;
    }
}

} // namespace interimap::socks5
