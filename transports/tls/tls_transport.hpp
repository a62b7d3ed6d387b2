// The `tls` transport (type=imaps, and STARTTLS once the core asks for it):
// a layer that runs a TLS client handshake over the stream beneath it (tcp,
// tunnel, socks5...) and returns the encrypted stream.
#pragma once

#include <interimap/transport.hpp>

namespace interimap::tls {

class TlsTransport final : public Transport {
public:
    /// Reads the SSL_* options and `host` of the section, then runs the
    /// handshake over `lower` (required) within request.timeout. Errors name
    /// the cause: the certificate check that failed, the fingerprints the
    /// server presented, the protocol or cipher settings in play.
    Result<StreamPtr> connect(const ConnectRequest& request, StreamPtr lower) override;
};

} // namespace interimap::tls
