// UID sets as IMAP writes them: compact, cut so that no command line grows
// with the number of messages, and read back from a server that may be
// hostile (VANISHED, APPENDUID, COPYUID carry sets we did not choose).
#include "sync/uid_set.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace interimap::sync {
namespace {

constexpr Uid kMaxUid = 4294967295u;

std::vector<Uid> sorted_unique(std::vector<Uid> uids) {
    std::sort(uids.begin(), uids.end());
    uids.erase(std::unique(uids.begin(), uids.end()), uids.end());
    return uids;
}

TEST(CompactSet, RangesInAscendingOrder) {
    EXPECT_EQ(compact_set({}), "");
    EXPECT_EQ(compact_set({5}), "5");
    EXPECT_EQ(compact_set({3, 1, 2, 7, 11, 9, 10, 9}), "1:3,7,9:11");
    EXPECT_EQ(compact_set({kMaxUid, 1, kMaxUid - 1}), "1,4294967294:4294967295");
}

TEST(CompactSetChunks, NoChunkForNoUid) {
    // An empty set would make a command the server rejects.
    EXPECT_TRUE(compact_set_chunks({}).empty());
}

TEST(CompactSetChunks, ShortSetIsOneChunk) {
    EXPECT_EQ(compact_set_chunks({1, 2, 3, 8}), (std::vector<std::string>{"1:3,8"}));
}

TEST(CompactSetChunks, EveryOtherUidIsCutWithinTheLimitAndNothingIsLost) {
    std::vector<Uid> odd;
    for (Uid u = 1; u < 20000; u += 2)
        odd.push_back(u);
    const auto chunks = compact_set_chunks(odd, 1000);
    ASSERT_GT(chunks.size(), 40u); // 10,000 UIDs of up to 5 digits and a comma
    std::vector<Uid> back;
    for (std::size_t i = 0; i < chunks.size(); ++i) {
        const std::string& c = chunks[i];
        EXPECT_LE(c.size(), 1000u);
        EXPECT_FALSE(c.empty());
        EXPECT_NE(c.front(), ',');
        EXPECT_NE(c.back(), ',');
        // Chunks are filled: the next one's first UID would not have fitted.
        if (i + 1 < chunks.size()) {
            const std::string next_first = chunks[i + 1].substr(0, chunks[i + 1].find(','));
            EXPECT_GT(c.size() + 1 + next_first.size(), 1000u) << "chunk " << i;
        }
        auto uids = parse_uid_set(c);
        ASSERT_TRUE(uids) << c;
        back.insert(back.end(), uids->begin(), uids->end());
    }
    EXPECT_EQ(back, odd); // in order, each once
}

TEST(CompactSetChunks, ARangeIsNeverCut) {
    // A range longer than the limit still goes whole: cutting it would not
    // shorten the line, only multiply commands.
    EXPECT_EQ(compact_set_chunks({1000000, 1000001, 1000002, 7}, 5),
              (std::vector<std::string>{"7", "1000000:1000002"}));
}

TEST(CompactSetChunks, DefaultLimitKeepsLinesShort) {
    std::mt19937 rng(42);
    std::uniform_int_distribution<Uid> any(1, kMaxUid);
    std::vector<Uid> uids;
    for (int i = 0; i < 5000; ++i)
        uids.push_back(any(rng));
    const auto chunks = compact_set_chunks(uids);
    std::vector<Uid> back;
    for (const std::string& c : chunks) {
        EXPECT_LE(c.size(), 1000u);
        auto part = parse_uid_set(c);
        ASSERT_TRUE(part);
        back.insert(back.end(), part->begin(), part->end());
    }
    EXPECT_EQ(back, sorted_unique(uids));
}

TEST(ParseUidSet, NumbersAndRangesEitherWay) {
    EXPECT_EQ(parse_uid_set("1:3,7"), (std::vector<Uid>{1, 2, 3, 7}));
    EXPECT_EQ(parse_uid_set("9:7"), (std::vector<Uid>{7, 8, 9}));
    EXPECT_EQ(parse_uid_set("4294967295"), (std::vector<Uid>{kMaxUid}));
    EXPECT_EQ(parse_uid_set("4294967294:4294967295"), (std::vector<Uid>{kMaxUid - 1, kMaxUid}));
}

TEST(ParseUidSet, MalformedSetsAreRefused) {
    for (const char* bad : {"", "0", "0:3", "4294967296", "18446744073709551617", "*", "1:*", ",1",
                            "1,", "1,,2", "1:2:3", " 1", "1 ", "a", "-1", "1:", ":1"}) {
        EXPECT_FALSE(parse_uid_set(bad)) << '"' << bad << '"';
    }
}

TEST(ParseUidSet, SizeIsBoundedBeforeAnythingIsAllocated) {
    // A hostile "VANISHED 1:4294967295" must not make us hold 16 GiB.
    EXPECT_FALSE(parse_uid_set("1:4294967295"));
    EXPECT_TRUE(parse_uid_set("1:10", 10));
    EXPECT_FALSE(parse_uid_set("1:11", 10));
    EXPECT_FALSE(parse_uid_set("1:5,6:10,11", 10));
}

TEST(ParseUidSet, RoundTripsCompactSet) {
    std::mt19937 rng(7);
    for (int round = 0; round < 200; ++round) {
        std::uniform_int_distribution<Uid> near(1, 300);
        std::vector<Uid> uids;
        const int n = 1 + static_cast<int>(rng() % 100);
        for (int i = 0; i < n; ++i)
            uids.push_back(near(rng));
        auto back = parse_uid_set(compact_set(uids));
        ASSERT_TRUE(back);
        EXPECT_EQ(*back, sorted_unique(uids));
    }
}

} // namespace
} // namespace interimap::sync
