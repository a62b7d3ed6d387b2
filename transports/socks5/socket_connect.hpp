// The TCP connection to the proxy: resolve its host, then a non-blocking
// connect to each address in turn, all bounded by the connection timeout.
#pragma once

#include "endpoint.hpp"

#include <chrono>
#include <interimap/result.hpp>
#include <string>
#include <string_view>

namespace interimap::socks5 {

/// A connected, non-blocking, close-on-exec socket and the address it reached.
struct ConnectedSocket {
    int fd = -1;
    std::string peer; ///< "127.0.0.1:1080"
};

/// Connects to `host`:`port` within `timeout`, sharing what is left of it
/// among the addresses not tried yet. Messages name `what` ("Can't connect
/// to SOCKS5 proxy 127.0.0.1:1080: Connection refused"); ErrorCode::timeout
/// when every address ran out of time.
Result<ConnectedSocket> connect_socket(const Host& host, const std::string& port,
                                       std::chrono::milliseconds timeout, std::string_view what);

/// TCP_NODELAY, and with `keepalive` SO_KEEPALIVE with probes after a minute
/// of silence (as the reference and the tcp transport).
Result<void> set_socket_options(int fd, bool keepalive);

/// "30 s" or "1500 ms", for messages.
std::string format_duration(std::chrono::milliseconds duration);

} // namespace interimap::socks5
