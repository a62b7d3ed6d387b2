// The `socks5` transport (type=imap and type=imaps with a `proxy` option,
// beneath TLS): a TCP connection to the proxy, which connects to the
// section's `host` and `port` (RFC 1928, with RFC 1929 username/password).
#pragma once

#include <interimap/transport.hpp>

namespace interimap::socks5 {

class Socks5Transport final : public Transport {
public:
    /// Reads `proxy` (socks5:// or socks5h://, required), `host` (default
    /// localhost), `port` (default 143 for type=imap, 993 otherwise) and
    /// `type`. `lower` must be null. The stream is the socket to the proxy,
    /// relaying to the destination.
    Result<StreamPtr> connect(const ConnectRequest& request, StreamPtr lower) override;
};

} // namespace interimap::socks5
