// The `tunnel` transport (type=tunnel): runs the section's `command` with its
// standard input and output connected to us through a socketpair.
#pragma once

#include <interimap/transport.hpp>

namespace interimap::tunnel {

class TunnelTransport final : public Transport {
public:
    /// Reads `command` and `null-stderr` from the section. `lower` must be
    /// null: a tunnel is where a connection starts.
    Result<StreamPtr> connect(const ConnectRequest& request, StreamPtr lower) override;
};

} // namespace interimap::tunnel
