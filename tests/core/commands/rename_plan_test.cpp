// The database side of --rename: which stored names follow SOURCE, and an
// order in which renaming them one row at a time never hits the UNIQUE
// constraint on names.
#include "commands/rename_mailbox.hpp"

#include <gtest/gtest.h>
#include <map>

namespace interimap::commands {
namespace {

using namespace std::string_literals;

std::vector<MailboxRecord> records(const std::vector<std::string>& names) {
    std::vector<MailboxRecord> out;
    MailboxId id = 1;
    for (const std::string& n : names)
        out.push_back(MailboxRecord{id++, n, false, std::nullopt, std::nullopt});
    return out;
}

/// Applies the plan row by row as a UNIQUE column would, returning the
/// final names, or failing the test on the first collision.
std::map<std::string, MailboxId>
apply_plan(const std::vector<MailboxRecord>& stored,
           const std::vector<std::pair<MailboxId, StoredMailboxName>>& plan) {
    std::map<std::string, MailboxId> by_name;
    std::map<MailboxId, std::string> by_id;
    for (const MailboxRecord& m : stored) {
        by_name[m.name] = m.id;
        by_id[m.id] = m.name;
    }
    for (const auto& [id, name] : plan) {
        auto taken = by_name.find(name);
        EXPECT_TRUE(taken == by_name.end() || taken->second == id)
            << "renaming " << id << " collides with " << taken->second;
        by_name.erase(by_id[id]);
        by_name[name] = id;
        by_id[id] = name;
    }
    return by_name;
}

TEST(RenamePlan, RenamesTheMailboxAndItsChildrenOnly) {
    auto stored = records({"Work", "Work\0Sub"s, "Work\0Sub\0Deep"s, "Worker", "Workbench\0x"s,
                           "INBOX", "Other\0Work"s});
    auto plan = plan_database_renames(stored, "Work", "Job");
    EXPECT_EQ(plan.size(), 3u);
    auto names = apply_plan(stored, plan);
    std::map<std::string, MailboxId> expected{
        {"Job", 1},           {"Job\0Sub"s, 2}, {"Job\0Sub\0Deep"s, 3}, {"Worker", 4},
        {"Workbench\0x"s, 5}, {"INBOX", 6},     {"Other\0Work"s, 7}};
    EXPECT_EQ(names, expected);
}

TEST(RenamePlan, ChildrenFollowWhenTheParentHasNoEntry) {
    auto stored = records({"a\0b"s, "a\0c\0d"s, "ab"});
    auto names = apply_plan(stored, plan_database_renames(stored, "a", "z\0y"s));
    std::map<std::string, MailboxId> expected{{"z\0y\0b"s, 1}, {"z\0y\0c\0d"s, 2}, {"ab", 3}};
    EXPECT_EQ(names, expected);
}

TEST(RenamePlan, NothingToRename) {
    auto stored = records({"INBOX", "ab", "a b"});
    EXPECT_TRUE(plan_database_renames(stored, "a", "z").empty());
}

TEST(RenamePlan, MovingIntoItsOwnSubtreeNeverCollides) {
    // a -> a/b: a/c becomes a/b/c, the name a/b/c had, which moves first.
    auto stored = records({"a", "a\0c"s, "a\0b\0c"s, "a\0b\0c\0d"s});
    auto names = apply_plan(stored, plan_database_renames(stored, "a", "a\0b"s));
    std::map<std::string, MailboxId> expected{
        {"a\0b"s, 1}, {"a\0b\0c"s, 2}, {"a\0b\0b\0c"s, 3}, {"a\0b\0b\0c\0d"s, 4}};
    EXPECT_EQ(names, expected);
}

TEST(RenamePlan, MovingUpToItsOwnParentNeverCollides) {
    // a/b -> a: a/b/b becomes a/b, the name a/b had, which moves first.
    auto stored = records({"a\0b"s, "a\0b\0b"s, "a\0b\0b\0x"s});
    auto names = apply_plan(stored, plan_database_renames(stored, "a\0b"s, "a"));
    std::map<std::string, MailboxId> expected{{"a", 1}, {"a\0b"s, 2}, {"a\0b\0x"s, 3}};
    EXPECT_EQ(names, expected);
}

} // namespace
} // namespace interimap::commands
