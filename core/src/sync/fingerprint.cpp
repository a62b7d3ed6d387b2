#include "sync/fingerprint.hpp"

#include <cstdint>
#include <cstdio>

namespace interimap::sync {

std::string message_fingerprint(std::string_view bytes) {
    std::uint64_t hash = 0xcbf29ce484222325ull;
    for (unsigned char c : bytes) {
        hash ^= c;
        hash *= 0x100000001b3ull;
    }
    char out[48];
    std::snprintf(out, sizeof out, "fnv1a64:%016llx:%zu", static_cast<unsigned long long>(hash),
                  bytes.size());
    return out;
}

} // namespace interimap::sync
