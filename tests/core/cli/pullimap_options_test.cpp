// pullimap's command line against what Getopt::Long does for the
// reference's option table (checked by running /usr/bin/pullimap).
#include "cli/pullimap_options.hpp"

#include <gtest/gtest.h>

namespace interimap::cli {
namespace {

PullimapOptions ok(std::vector<std::string> args) {
    auto r = parse_pullimap_command_line(args);
    auto* o = std::get_if<PullimapOptions>(&r);
    EXPECT_NE(o, nullptr);
    return o ? *o : PullimapOptions{};
}

std::vector<std::string> refused(std::vector<std::string> args) {
    auto r = parse_pullimap_command_line(args);
    auto* e = std::get_if<PullimapCommandLineError>(&r);
    EXPECT_NE(e, nullptr);
    return e ? e->messages : std::vector<std::string>{"accepted"};
}

TEST(PullimapOptions, SectionAndOptionsInAnyOrder) {
    auto o = ok({"acct", "--quiet", "--config=/x.conf", "--debug", "--debug"});
    EXPECT_EQ(o.section, "acct");
    EXPECT_TRUE(o.quiet);
    EXPECT_EQ(o.config, "/x.conf");
    EXPECT_EQ(o.debug, 2);
    EXPECT_FALSE(o.idle);
    EXPECT_FALSE(o.no_delivery);
    EXPECT_EQ(ok({"--config", "other", "-q", "--no-delivery", "acct"}).config, "other");
    EXPECT_TRUE(ok({"--no-delivery", "acct"}).no_delivery);
    EXPECT_EQ(ok({"--", "-acct"}).section, "-acct");
}

TEST(PullimapOptions, IdleTakesANumberOnlyWhenItIsOne) {
    EXPECT_EQ(ok({"--idle", "acct"}).idle, kDefaultIdle);
    EXPECT_EQ(ok({"--idle", "30", "acct"}).idle, std::chrono::seconds(30));
    EXPECT_EQ(ok({"--idle=45", "acct"}).idle, std::chrono::seconds(45));
    EXPECT_EQ(ok({"--idle=0", "acct"}).idle, kDefaultIdle);
    EXPECT_EQ(ok({"acct", "--idle"}).idle, kDefaultIdle);
    EXPECT_EQ(refused({"--idle=x", "acct"}),
              std::vector<std::string>{"Value \"x\" invalid for option idle (number expected)"});
}

TEST(PullimapOptions, RefusedAsTheReferenceDoes) {
    EXPECT_EQ(refused({"--bogus", "acct"}), std::vector<std::string>{"Unknown option: bogus"});
    EXPECT_EQ(refused({"--deb", "acct"}), std::vector<std::string>{"Unknown option: deb"});
    EXPECT_EQ(refused({"-x", "acct"}), std::vector<std::string>{"Unknown option: x"});
    EXPECT_EQ(refused({"--no-delivery=1", "acct"}),
              std::vector<std::string>{"Option no-delivery does not take an argument"});
    EXPECT_TRUE(refused({}).empty());         // usage only
    EXPECT_TRUE(refused({"a", "b"}).empty()); // one SECTION
    EXPECT_TRUE(refused({"_"}).empty());      // the default section is no account
    EXPECT_EQ(refused({"--config"}),
              std::vector<std::string>{"Option config requires an argument"});
}

TEST(PullimapOptions, HelpAndVersionNeedNoSection) {
    EXPECT_TRUE(ok({"-hq"}).help);
    EXPECT_TRUE(ok({"--h"}).help);
    EXPECT_TRUE(ok({"--version", "--bogus"}).version);
    EXPECT_NE(pullimap_usage_error().find("Try 'pullimap --help'"), std::string::npos);
}

} // namespace
} // namespace interimap::cli
