// The `host` and `port` options of a TCP connection, and how endpoints are
// written in messages ("imap.example.net:993", "[2001:db8::1]:993").
#pragma once

#include <interimap/result.hpp>
#include <string>
#include <string_view>
#include <sys/socket.h>

namespace interimap::tcp {

/// A host to connect to: a name to resolve or an IP literal.
struct HostSpec {
    std::string name;       ///< without brackets
    bool numeric = false;   ///< an IP address: no name resolution
    int family = AF_UNSPEC; ///< AF_INET or AF_INET6 when numeric

    /// The host as written in messages: IPv6 addresses in brackets.
    std::string display() const;
};

/// Parses a `host` value: "[IP]" forces an IP literal (an error if it is
/// not one); a bare address is recognised as one too; anything else is a
/// name. Fails (ErrorCode::config) with "Invalid IP literal: X".
Result<HostSpec> parse_host(std::string_view value);

/// The port used when `port` is unset: 143 for type=imap, 993 for type=imaps
/// (the default type).
std::string default_port(std::string_view type);

/// "HOST:PORT" for messages, with IPv6 literals in brackets.
std::string format_endpoint(const HostSpec& host, std::string_view port);

/// A socket address as "1.2.3.4:993" or "[2001:db8::1]:993".
std::string format_address(const sockaddr* address, socklen_t length);

} // namespace interimap::tcp
