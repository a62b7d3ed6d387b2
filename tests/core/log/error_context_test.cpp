// An error's context names a component and, for the sync engine's errors
// about a mailbox, the mailbox: split back for the log prefix.
#include "log/error_context.hpp"

#include <gtest/gtest.h>

namespace interimap::log {
namespace {

void expect_split(std::string_view context, std::string_view name, std::string_view mailbox) {
    const LogContext c = log_context_of(context);
    EXPECT_EQ(c.name, name) << context;
    EXPECT_EQ(c.mailbox, mailbox) << context;
}

TEST(ErrorContext, MailboxRoundTrips) {
    EXPECT_EQ(error_context("remote", "INBOX"), "remote(INBOX)");
    EXPECT_EQ(error_context("local", ""), "local");
    expect_split(error_context("remote", "INBOX"), "remote", "INBOX");
    // A mailbox name may hold parentheses of its own.
    expect_split(error_context("local", "Lists/a (b)"), "local", "Lists/a (b)");
    expect_split(error_context("local", "("), "local", "(");
}

TEST(ErrorContext, PlainNamesStayWhole) {
    expect_split("remote", "remote", "");
    expect_split("database", "database", "");
    expect_split("", "", "");
    expect_split("local()", "local()", "");
    expect_split("(INBOX)", "(INBOX)", "");
    expect_split("remote(INBOX", "remote(INBOX", "");
}

} // namespace
} // namespace interimap::log
