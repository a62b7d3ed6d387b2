// The client side of a SOCKS5 handshake on a connected socket: method
// negotiation, username/password authentication when the proxy asks for it,
// then CONNECT. Every failure is one line naming the proxy and the
// destination; no message or log line ever shows the credentials.
#pragma once

#include "proxy_uri.hpp"
#include "socks5_messages.hpp"

#include <chrono>
#include <interimap/log.hpp>
#include <interimap/result.hpp>
#include <string>

namespace interimap::socks5 {

struct Negotiation {
    /// Offered (method 2) when set; null for no authentication only.
    const Credentials* credentials = nullptr;
    Destination destination;
    /// Start and end of every message: "SOCKS5 proxy 127.0.0.1:1080" and
    /// "imap.example.org:993".
    std::string proxy;
    std::string target;
    std::chrono::steady_clock::time_point deadline;
    /// The whole connection timeout, for "timed out after 30 s".
    std::chrono::milliseconds timeout{0};
};

/// Runs the handshake on the non-blocking socket `fd` until the proxy has
/// connected to the destination, blocking (poll) until `deadline` at the
/// latest. Reads exactly the proxy's replies and nothing after them: what
/// follows (the IMAP greeting) is the stream's. Logs its steps at debug level.
Result<void> negotiate(int fd, const Negotiation& negotiation, Logger& logger,
                       const LogContext& context);

} // namespace interimap::socks5
