// A message's fingerprint: recognises, after an interruption, the copy that
// an APPEND made just before it (see PendingAppend). 64-bit XXH64 of the
// bytes plus their length: collisions among the few messages compared are
// negligible, and two messages with equal bytes are interchangeable anyway.
// It is journaled and compared later, maybe by another build on another
// machine: it depends on the bytes only, never on the host's byte order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace interimap::sync {

/// "xxh64:HEX16:SIZE".
std::string message_fingerprint(std::string_view bytes);

/// XXH64 of `bytes` (the standard algorithm: equal to xxhsum -H1).
std::uint64_t xxh64(std::string_view bytes, std::uint64_t seed = 0);

} // namespace interimap::sync
