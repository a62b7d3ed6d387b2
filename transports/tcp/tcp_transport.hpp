// The `tcp` transport (type=imap and type=imaps, beneath TLS): a TCP
// connection to the section's `host` and `port`.
#pragma once

#include <interimap/transport.hpp>

namespace interimap::tcp {

class TcpTransport final : public Transport {
public:
    /// Reads `host` (default localhost), `port` (default 143 for type=imap,
    /// 993 otherwise) and `type`. `lower` must be null.
    Result<StreamPtr> connect(const ConnectRequest& request, StreamPtr lower) override;
};

} // namespace interimap::tcp
