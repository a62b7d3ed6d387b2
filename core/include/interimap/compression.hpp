// Stream compression (IMAP COMPRESS, RFC 4978). The core negotiates the
// extension; a compression plugin wraps the stream once the server agreed.
#pragma once

#include <interimap/export.hpp>
#include <interimap/result.hpp>
#include <interimap/stream.hpp>
#include <memory>
#include <string_view>

namespace interimap {

class INTERIMAP_EXPORT Compression {
public:
    virtual ~Compression();

    /// The COMPRESS algorithm name this implements ("DEFLATE").
    virtual std::string_view algorithm() const = 0;

    /// Wraps `lower` so that bytes written are compressed and bytes read are
    /// decompressed. traffic() of the result still reports wire bytes.
    virtual Result<StreamPtr> wrap(StreamPtr lower) = 0;
};

using CompressionPtr = std::unique_ptr<Compression>;

} // namespace interimap
