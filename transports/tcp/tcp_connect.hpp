// Opening a TCP connection: resolve the host, then try each address in turn
// with a non-blocking connect bounded by a timeout.
#pragma once

#include "host_address.hpp"

#include <chrono>
#include <interimap/result.hpp>
#include <netdb.h>
#include <string>
#include <string_view>

namespace interimap::tcp {

/// A connected, non-blocking, close-on-exec socket and the address it
/// reached ("[::1]:143").
struct ConnectedSocket {
    int fd = -1;
    std::string peer;
};

/// Connects a new socket to one resolved `address` within `timeout`. On
/// failure the message is the reason alone ("Connection refused",
/// "timed out after 2 s"); ErrorCode::timeout when time ran out.
Result<int> connect_address(const addrinfo& address, std::chrono::milliseconds timeout);

/// Resolves `host` and `port` (a number or a service name) and connects to
/// the first address that answers, all within `timeout`. Fails naming
/// `what` (by default HOST:PORT; the socks5 transport says "SOCKS5 proxy
/// HOST:PORT") and why each address failed.
Result<ConnectedSocket> connect_to_host(const HostSpec& host, const std::string& port,
                                        std::chrono::milliseconds timeout,
                                        std::string_view what = {});

/// TCP_NODELAY (commands are written whole; pipelined commands must not wait
/// for acknowledgements), and with `keepalive` SO_KEEPALIVE with probes after
/// a minute of silence, so that --watch notices a dead peer.
Result<void> set_socket_options(int fd, bool keepalive);

/// "2 s" or "1500 ms", for messages.
std::string format_duration(std::chrono::milliseconds duration);

} // namespace interimap::tcp
