// The bytes of RFC 1928 (SOCKS version 5) and RFC 1929 (username/password
// authentication) that a client sends, and the meaning of the codes it gets.
#pragma once

#include "proxy_uri.hpp"

#include <cstdint>
#include <interimap/result.hpp>
#include <string>

namespace interimap::socks5 {

inline constexpr std::uint8_t kSocksVersion = 0x05;
inline constexpr std::uint8_t kPasswordVersion = 0x01; ///< RFC 1929 subnegotiation
inline constexpr std::uint8_t kNoAuthentication = 0x00;
inline constexpr std::uint8_t kUsernamePassword = 0x02;
inline constexpr std::uint8_t kNoAcceptableMethod = 0xFF;

/// Address types (ATYP) of requests and replies.
enum class AddressType : std::uint8_t { ipv4 = 0x01, domain = 0x03, ipv6 = 0x04 };

/// What a CONNECT request asks the proxy to reach.
struct Destination {
    AddressType type = AddressType::domain;
    std::string address; ///< 4 or 16 bytes in network order, or the name
    std::uint16_t port = 0;
};

/// VER NMETHODS METHODS: no authentication, then username/password when
/// `with_password`.
std::string method_request(bool with_password);

/// VER ULEN UNAME PLEN PASSWD. Each field is at most 255 bytes
/// (parse_proxy_uri refuses longer ones).
std::string password_request(const Credentials& credentials);

/// VER CMD(CONNECT) RSV ATYP DST.ADDR DST.PORT. A name is at most 255 bytes.
std::string connect_request(const Destination& destination);

/// "0x05", for messages about unexpected bytes.
std::string hex_byte(std::uint8_t value);

/// "no authentication", "username/password", "GSSAPI", ...
std::string method_name(std::uint8_t method);

/// "connection refused by destination host (reply 5)", for any REP code.
std::string reply_text(std::uint8_t reply);

/// The category of a failed REP: network failures may pass (io), a
/// ruleset is a refusal, the rest says the two ends disagree (protocol).
ErrorCode reply_error_code(std::uint8_t reply);

} // namespace interimap::socks5
