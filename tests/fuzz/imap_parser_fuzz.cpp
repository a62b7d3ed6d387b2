// libFuzzer target for the IMAP response parser. Whatever the input, parsing
// it whole, one byte at a time, in pseudo-random chunks and with every literal
// streamed to a sink must give the same responses and the same error, must
// use sinks correctly, and must never crash or leak (ASan/UBSan).
#include "core/imap/feed_harness.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string_view>

namespace {

using interimap::imap::ParserLimits;
using interimap::imap::test::FeedOutcome;
namespace t = interimap::imap::test;

void report(const char* what, const FeedOutcome& a, const FeedOutcome& b) {
    std::fprintf(stderr, "imap_parser_fuzz: %s differs from the whole-buffer parse\n", what);
    std::fprintf(stderr, "  responses %zu vs %zu, failed %d vs %d, boundary %d vs %d\n",
                 a.dumps.size(), b.dumps.size(), a.failed, b.failed, a.boundary, b.boundary);
    for (std::size_t i = 0; i < a.dumps.size() || i < b.dumps.size(); ++i) {
        const char* x = i < a.dumps.size() ? a.dumps[i].c_str() : "<none>";
        const char* y = i < b.dumps.size() ? b.dumps[i].c_str() : "<none>";
        if (std::string_view(x) != y) {
            std::fprintf(stderr, "  response %zu:\n    %s\n    %s\n", i, x, y);
            break;
        }
    }
    std::fprintf(stderr, "  error:\n    %s\n    %s\n", a.error.c_str(), b.error.c_str());
    std::abort();
}

void expect_same(const char* what, const FeedOutcome& whole, const FeedOutcome& other) {
    if (!(whole == other))
        report(what, whole, other);
}

/// Chunk sizes 1..17 from a generator seeded by the input (reproducible).
struct ChunkSizes {
    std::uint32_t state;
    std::size_t operator()() {
        state = state * 1103515245u + 12345u;
        return 1 + (state >> 16) % 17;
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    std::uint32_t seed = static_cast<std::uint32_t>(size);
    for (unsigned char c : bytes)
        seed = seed * 31u + c;

    // Announced literal sizes must not matter when nothing is held back.
    ParserLimits roomy;
    roomy.max_buffered_literal = std::numeric_limits<std::uint64_t>::max();
    FeedOutcome whole = t::feed_whole(bytes, roomy);
    expect_same("byte-by-byte", whole, t::feed_bytewise(bytes, roomy));
    expect_same("chunked", whole, t::feed_in_chunks(bytes, ChunkSizes{seed}, roomy));

    FeedOutcome streamed = t::feed_in_chunks(bytes, ChunkSizes{seed ^ 0x5bd1e995u}, roomy, true);
    if (streamed.dumps != whole.dumps || streamed.failed != whole.failed ||
        streamed.error != whole.error || streamed.boundary != whole.boundary)
        report("streamed", whole, streamed);
    // Every sink ends, except the one of a literal cut by the end of input.
    bool sinks_ok = streamed.sinks_ended == streamed.sinks_opened ||
                    (streamed.sinks_ended + 1 == streamed.sinks_opened && !streamed.boundary);
    if (!streamed.streamed_text_empty || streamed.sink_end_misuse != 0 || !sinks_ok) {
        std::fprintf(stderr, "imap_parser_fuzz: sink misuse (opened %zu, ended %zu, misuse %zu)\n",
                     streamed.sinks_opened, streamed.sinks_ended, streamed.sink_end_misuse);
        std::abort();
    }

    // Small limits: the errors they cause must not depend on chunking either.
    ParserLimits tight;
    tight.max_line = 200;
    tight.max_buffered_literal = 64;
    tight.max_depth = 4;
    tight.max_log_line = 24;
    FeedOutcome tight_whole = t::feed_whole(bytes, tight);
    expect_same("byte-by-byte with tight limits", tight_whole, t::feed_bytewise(bytes, tight));
    return 0;
}
