// What a server reports about a mailbox: VANISHED and flag updates kept
// until the sync takes them, our own expunges told apart.
#include "imap/parser.hpp"
#include "sync/selected_mailbox.hpp"

#include <gtest/gtest.h>

namespace interimap::sync {
namespace {

imap::Response parse(const std::string& line) {
    imap::ResponseParser parser;
    std::optional<imap::Response> out;
    auto fed = parser.feed(std::string_view(line), [&](imap::Response&& r) { out = std::move(r); });
    EXPECT_TRUE(fed);
    EXPECT_TRUE(out);
    return std::move(*out);
}

TEST(SelectedMailbox, OurExpungesReportedLaterAreNotNews) {
    SelectedMailbox m("INBOX");
    m.handle(parse("* VANISHED 3:4\r\n")); // answering our UID EXPUNGE 3:5
    EXPECT_EQ(m.take_expunged({3, 4, 5}), (std::vector<Uid>{3, 4}));
    m.forget_our_expunges({3, 4});
    // A later SELECT (QRESYNC) reports them again, with one by another client.
    m.handle(parse("* VANISHED (EARLIER) 3:4,9\r\n"));
    EXPECT_EQ(m.take_vanished(), (std::vector<Uid>{9}));
}

TEST(SelectedMailbox, FlagUpdatesKeepTheHighestModseq) {
    SelectedMailbox m("INBOX");
    m.handle(parse("* 1 FETCH (UID 7 FLAGS (\\Seen \\Recent) MODSEQ (12))\r\n"));
    m.handle(parse("* 2 FETCH (UID 7 MODSEQ (15))\r\n"));
    EXPECT_EQ(m.highestmodseq, 15u);
    auto mod = m.take_modified();
    ASSERT_EQ(mod.size(), 1u);
    EXPECT_EQ(mod[7].modseq, 15u);
    EXPECT_EQ(mod[7].flags, "\\Seen");
}

} // namespace
} // namespace interimap::sync
