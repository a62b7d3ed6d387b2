// Server transcripts (tests/data/imap/*.txt) parsed whole, one byte at a time,
// in random chunks and with every literal streamed to a sink: all four must
// give the responses listed in the matching .expected file.
//
// Transcript format: leading lines starting with "# " are comments (the
// client commands); the rest is the server output with LF line ends, each
// turned back into CRLF (literal sizes count the CRs). Expected format: one
// response per line as test::dump() writes it, then "error: <message>" when
// the transcript ends with a protocol error.
//
// INTERIMAP_REGENERATE_EXPECTED=1 rewrites the .expected files from the
// whole-buffer parse; review the diff before committing it.
#include "core/imap/feed_harness.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace interimap::imap {
namespace {

namespace fs = std::filesystem;
using test::FeedOutcome;

const fs::path data_dir = fs::path(INTERIMAP_TEST_DATA_DIR) / "imap";

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string load_transcript(const fs::path& path) {
    std::string text = read_file(path);
    std::size_t pos = 0;
    while (text.compare(pos, 2, "# ") == 0) {
        std::size_t eol = text.find('\n', pos);
        pos = eol == std::string::npos ? text.size() : eol + 1;
    }
    std::string out;
    for (std::size_t i = pos; i < text.size(); ++i) {
        if (text[i] == '\n')
            out += '\r';
        out += text[i];
    }
    return out;
}

std::vector<std::string> expected_lines(const FeedOutcome& o) {
    std::vector<std::string> lines = o.dumps;
    if (o.failed)
        lines.push_back("error: " + o.error);
    return lines;
}

std::vector<std::string> read_lines(const fs::path& path) {
    std::vector<std::string> lines;
    std::ifstream in(path, std::ios::binary);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

std::vector<std::string> transcript_names() {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(data_dir))
        if (entry.path().extension() == ".txt")
            names.push_back(entry.path().stem().string());
    std::sort(names.begin(), names.end());
    return names;
}

class ImapTranscript : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        bytes_ = load_transcript(data_dir / (GetParam() + ".txt"));
        whole_ = test::feed_whole(bytes_);
    }
    std::string bytes_;
    FeedOutcome whole_;
};

TEST_P(ImapTranscript, WholeBufferGivesTheExpectedResponses) {
    fs::path expected_path = data_dir / (GetParam() + ".expected");
    if (std::getenv("INTERIMAP_REGENERATE_EXPECTED")) {
        std::ofstream out(expected_path, std::ios::binary);
        for (const auto& line : expected_lines(whole_))
            out << line << '\n';
    }
    ASSERT_TRUE(fs::exists(expected_path)) << expected_path;
    std::vector<std::string> expected = read_lines(expected_path);
    std::vector<std::string> actual = expected_lines(whole_);
    ASSERT_EQ(actual.size(), expected.size());
    for (std::size_t i = 0; i < actual.size(); ++i)
        EXPECT_EQ(actual[i], expected[i]) << "response " << i;
    EXPECT_GT(whole_.dumps.size(), 0u);
    if (!whole_.failed) {
        EXPECT_TRUE(whole_.boundary);
    }
}

TEST_P(ImapTranscript, OneByteAtATimeGivesTheSame) {
    EXPECT_EQ(test::feed_bytewise(bytes_), whole_);
}

TEST_P(ImapTranscript, RandomChunksGiveTheSame) {
    for (unsigned seed = 1; seed <= 20; ++seed) {
        std::mt19937 rng(seed);
        // Mostly small chunks, sometimes large ones.
        std::uniform_int_distribution<std::size_t> small(1, 16), large(17, 4096), which(0, 3);
        FeedOutcome chunked =
            test::feed_in_chunks(bytes_, [&] { return which(rng) == 0 ? large(rng) : small(rng); });
        EXPECT_EQ(chunked, whole_) << "seed " << seed;
    }
}

TEST_P(ImapTranscript, StreamedLiteralsGiveTheSame) {
    FeedOutcome streamed_whole = test::feed_whole(bytes_, {}, true);
    for (unsigned seed = 1; seed <= 5; ++seed) {
        std::mt19937 rng(seed);
        std::uniform_int_distribution<std::size_t> size(1, 32);
        FeedOutcome streamed = test::feed_in_chunks(
            bytes_, [&] { return size(rng); }, {}, true);
        EXPECT_EQ(streamed.dumps, whole_.dumps) << "seed " << seed;
        EXPECT_EQ(streamed.error, whole_.error);
        EXPECT_TRUE(streamed.streamed_text_empty);
        EXPECT_EQ(streamed.sink_end_misuse, 0u);
        EXPECT_EQ(streamed, streamed_whole) << "seed " << seed;
    }
    EXPECT_EQ(streamed_whole.sinks_opened, streamed_whole.sinks_ended);
}

INSTANTIATE_TEST_SUITE_P(Data, ImapTranscript, ::testing::ValuesIn(transcript_names()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                             return info.param;
                         });

TEST(ImapTranscripts, ThereAreEnough) {
    EXPECT_GE(transcript_names().size(), 8u);
}

} // namespace
} // namespace interimap::imap
