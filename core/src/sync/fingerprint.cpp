#include "sync/fingerprint.hpp"

#include <bit>
#include <cstdio>
#include <cstring>

namespace interimap::sync {

namespace {

// XXH64, written from its public specification (xxHash's xxhash_spec.md).
// It consumes 8 bytes per multiply, in four independent lanes that the CPU
// runs in parallel; FNV-1a, before it, did one multiply per byte and took
// ~10% of the CPU time of a large copy.
constexpr std::uint64_t kPrime1 = 0x9E3779B185EBCA87ull;
constexpr std::uint64_t kPrime2 = 0xC2B2AE3D27D4EB4Full;
constexpr std::uint64_t kPrime3 = 0x165667B19E3779F9ull;
constexpr std::uint64_t kPrime4 = 0x85EBCA77C2B2AE63ull;
constexpr std::uint64_t kPrime5 = 0x27D4EB2F165667C5ull;

constexpr std::uint32_t byte_swap(std::uint32_t v) {
    return (v << 24) | ((v << 8) & 0x00FF0000u) | ((v >> 8) & 0x0000FF00u) | (v >> 24);
}

constexpr std::uint64_t byte_swap(std::uint64_t v) {
    return (std::uint64_t{byte_swap(static_cast<std::uint32_t>(v))} << 32) |
           byte_swap(static_cast<std::uint32_t>(v >> 32));
}

// The hash is defined on little-endian words, and a fingerprint journaled on
// one machine may be checked on another: read them as such whatever the
// host's byte order. memcpy, because message bytes have no alignment.
template <typename Word>
Word read_le(const unsigned char* p) {
    Word v;
    std::memcpy(&v, p, sizeof v);
    if constexpr (std::endian::native == std::endian::big)
        v = byte_swap(v);
    return v;
}

constexpr std::uint64_t lane_round(std::uint64_t acc, std::uint64_t input) {
    acc += input * kPrime2;
    acc = std::rotl(acc, 31);
    return acc * kPrime1;
}

constexpr std::uint64_t merge_round(std::uint64_t acc, std::uint64_t lane) {
    acc ^= lane_round(0, lane);
    return acc * kPrime1 + kPrime4;
}

} // namespace

std::uint64_t xxh64(std::string_view bytes, std::uint64_t seed) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    const unsigned char* const end = p + bytes.size();
    std::uint64_t hash;

    if (bytes.size() >= 32) {
        // Stripes of 32 bytes, one 8-byte word to each lane.
        std::uint64_t lane1 = seed + kPrime1 + kPrime2;
        std::uint64_t lane2 = seed + kPrime2;
        std::uint64_t lane3 = seed;
        std::uint64_t lane4 = seed - kPrime1;
        const unsigned char* const last_stripe = end - 32;
        do {
            lane1 = lane_round(lane1, read_le<std::uint64_t>(p));
            lane2 = lane_round(lane2, read_le<std::uint64_t>(p + 8));
            lane3 = lane_round(lane3, read_le<std::uint64_t>(p + 16));
            lane4 = lane_round(lane4, read_le<std::uint64_t>(p + 24));
            p += 32;
        } while (p <= last_stripe);
        hash =
            std::rotl(lane1, 1) + std::rotl(lane2, 7) + std::rotl(lane3, 12) + std::rotl(lane4, 18);
        hash = merge_round(hash, lane1);
        hash = merge_round(hash, lane2);
        hash = merge_round(hash, lane3);
        hash = merge_round(hash, lane4);
    } else {
        hash = seed + kPrime5;
    }
    hash += bytes.size();

    // The last 0 to 31 bytes: words of 8, then at most one of 4, then bytes.
    for (; end - p >= 8; p += 8) {
        hash ^= lane_round(0, read_le<std::uint64_t>(p));
        hash = std::rotl(hash, 27) * kPrime1 + kPrime4;
    }
    if (end - p >= 4) {
        hash ^= std::uint64_t{read_le<std::uint32_t>(p)} * kPrime1;
        hash = std::rotl(hash, 23) * kPrime2 + kPrime3;
        p += 4;
    }
    for (; p < end; ++p) {
        hash ^= std::uint64_t{*p} * kPrime5;
        hash = std::rotl(hash, 11) * kPrime1;
    }

    // Avalanche: every input bit reaches every output bit.
    hash ^= hash >> 33;
    hash *= kPrime2;
    hash ^= hash >> 29;
    hash *= kPrime3;
    hash ^= hash >> 32;
    return hash;
}

std::string message_fingerprint(std::string_view bytes) {
    char out[48];
    std::snprintf(out, sizeof out, "xxh64:%016llx:%zu",
                  static_cast<unsigned long long>(xxh64(bytes)), bytes.size());
    return out;
}

} // namespace interimap::sync
