// STATUS responses, whole (LIST-STATUS, NOTIFY SET STATUS) or partial (a
// NOTIFY event), and whether they tell of changes the database has not seen.
#include "core/imap/parse_helpers.hpp"
#include "sync/status_report.hpp"

#include <gtest/gtest.h>

namespace interimap::sync {
namespace {

using imap::test::parse_one;

TEST(StatusReport, ReadsTheItemsItKnowsAndSkipsTheOthers) {
    auto r = parse_status_report(parse_one("* STATUS inbox (MESSAGES 1 UIDNEXT 2 UIDVALIDITY "
                                           "1795264410 UNSEEN 1 HIGHESTMODSEQ 3)\r\n"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->mailbox, "INBOX");
    EXPECT_EQ(r->uidvalidity, 1795264410u);
    EXPECT_EQ(r->uidnext, 2u);
    EXPECT_EQ(r->highestmodseq, 3u);
}

TEST(StatusReport, AFlagChangeReportsHighestmodseqAlone) {
    auto r = parse_status_report(parse_one("* STATUS \"a b\" (UNSEEN 1 HIGHESTMODSEQ 4)\r\n"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->mailbox, "a b");
    EXPECT_FALSE(r->uidvalidity);
    EXPECT_FALSE(r->uidnext);
    EXPECT_EQ(r->highestmodseq, 4u);
}

TEST(StatusReport, RefusesMalformedItems) {
    EXPECT_FALSE(parse_status_report(parse_one("* STATUS INBOX (UIDNEXT)\r\n")));
    EXPECT_FALSE(parse_status_report(parse_one("* STATUS INBOX (UIDNEXT x)\r\n")));
    EXPECT_FALSE(
        parse_status_report(parse_one("* STATUS INBOX (HIGHESTMODSEQ 99999999999999999999)\r\n")));
    EXPECT_FALSE(parse_status_report(parse_one("* STATUS INBOX\r\n")));
    EXPECT_FALSE(parse_status_report(parse_one("* LIST () \"/\" INBOX\r\n")));
}

TEST(StatusReport, MergeKeepsWhatTheLaterReportDoesNotSay) {
    StatusReport first{"INBOX", 7, 2, 3};
    first.merge(StatusReport{"INBOX", std::nullopt, std::nullopt, 5});
    EXPECT_EQ(first.uidvalidity, 7u);
    EXPECT_EQ(first.uidnext, 2u);
    EXPECT_EQ(first.highestmodseq, 5u);
}

TEST(StatusReport, NewsAreValuesPastTheRecordedOnes) {
    const MailboxState recorded{7, 10, 100};
    EXPECT_TRUE(reports_news(std::nullopt, StatusReport{"INBOX", 7, 10, 100}));
    EXPECT_FALSE(reports_news(recorded, StatusReport{"INBOX", 7, 10, 100}));
    EXPECT_TRUE(reports_news(recorded, StatusReport{"INBOX", std::nullopt, 11, std::nullopt}));
    EXPECT_TRUE(reports_news(recorded, StatusReport{"INBOX", std::nullopt, std::nullopt, 101}));
    EXPECT_TRUE(reports_news(recorded, StatusReport{"INBOX", 8, std::nullopt, std::nullopt}));
    // Older than the last synchronisation: the echo of our own changes.
    EXPECT_FALSE(reports_news(recorded, StatusReport{"INBOX", 7, 9, 99}));
    EXPECT_FALSE(
        reports_news(recorded, StatusReport{"INBOX", std::nullopt, std::nullopt, std::nullopt}));
}

} // namespace
} // namespace interimap::sync
