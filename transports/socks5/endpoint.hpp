// Hosts and ports as the socks5 transport meets them: the proxy's, from the
// `proxy` URI, and the destination's, from the section's `host` and `port`.
#pragma once

#include <cstdint>
#include <interimap/result.hpp>
#include <string>
#include <string_view>
#include <sys/socket.h>

namespace interimap::socks5 {

/// A host name, or an IP literal.
struct Host {
    std::string name;       ///< without brackets
    int family = AF_UNSPEC; ///< AF_INET or AF_INET6 for an IP literal

    bool is_literal() const { return family != AF_UNSPEC; }
    /// As written in messages: IPv6 literals in brackets.
    std::string display() const;
};

/// "[IP]" must be an IP literal; a bare IP address is one too; anything else
/// is a name. Fails with "Invalid IP literal: X", as the reference does.
Result<Host> parse_host(std::string_view value);

/// "HOST:PORT" for messages.
std::string endpoint(const Host& host, std::string_view port);

/// The destination port when `port` is unset: 143 for type=imap, 993 for
/// type=imaps (the default type), as the tcp transport.
std::string default_port(std::string_view type);

/// A port number (1 to 65535) or the name of a TCP service ("imaps"), as a
/// number: a CONNECT request carries the number.
Result<std::uint16_t> port_number(std::string_view port);

/// An IP address in network byte order, as a CONNECT request carries it.
struct IpAddress {
    int family = AF_UNSPEC;
    std::string bytes; ///< 4 bytes (AF_INET) or 16 (AF_INET6)
    std::string text;  ///< "192.0.2.1" or "2001:db8::1"
};

/// The first address getaddrinfo gives for `host` (numerically for a
/// literal), as the reference does for socks5://. Fails with the resolver's
/// reason.
Result<IpAddress> resolve_address(const Host& host);

/// A socket address as "192.0.2.1:1080" or "[2001:db8::1]:1080".
std::string format_address(const sockaddr* address, socklen_t length);

} // namespace interimap::socks5
