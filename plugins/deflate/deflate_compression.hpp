// COMPRESS=DEFLATE (RFC 4978): what the core asks for once the server
// answered OK to `COMPRESS DEFLATE`.
#pragma once

#include <interimap/compression.hpp>

namespace interimap::deflate {

class DeflateCompression final : public Compression {
public:
    std::string_view algorithm() const override { return "DEFLATE"; }

    /// Everything written after this call is compressed, and everything read
    /// is decompressed: call it right after the tagged OK, before writing
    /// anything else, with nothing of the server's left unread.
    Result<StreamPtr> wrap(StreamPtr lower) override;
};

} // namespace interimap::deflate
