// The comparison of --repair: what it decides for each pair of the mapping
// and for each message nobody maps, and the reference's warnings, word for
// word and in its order.
#include "sync/repair.hpp"

#include <gtest/gtest.h>

namespace interimap::sync {
namespace {

constexpr std::uint64_t kLocalRecorded = 100;  // HIGHESTMODSEQ recorded for local
constexpr std::uint64_t kRemoteRecorded = 200; // ... and for remote

RepairSideView view(Uid uidnext, std::uint64_t highestmodseq) {
    RepairSideView v;
    v.uidnext = uidnext;
    v.highestmodseq = highestmodseq;
    return v;
}

struct RepairPlanTest : ::testing::Test {
    RepairSideView local = view(20, kLocalRecorded);
    RepairSideView remote = view(30, kRemoteRecorded);

    RepairPlan plan(std::vector<UidPair> pairs) {
        return plan_repair(std::move(pairs), local, remote, "INBOX");
    }
};

} // namespace

// Readable failures.
void PrintTo(const RepairWarning& w, std::ostream* out) {
    *out << (w.side ? side_name(*w.side) : "-") << ": " << w.text;
}

namespace {

using Updates = std::map<FlagList, std::vector<Uid>>;
using Warnings = std::vector<RepairWarning>;

bool nothing_to_do(const RepairPlan& p) {
    return p.pair_warnings.empty() && p.remove_local.empty() && p.remove_remote.empty() &&
           p.forget.empty() && p.update_local.empty() && p.update_remote.empty() &&
           p.unmatched_warnings.empty() && p.copy_from_local.empty() && p.copy_from_remote.empty();
}

TEST_F(RepairPlanTest, PairsWithTheSameFlagsNeedNothing) {
    local.messages = {{1, {50, "\\Seen"}}, {2, {150, ""}}};
    remote.messages = {{11, {250, "\\Seen"}}, {12, {10, ""}}};
    EXPECT_TRUE(nothing_to_do(plan({{1, 11}, {2, 12}})));
}

TEST_F(RepairPlanTest, TheSideChangedSinceTheRecordedStateWins) {
    local.messages = {{1, {kLocalRecorded + 1, "\\Seen"}}, {2, {kLocalRecorded, "\\Seen"}}};
    remote.messages = {{11, {kRemoteRecorded, ""}}, {12, {kRemoteRecorded + 5, "\\Flagged"}}};
    RepairPlan p = plan({{1, 11}, {2, 12}});
    EXPECT_EQ(p.update_remote, (Updates{{"\\Seen", {11}}}));
    EXPECT_EQ(p.update_local, (Updates{{"\\Flagged", {2}}}));
    EXPECT_TRUE(p.pair_warnings.empty());
    EXPECT_TRUE(p.forget.empty());
}

TEST_F(RepairPlanTest, ChangedOnBothSidesGetsTheUnionWithAConflictWarning) {
    local.messages = {{1, {kLocalRecorded + 1, "\\Answered"}}};
    remote.messages = {{11, {kRemoteRecorded + 1, "\\Flagged $Label"}}};
    RepairPlan p = plan({{1, 11}});
    EXPECT_EQ(p.pair_warnings,
              (Warnings{{std::nullopt,
                         "Conflicting flag update in INBOX for local UID 1 (\\Answered) and remote "
                         "UID 11 (\\Flagged $Label). Setting both to the union ($Label \\Answered "
                         "\\Flagged)."}}));
    EXPECT_EQ(p.update_local, (Updates{{"$Label \\Answered \\Flagged", {1}}}));
    EXPECT_EQ(p.update_remote, (Updates{{"$Label \\Answered \\Flagged", {11}}}));
}

TEST_F(RepairPlanTest, AChangeHiddenFromBothSidesIsAMissedUpdate) {
    local.messages = {{4, {kLocalRecorded, "\\Seen"}}};
    remote.messages = {{5, {kRemoteRecorded - 1, ""}}};
    RepairPlan p = plan({{4, 5}});
    EXPECT_EQ(
        p.pair_warnings,
        (Warnings{{std::nullopt, "Missed flag update in INBOX for (lUID,rUID) = (4,5). Repairing."},
                  {std::nullopt, "Conflicting flag update in INBOX for local UID 4 (\\Seen) "
                                 "and remote UID 5 (). Setting both to the union (\\Seen)."}}));
    EXPECT_EQ(p.update_local, (Updates{{"\\Seen", {4}}}));
    EXPECT_EQ(p.update_remote, (Updates{{"\\Seen", {5}}}));
}

TEST_F(RepairPlanTest, APairGoneFromBothSidesIsForgotten) {
    local.vanished = {1, 3};
    remote.vanished = {11};
    RepairPlan p = plan({{1, 11}, {2, 12}, {3, 13}});
    EXPECT_EQ(p.forget, (std::vector<Uid>{1, 2, 3}));
    // Silent only when both servers reported it VANISHED.
    EXPECT_EQ(
        p.pair_warnings,
        (Warnings{{std::nullopt, "Pair (lUID,rUID) = (2,12) vanished from INBOX. Repairing."},
                  {std::nullopt, "Pair (lUID,rUID) = (3,13) vanished from INBOX. Repairing."}}));
    EXPECT_TRUE(p.remove_local.empty());
    EXPECT_TRUE(p.remove_remote.empty());
    EXPECT_TRUE(p.copy_from_local.empty());
    EXPECT_TRUE(p.copy_from_remote.empty());
    EXPECT_TRUE(p.unmatched_warnings.empty());
}

TEST_F(RepairPlanTest, VanishedOnOneSideIsRemovedOnTheOther) {
    local.messages = {{2, {1, ""}}};
    remote.messages = {{11, {1, ""}}};
    local.vanished = {1};
    remote.vanished = {12};
    RepairPlan p = plan({{1, 11}, {2, 12}});
    EXPECT_EQ(p.remove_remote, (std::vector<Uid>{11}));
    EXPECT_EQ(p.remove_local, (std::vector<Uid>{2}));
    EXPECT_EQ(p.forget, (std::vector<Uid>{1, 2}));
    EXPECT_TRUE(p.pair_warnings.empty());
    EXPECT_TRUE(p.unmatched_warnings.empty());
}

TEST_F(RepairPlanTest, DisappearedWithoutVanishedIsCopiedBack) {
    local.messages = {{2, {1, ""}}};
    remote.messages = {{11, {1, ""}}};
    RepairPlan p = plan({{1, 11}, {2, 12}});
    EXPECT_EQ(p.pair_warnings,
              (Warnings{{Side::local, "UID 1 disappeared. Redownloading remote UID 11."},
                        {Side::remote, "UID 12 disappeared. Redownloading local UID 2."}}));
    EXPECT_EQ(p.copy_from_remote, (std::vector<Uid>{11}));
    EXPECT_EQ(p.copy_from_local, (std::vector<Uid>{2}));
    EXPECT_EQ(p.forget, (std::vector<Uid>{1, 2}));
    EXPECT_TRUE(p.remove_local.empty());
    EXPECT_TRUE(p.remove_remote.empty());
}

TEST_F(RepairPlanTest, VanishedUidsNobodyMapsAreOnlyReported) {
    local.vanished = {3, 4, 5, 9};
    remote.vanished = {17};
    local.messages = {{1, {1, ""}}};
    remote.messages = {{11, {1, ""}}, {19, {1, ""}}};
    RepairPlan p = plan({{1, 11}, {9, 19}});
    EXPECT_EQ(p.unmatched_warnings,
              (Warnings{{Side::remote, "No match for 3 vanished local UID(s) 3:5. Ignoring."},
                        {Side::local, "No match for 1 vanished remote UID(s) 17. Ignoring."}}));
    // 9 is mapped: its pair goes, without a word.
    EXPECT_TRUE(p.pair_warnings.empty());
    EXPECT_EQ(p.remove_remote, (std::vector<Uid>{19}));
}

TEST_F(RepairPlanTest, KnownMessagesNobodyMapsAreCopiedNewOnesAreLeftToTheSync) {
    local.messages = {{1, {1, ""}}, {3, {1, ""}}, {2, {1, ""}}, {20, {1, ""}}, {25, {1, ""}}};
    remote.messages = {{11, {1, ""}}, {29, {1, ""}}, {30, {1, ""}}};
    RepairPlan p = plan({{1, 11}});
    EXPECT_EQ(p.unmatched_warnings,
              (Warnings{{Side::remote, "No match for modified local UID 2. Redownloading."},
                        {Side::remote, "No match for modified local UID 3. Redownloading."},
                        {Side::local, "No match for modified remote UID 29. Redownloading."}}));
    EXPECT_EQ(p.copy_from_local, (std::vector<Uid>{2, 3}));
    EXPECT_EQ(p.copy_from_remote, (std::vector<Uid>{29}));
}

TEST_F(RepairPlanTest, CopiesBackAndUnmatchedCopiesComeInUidOrder) {
    local.messages = {{2, {1, ""}}, {3, {1, ""}}};
    remote.messages = {{1, {1, ""}}, {2, {1, ""}}, {5, {1, ""}}};
    RepairPlan p = plan({{5, 5}});
    EXPECT_EQ(p.copy_from_remote, (std::vector<Uid>{1, 2, 5}));
    EXPECT_EQ(p.copy_from_local, (std::vector<Uid>{2, 3}));
}

TEST_F(RepairPlanTest, PairsAreLookedAtByAscendingLocalUid) {
    local.messages = {{3, {kLocalRecorded, "a"}}, {7, {kLocalRecorded, "b"}}};
    remote.messages = {{1, {kRemoteRecorded, ""}}, {2, {kRemoteRecorded, ""}}};
    RepairPlan p = plan({{7, 1}, {3, 2}});
    ASSERT_EQ(p.pair_warnings.size(), 4u);
    EXPECT_EQ(p.pair_warnings[0].text,
              "Missed flag update in INBOX for (lUID,rUID) = (3,2). Repairing.");
    EXPECT_EQ(p.pair_warnings[2].text,
              "Missed flag update in INBOX for (lUID,rUID) = (7,1). Repairing.");
    EXPECT_EQ(p.update_local, (Updates{{"a", {3}}, {"b", {7}}}));
    EXPECT_EQ(p.update_remote, (Updates{{"a", {2}}, {"b", {1}}}));
}

TEST_F(RepairPlanTest, UnknownRecordedStateMakesEverythingNew) {
    // A UIDNEXT of 1: no message is known, none is reported unmatched.
    local = view(1, 0);
    remote = view(1, 0);
    local.messages = {{1, {1, ""}}};
    remote.messages = {{1, {1, ""}}};
    EXPECT_TRUE(nothing_to_do(plan({})));
}

} // namespace
} // namespace interimap::sync
