// Hosts and ports as the socks5 transport meets them: the proxy's, from the
// `proxy` URI, and the destination's, from the section's `host` and `port`.
#pragma once

#include "host_address.hpp"

#include <cstdint>
#include <interimap/result.hpp>
#include <string>
#include <string_view>
#include <sys/socket.h>

namespace interimap::socks5 {

// The `host` value and the proxy's host are parsed and shown as the tcp
// transport does (its implementation is linked in).
using Host = tcp::HostSpec;
using tcp::default_port;
using tcp::format_address;
using tcp::parse_host;
/// "HOST:PORT" for messages.
inline std::string endpoint(const Host& host, std::string_view port) {
    return tcp::format_endpoint(host, port);
}

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

} // namespace interimap::socks5
