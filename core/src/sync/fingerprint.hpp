// A message's fingerprint: recognises, after an interruption, the copy that
// an APPEND made just before it (see PendingAppend). 64-bit FNV-1a of the
// bytes plus their length: collisions among the few messages compared are
// negligible, and two messages with equal bytes are interchangeable anyway.
#pragma once

#include <string>
#include <string_view>

namespace interimap::sync {

std::string message_fingerprint(std::string_view bytes);

} // namespace interimap::sync
