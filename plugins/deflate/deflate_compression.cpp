#include "deflate_compression.hpp"

#include "deflate_stream.hpp"

#include <utility>

namespace interimap::deflate {

Result<StreamPtr> DeflateCompression::wrap(StreamPtr lower) {
    return DeflateStream::wrap(std::move(lower));
}

} // namespace interimap::deflate
