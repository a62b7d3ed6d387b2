// How a refused DELETE or RENAME is quoted in the error, as the reference
// quotes the tagged answer: status, response code with its arguments, text;
// and the --target values as the commands read them.
#include "commands/server_mailbox.hpp"
#include "commands/targets.hpp"
#include "imap/connection.hpp"

#include <gtest/gtest.h>

namespace interimap::commands {
namespace {

imap::Value atom(std::string text, imap::Value::Kind kind = imap::Value::Kind::atom) {
    imap::Value v;
    v.kind = kind;
    v.text = std::move(text);
    return v;
}

TEST(QuoteCompletion, StatusAndText) {
    imap::Completion done{"NO", std::nullopt, "Can't rename mailbox under its own child"};
    EXPECT_EQ(imap::describe(done), "NO Can't rename mailbox under its own child");
}

TEST(QuoteCompletion, ResponseCodeWithoutArguments) {
    imap::Completion done{"NO", imap::ResponseCode{"ALREADYEXISTS", {}}, "Mailbox already exists"};
    EXPECT_EQ(imap::describe(done), "NO [ALREADYEXISTS] Mailbox already exists");
}

TEST(QuoteCompletion, ResponseCodeArgumentsKeepTheirSyntax) {
    imap::Value list = atom("", imap::Value::Kind::list);
    list.items = {atom("\\Seen"), atom("say \"hi\"", imap::Value::Kind::string)};
    imap::Completion done{
        "BAD", imap::ResponseCode{"X-CODE", {atom("7", imap::Value::Kind::number), list}}, "odd"};
    EXPECT_EQ(imap::describe(done), "BAD [X-CODE 7 (\\Seen \"say \\\"hi\\\"\")] odd");
}

TEST(Targets, FromNames) {
    Targets all = Targets::from_names({"local", "remote", "database"});
    EXPECT_TRUE(all.local && all.remote && all.database);
    Targets some = Targets::from_names({"remote"});
    EXPECT_FALSE(some.local);
    EXPECT_TRUE(some.remote);
    EXPECT_FALSE(some.database);
    EXPECT_TRUE(some.has(Side::remote));
    EXPECT_FALSE(some.has(Side::local));
}

} // namespace
} // namespace interimap::commands
