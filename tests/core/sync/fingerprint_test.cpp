// The message fingerprint of the copy journal: XXH64, checked against the
// reference implementation's values (xxhsum -H1) for every path through the
// hash: each tail length (0 to 31 bytes after the stripes of 32), inputs
// shorter and longer than one stripe, and a few KB.
#include "sync/fingerprint.hpp"

#include <cstdint>
#include <gtest/gtest.h>
#include <string>

namespace interimap::sync {
namespace {

// Deterministic bytes covering the whole 0-255 range.
std::string pattern(std::size_t n) {
    std::string bytes(n, '\0');
    for (std::size_t i = 0; i < n; ++i)
        bytes[i] = static_cast<char>((i * 37 + 11) & 0xFF);
    return bytes;
}

struct Vector {
    std::size_t length;
    std::uint64_t hash;
};

// XXH64(pattern(length), seed 0), computed with xxhsum 0.8.1 and python3-xxhash.
constexpr Vector kVectors[] = {
    {0, 0xEF46DB3751D8E999ull},    {1, 0xF592C0C7639C4CB6ull},    {2, 0x78F1AE91E3B05E99ull},
    {3, 0x22C08528601D4F27ull},    {4, 0xFB1E5CF2F1AE4D95ull},    {5, 0x9D213ECA1F68F273ull},
    {6, 0x0F28996D1449561Eull},    {7, 0x5613AC510496C04Eull},    {8, 0x57CB2B7521F3E21Aull},
    {9, 0xC3F1D09775257B66ull},    {10, 0x920F407F474903FFull},   {11, 0x1BEF4539443A2D5Aull},
    {12, 0x2F53B00266039E64ull},   {13, 0xAED0293A7BB13C7Aull},   {14, 0x393648AA0A97D46Full},
    {15, 0x90A9714EB00E8D29ull},   {16, 0xC6843CEF99721174ull},   {17, 0xF72E5E622B272AD6ull},
    {18, 0xADE42C5775A43C96ull},   {19, 0xC3BDAB4626258CEAull},   {20, 0xA62C18328D2D838Dull},
    {21, 0x2F04FF79D78F8827ull},   {22, 0x1E5B0540DEFC3911ull},   {23, 0x5E6A1FE05D7C06F8ull},
    {24, 0xFA2D58B357E1565Eull},   {25, 0x8ADEFB8C854B47A5ull},   {26, 0x2B085F5F9DA33210ull},
    {27, 0x87B80516E95CBBBCull},   {28, 0xFF5C77EF1446F7E5ull},   {29, 0x8B15B1001A84DBDBull},
    {30, 0x6077F1AC1F080751ull},   {31, 0xE4A0E629E519A4AEull},   {32, 0xCC6B8AAADA790B2Dull},
    {33, 0x35EC49850475A832ull},   {34, 0xF56A57787FD5FE4Eull},   {35, 0x59DE01E65B64555Bull},
    {36, 0xBEBB6D8C24FB3CFAull},   {37, 0x5F313A6790502101ull},   {38, 0x9FFD421BA9CD1BABull},
    {39, 0x22984E41B53C1210ull},   {40, 0x3B21ED23EEA85C2Dull},   {63, 0xBF9F0BA3CF95B28Aull},
    {64, 0x155CCCE4BF32BEFCull},   {65, 0xDA5EE441A595CFB8ull},   {1000, 0x128DA10CFBDC59D9ull},
    {4096, 0xDB2D21DFB1DB5E57ull}, {5003, 0x5F39723E4136CCD6ull},
};

TEST(MessageFingerprintXxh64, MatchesTheReferenceForEveryTailLength) {
    for (const Vector& v : kVectors)
        EXPECT_EQ(xxh64(pattern(v.length)), v.hash) << "length " << v.length;
}

TEST(MessageFingerprintXxh64, EmptyInputIsTheSpecificationsValue) {
    EXPECT_EQ(xxh64(""), 0xEF46DB3751D8E999ull);
    EXPECT_EQ(xxh64("abc"), 0x44BC2CF5AD770999ull);
}

TEST(MessageFingerprintXxh64, SeedEntersEveryLane) {
    struct Seeded {
        std::size_t length;
        std::uint64_t seed;
        std::uint64_t hash;
    };
    constexpr Seeded kSeeded[] = {
        {0, 0x9E3779B1ull, 0xAC75FDA2929B17EFull},
        {1, 0x9E3779B1ull, 0xE7FDA85A72454615ull},
        {14, 0x9E3779B1ull, 0x8BA9759AD5801274ull},
        {40, 0x9E3779B1ull, 0x08EEFF37D2E45EFBull},
        {222, 0xFFFFFFFFFFFFFFFFull, 0xFCAAD9E7CC9B7EBEull},
    };
    for (const Seeded& v : kSeeded)
        EXPECT_EQ(xxh64(pattern(v.length), v.seed), v.hash) << "length " << v.length;
}

TEST(MessageFingerprintXxh64, DoesNotDependOnAlignment) {
    // Words are read with memcpy: the same bytes at any address, same hash.
    const std::string bytes = pattern(1000);
    std::string shifted(1008, '\0');
    for (std::size_t offset = 0; offset < 8; ++offset) {
        shifted.replace(offset, bytes.size(), bytes);
        EXPECT_EQ(xxh64(std::string_view(shifted).substr(offset, bytes.size())),
                  0x128DA10CFBDC59D9ull)
            << "offset " << offset;
    }
}

TEST(MessageFingerprint, NamesTheAlgorithmTheHashAndTheSize) {
    EXPECT_EQ(message_fingerprint(""), "xxh64:ef46db3751d8e999:0");
    EXPECT_EQ(message_fingerprint("From: a@example.org\r\nSubject: hi\r\n\r\nbody\r\n"),
              "xxh64:7698450e5215112a:42");
    // Sixteen digits, zeros included.
    EXPECT_EQ(message_fingerprint(pattern(39)), "xxh64:22984e41b53c1210:39");
}

TEST(MessageFingerprint, OneByteChangedChangesTheFingerprint) {
    std::string message = pattern(4096);
    const std::string before = message_fingerprint(message);
    EXPECT_EQ(message_fingerprint(message), before); // deterministic
    message[2049] ^= 1;
    EXPECT_NE(message_fingerprint(message), before);
}

} // namespace
} // namespace interimap::sync
