// Transports open streams. A base transport (tcp, tunnel) connects from
// nothing; a layer transport (tls, socks5) wraps the stream beneath it.
#pragma once

#include <chrono>
#include <interimap/config.hpp>
#include <interimap/export.hpp>
#include <interimap/log.hpp>
#include <interimap/result.hpp>
#include <interimap/stream.hpp>
#include <memory>
#include <string_view>

namespace interimap {

/// Everything a transport needs to open or wrap a connection.
struct ConnectRequest {
    /// The section (`[local]`, `[remote]` or a pullimap account) being connected.
    const ConfigSection& section;
    Logger& logger;
    /// Log context of this connection (its name, e.g. "remote").
    LogContext context;
    /// Enable SO_KEEPALIVE on sockets (set by --watch / --idle).
    bool keepalive = false;
    /// Upper bound for connection establishment.
    std::chrono::milliseconds timeout{std::chrono::seconds(30)};
};

class INTERIMAP_EXPORT Transport {
public:
    virtual ~Transport();

    /// Opens a new stream (`lower` is null) or wraps `lower` (a layer
    /// transport such as TLS). Blocking is allowed here, bounded by
    /// request.timeout; the returned stream is non-blocking.
    virtual Result<StreamPtr> connect(const ConnectRequest& request, StreamPtr lower) = 0;
};

using TransportPtr = std::unique_ptr<Transport>;

} // namespace interimap
