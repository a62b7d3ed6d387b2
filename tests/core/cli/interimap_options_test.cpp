#include "cli/interimap_options.hpp"

#include <gtest/gtest.h>

namespace interimap::cli {
namespace {

using Args = std::vector<std::string>;
using Command = InterimapOptions::Command;
const Args all_targets{"local", "remote", "database"};

InterimapOptions accept(const Args& args) {
    CommandLine result = parse_interimap_command_line(args);
    if (auto* error = std::get_if<CommandLineError>(&result)) {
        std::string text;
        for (const auto& m : error->messages)
            text += m + "; ";
        ADD_FAILURE() << "refused: " << ::testing::PrintToString(args) << ": " << text;
        return {};
    }
    return std::get<InterimapOptions>(result);
}

CommandLineError refuse(const Args& args) {
    CommandLine result = parse_interimap_command_line(args);
    if (!std::holds_alternative<CommandLineError>(result)) {
        ADD_FAILURE() << "accepted: " << ::testing::PrintToString(args);
        return {};
    }
    return std::get<CommandLineError>(result);
}

// A usage error: exit status 1, the short usage after the given messages.
void expect_usage_error(const Args& args, std::vector<std::string> messages = {}) {
    CommandLineError e = refuse(args);
    EXPECT_TRUE(e.show_usage) << ::testing::PrintToString(args);
    EXPECT_EQ(e.exit_status, 1) << ::testing::PrintToString(args);
    EXPECT_EQ(e.messages, messages) << ::testing::PrintToString(args);
}

// An invalid argument: exit status 255, one message, no usage.
void expect_invalid(const Args& args, const std::string& message) {
    CommandLineError e = refuse(args);
    EXPECT_FALSE(e.show_usage) << ::testing::PrintToString(args);
    EXPECT_EQ(e.exit_status, 255) << ::testing::PrintToString(args);
    EXPECT_EQ(e.messages, std::vector<std::string>{message}) << ::testing::PrintToString(args);
}

TEST(InterimapOptions, NoArgumentsMeansSyncEverything) {
    InterimapOptions o = accept({});
    EXPECT_EQ(o.command, Command::sync);
    EXPECT_FALSE(o.config);
    EXPECT_EQ(o.targets, all_targets);
    EXPECT_FALSE(o.watch);
    EXPECT_FALSE(o.notify);
    EXPECT_FALSE(o.quiet);
    EXPECT_EQ(o.debug, 0);
    EXPECT_FALSE(o.help);
    EXPECT_FALSE(o.version);
    EXPECT_TRUE(o.mailboxes.empty());
}

TEST(InterimapOptions, Help) {
    for (const Args& args : {Args{"--help"}, Args{"-h"}, Args{"--h"}, Args{"-qh"}, Args{"-hq"},
                             Args{"--help", "--delete", "--rename"}, Args{"--delete", "-h"}})
        EXPECT_TRUE(accept(args).help) << ::testing::PrintToString(args);
    // An unknown option wins over --help.
    expect_usage_error({"--help", "--bogus"}, {"Unknown option: bogus"});
}

TEST(InterimapOptions, VersionIsActedUponFirst) {
    for (const Args& args :
         {Args{"--version"}, Args{"--bogus", "--version"}, Args{"--version", "--bogus"},
          Args{"--help", "--version"}, Args{"--delete", "--version"}})
        EXPECT_TRUE(accept(args).version) << ::testing::PrintToString(args);
    // Not when it is an option's value or a mailbox.
    InterimapOptions o = accept({"--config", "--version"});
    EXPECT_FALSE(o.version);
    EXPECT_EQ(o.config, "--version");
    EXPECT_FALSE(accept({"x", "--version"}).version);
    EXPECT_FALSE(accept({"--", "--version"}).version);
    expect_usage_error({"--version=1"}, {"Option version does not take an argument"});
}

TEST(InterimapOptions, Quiet) {
    for (const Args& args :
         {Args{"-q"}, Args{"--quiet"}, Args{"--q"}, Args{"-qq"}, Args{"-q", "-q"}})
        EXPECT_TRUE(accept(args).quiet) << ::testing::PrintToString(args);
    expect_usage_error({"--quiet=1"}, {"Option quiet does not take an argument"});
}

TEST(InterimapOptions, DebugIsCounted) {
    EXPECT_EQ(accept({"--debug"}).debug, 1);
    InterimapOptions o = accept({"--debug", "--debug", "-q", "--debug"});
    EXPECT_EQ(o.debug, 3);
    EXPECT_TRUE(o.quiet);
    expect_usage_error({"--debug=2"}, {"Option debug does not take an argument"});
}

TEST(InterimapOptions, Config) {
    EXPECT_EQ(accept({"--config=work"}).config, "work");
    EXPECT_EQ(accept({"--config", "work"}).config, "work");
    EXPECT_EQ(accept({"--config", "a", "--config", "b"}).config, "b");
    EXPECT_EQ(accept({"--config=x=y"}).config, "x=y");
    EXPECT_EQ(accept({"--config", "-"}).config, "-");
    EXPECT_EQ(accept({"--config="}).config, "");
    InterimapOptions o = accept({"--config", "--delete", "x"});
    EXPECT_EQ(o.config, "--delete");
    EXPECT_EQ(o.command, Command::sync);
    EXPECT_EQ(o.mailboxes, Args{"x"});
    expect_usage_error({"--config"}, {"Option config requires an argument"});
}

TEST(InterimapOptions, NoAbbreviationsAndCaseMatters) {
    expect_usage_error({"--bogus"}, {"Unknown option: bogus"});
    expect_usage_error({"--wat=5"}, {"Unknown option: wat"});
    expect_usage_error({"--conf=/x"}, {"Unknown option: conf"});
    expect_usage_error({"--deb"}, {"Unknown option: deb"});
    expect_usage_error({"--HELP"}, {"Unknown option: HELP"});
    expect_usage_error({"-x"}, {"Unknown option: x"});
    expect_usage_error({"-Q"}, {"Unknown option: Q"});
    expect_usage_error({"-qx"}, {"Unknown option: x"});
}

TEST(InterimapOptions, Watch) {
    EXPECT_EQ(accept({"--watch"}).watch, 60u);
    EXPECT_EQ(accept({"--watch=30"}).watch, 30u);
    EXPECT_EQ(accept({"--watch="}).watch, 60u);
    EXPECT_EQ(accept({"--watch=0"}).watch, 60u);
    EXPECT_EQ(accept({"--watch=1_0"}).watch, 10u);
    EXPECT_EQ(accept({"--watch", "--watch=3", "--watch"}).watch, 60u);
    EXPECT_EQ(accept({"--notify"}).watch, 900u);
    EXPECT_TRUE(accept({"--notify"}).notify);
    EXPECT_EQ(accept({"--notify", "--watch=5"}).watch, 5u);
    EXPECT_EQ(accept({"--watch", "--notify"}).watch, 900u);
}

TEST(InterimapOptions, WatchTakesTheNextArgumentOnlyIfItIsANumber) {
    InterimapOptions o = accept({"--watch", "30"});
    EXPECT_EQ(o.watch, 30u);
    EXPECT_TRUE(o.mailboxes.empty());
    EXPECT_EQ(accept({"--watch", "+5"}).watch, 5u);
    EXPECT_EQ(accept({"--watch", "030"}).watch, 30u);

    o = accept({"--watch", "foo"});
    EXPECT_EQ(o.watch, 60u);
    EXPECT_EQ(o.mailboxes, Args{"foo"});
    o = accept({"--watch", "1x"});
    EXPECT_EQ(o.watch, 60u);
    EXPECT_EQ(o.mailboxes, Args{"1x"});
    o = accept({"--watch", "--", "x"});
    EXPECT_EQ(o.watch, 60u);
    EXPECT_EQ(o.mailboxes, Args{"x"});
    o = accept({"--watch", "-q"});
    EXPECT_EQ(o.watch, 60u);
    EXPECT_TRUE(o.quiet);
}

TEST(InterimapOptions, BadWatchValues) {
    for (std::string v : {"abc", "0x10", "5x", " 5", "-5", "99999999999"})
        expect_usage_error({"--watch=" + v},
                           {"Value \"" + v + "\" invalid for option watch (number expected)"});
    expect_usage_error({"--watch", "-5"},
                       {"Value \"-5\" invalid for option watch (number expected)"});
}

TEST(InterimapOptions, Commands) {
    EXPECT_EQ(accept({"--repair"}).command, Command::repair);
    EXPECT_EQ(accept({"--repair", "--repair"}).command, Command::repair);
    InterimapOptions o = accept({"--repair", "a", "b"});
    EXPECT_EQ(o.mailboxes, (Args{"a", "b"}));
    o = accept({"--delete", "a", "b"});
    EXPECT_EQ(o.command, Command::delete_);
    EXPECT_EQ(o.mailboxes, (Args{"a", "b"}));
    o = accept({"--rename", "a", "b"});
    EXPECT_EQ(o.command, Command::rename);
    EXPECT_EQ(o.mailboxes, (Args{"a", "b"}));
    EXPECT_EQ(accept({"--delete", "--", "x"}).mailboxes, Args{"x"});
}

TEST(InterimapOptions, CommandCombinationsRefused) {
    expect_usage_error({"--repair", "--delete", "x"});
    expect_usage_error({"--delete", "--rename", "a", "b"});
    expect_usage_error({"--delete"});
    expect_usage_error({"--rename", "a"});
    expect_usage_error({"--rename", "a", "b", "c"});
    expect_usage_error({"--watch", "--delete", "x"});
    expect_usage_error({"--watch=5", "--rename", "a", "b"});
    expect_usage_error({"--notify", "--rename", "a", "b"});
    expect_usage_error({"--notify", "--repair"});
    expect_usage_error({"--delete=1", "x"}, {"Option delete does not take an argument"});
    expect_usage_error({"--repair="}, {"Option repair does not take an argument"});
    expect_usage_error({"--help="}, {"Option help does not take an argument"});
}

TEST(InterimapOptions, OptionsEndAtTheFirstMailbox) {
    InterimapOptions o = accept({"foo", "--delete"});
    EXPECT_EQ(o.command, Command::sync);
    EXPECT_EQ(o.mailboxes, (Args{"foo", "--delete"}));
    EXPECT_EQ(accept({"foo", "--bogus", "-q"}).mailboxes, (Args{"foo", "--bogus", "-q"}));
    EXPECT_FALSE(accept({"foo", "-q"}).quiet);
    EXPECT_EQ(accept({"--", "--delete"}).mailboxes, Args{"--delete"});
    EXPECT_EQ(accept({"-"}).mailboxes, Args{"-"});
    EXPECT_TRUE(accept({"-q", "--"}).mailboxes.empty());
}

TEST(InterimapOptions, Targets) {
    InterimapOptions o = accept({"--target", "local", "--rename", "a", "b"});
    EXPECT_EQ(o.targets, Args{"local"});
    o = accept({"--target=remote,database", "--delete", "a"});
    EXPECT_EQ(o.targets, (Args{"remote", "database"}));
    o = accept({"--target=local,remote", "--target", "database", "--delete", "x"});
    EXPECT_EQ(o.targets, all_targets);
    o = accept({"--target=local", "--target=local,", "--delete", "x"});
    EXPECT_EQ(o.targets, Args{"local"});
    // --target= selects nothing, as with the reference.
    EXPECT_TRUE(accept({"--target=", "--delete", "x"}).targets.empty());
}

TEST(InterimapOptions, TargetsRefused) {
    expect_usage_error({"--target", "local"});
    expect_usage_error({"--target", "local", "--repair"});
    expect_usage_error({"--target", "--delete", "x"}); // "--delete" is the target value
    expect_usage_error({"--target"}, {"Option target requires an argument"});
    expect_invalid({"--target", "foo", "--delete", "x"}, "Invalid target foo");
    expect_invalid({"--target=x", "--target=", "--delete", "a"}, "Invalid target x");
    expect_invalid({"--target=local,Remote", "--delete", "a"}, "Invalid target Remote");
}

TEST(InterimapOptions, InboxIsCaseInsensitive) {
    EXPECT_EQ(accept({"inbox", "InBoX", "Inboxe", "INBOX/sub"}).mailboxes,
              (Args{"INBOX", "INBOX", "Inboxe", "INBOX/sub"}));
    EXPECT_EQ(accept({"--rename", "a", "inbox"}).mailboxes, (Args{"a", "INBOX"}));
}

TEST(InterimapOptions, MailboxNamesMustBeAscii) {
    expect_invalid({"caf\xc3\xa9"}, "Invalid mailbox name caf\xc3\xa9");
    expect_invalid({""}, "Invalid mailbox name ");
    expect_invalid({"--delete", "--target=foo", "x", "\xe9"}, "Invalid mailbox name \xe9");
    expect_invalid({"--watch=5", "ok", "\xff", "\xfe"}, "Invalid mailbox name \xff");
    EXPECT_EQ(accept({"a&AOk-b", "with space", "tab\there"}).mailboxes.size(), 3u);
}

TEST(InterimapOptions, ArgcArgvOverload) {
    const char* argv[] = {"interimap", "--debug", "--delete", "x", nullptr};
    CommandLine result = parse_interimap_command_line(4, argv);
    ASSERT_TRUE(std::holds_alternative<InterimapOptions>(result));
    const auto& o = std::get<InterimapOptions>(result);
    EXPECT_EQ(o.debug, 1);
    EXPECT_EQ(o.command, Command::delete_);
    EXPECT_EQ(o.mailboxes, Args{"x"});
}

TEST(InterimapOptions, UsageTexts) {
    EXPECT_EQ(interimap_usage(), "Usage: interimap [OPTIONS] [MAILBOX [..]]\n"
                                 "  or: interimap [OPTIONS] --repair [MAILBOX [..]]\n"
                                 "  or: interimap [OPTIONS] --delete MAILBOX [..]\n"
                                 "  or: interimap [OPTIONS] --rename SOURCE DEST\n"
                                 "Consult the manpage for more information.\n");
    EXPECT_EQ(interimap_usage_error(),
              "Usage: interimap [OPTIONS] [COMMAND] [MAILBOX [..]]\n"
              "Try 'interimap --help' or consult the manpage for more information.\n");
    std::string version = interimap_version("/usr/bin/interimap");
    EXPECT_EQ(version.rfind("/usr/bin/interimap version ", 0), 0u);
    EXPECT_EQ(version.back(), '\n');
    EXPECT_NE(version.find_first_of("0123456789"), std::string::npos);
}

} // namespace
} // namespace interimap::cli
