// The rule deciding between `/bin/sh -c` and execvp for a tunnel command.
#include "command_line.hpp"

#include <gtest/gtest.h>
#include <string>

namespace interimap::tunnel {
namespace {

using Words = std::vector<std::string>;

TEST(TunnelCommandLine, PlainWordsAreExecutedDirectly) {
    ExecPlan plan = plan_exec("doveadm -c /etc/dovecot/x.conf exec imap");
    EXPECT_FALSE(plan.via_shell);
    EXPECT_EQ(plan.argv, (Words{"doveadm", "-c", "/etc/dovecot/x.conf", "exec", "imap"}));
}

TEST(TunnelCommandLine, SplitsOnAnyRunOfWhitespace) {
    ExecPlan plan = plan_exec("  ssh\t-x   host  imapd ");
    EXPECT_FALSE(plan.via_shell);
    EXPECT_EQ(plan.argv, (Words{"ssh", "-x", "host", "imapd"}));
}

TEST(TunnelCommandLine, EachShellMetacharacterSelectsTheShell) {
    for (char c : std::string("$&*(){}[]'\";\\|?<>~`")) {
        std::string command = std::string("imapd a") + c + "b";
        ExecPlan plan = plan_exec(command);
        EXPECT_TRUE(plan.via_shell) << command;
        EXPECT_EQ(plan.argv, (Words{"/bin/sh", "-c", command})) << command;
    }
}

TEST(TunnelCommandLine, OtherPunctuationIsNotSpecial) {
    for (std::string command : {"imapd a#b", "imapd a!b", "imapd a=b", "imapd a%b^c", "imapd a,b:c",
                                "imapd --opt=x", "/usr/lib/dovecot/imap -u user@example.net"}) {
        EXPECT_FALSE(needs_shell(command)) << command;
    }
}

TEST(TunnelCommandLine, InnerNewlineSelectsTheShellButAFinalOneDoesNot) {
    EXPECT_TRUE(needs_shell("imapd\nimapd"));
    ExecPlan plan = plan_exec("imapd -x\n");
    EXPECT_FALSE(plan.via_shell);
    EXPECT_EQ(plan.argv, (Words{"imapd", "-x"}));
}

TEST(TunnelCommandLine, LeadingAssignmentSelectsTheShell) {
    EXPECT_TRUE(needs_shell("USER=nobody doveadm exec imap"));
    EXPECT_TRUE(needs_shell("  X_1=2 imapd"));
    EXPECT_FALSE(needs_shell("imapd USER=nobody"));
    EXPECT_FALSE(needs_shell("my-prog=1 x")); // '-' ends the would-be variable name
}

TEST(TunnelCommandLine, ShellBuiltinsSelectTheShell) {
    EXPECT_TRUE(needs_shell("exec imapd"));
    EXPECT_TRUE(needs_shell(". ./env"));
    EXPECT_FALSE(needs_shell("executor imapd"));
    EXPECT_FALSE(needs_shell("./imapd"));
}

TEST(TunnelCommandLine, ShellGetsTheCommandWithoutLeadingBlanks) {
    ExecPlan plan = plan_exec("   echo hi; exit 3");
    EXPECT_TRUE(plan.via_shell);
    EXPECT_EQ(plan.argv, (Words{"/bin/sh", "-c", "echo hi; exit 3"}));
}

TEST(TunnelCommandLine, BlankCommandHasNoWords) {
    EXPECT_TRUE(plan_exec("   ").argv.empty());
}

} // namespace
} // namespace interimap::tunnel
