#include "config/pullimap_config.hpp"
#include "temp_env.hpp"

#include <gtest/gtest.h>

namespace interimap::config {
namespace {

class PullimapConfigTest : public ::testing::Test {
protected:
    Result<ConfigSection> load(const std::string& text, const std::string& section) {
        return load_pullimap_section(dir_.write("config", text), section);
    }
    testing::TempDir dir_;
};

TEST_F(PullimapConfigTest, SectionOverDefaultsWithTheManualsDefaults) {
    auto s = load("deliver-rcpt = all@example.org\nmailbox = Archive\n"
                  "[work]\ntype = tunnel\ncommand = doveadm exec imap\nmailbox = INBOX\n"
                  "deliver-method = lmtp:[::1]:24\npurge-after = 7\n[home]\n",
                  "work");
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->get("mailbox"), "INBOX");
    EXPECT_EQ(s->get("deliver-rcpt"), "all@example.org"); // inherited
    EXPECT_EQ(s->get("deliver-method"), "lmtp:[::1]:24");
    EXPECT_EQ(s->get("purge-after"), "7");
    EXPECT_EQ(s->get("STARTTLS"), "YES");
    EXPECT_EQ(s->get("auth"), "PLAIN LOGIN");
    EXPECT_FALSE(s->has("port")); // none for tunnels
    EXPECT_FALSE(s->has("compress"));
    auto home = load("[home]\n", "home");
    ASSERT_TRUE(home);
    EXPECT_EQ(home->get("type"), "imaps");
    EXPECT_EQ(home->get("port"), "993");
}

TEST_F(PullimapConfigTest, RefusedAsTheReferenceDoes) {
    auto missing = load("[a]\n", "b");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message, "No such section b");
    EXPECT_TRUE(missing.error().context.empty());
    // Only the chosen section (and the default one) is checked.
    EXPECT_TRUE(load("[a]\n[b]\nbogus = 1\n", "a"));
    for (const char* bad :
         {"[a]\nbogus = 1\n", "[a]\nlogfile = /tmp/x\n", "[a]\ndeliver-method = smtp:host:25\n",
          "[a]\ndeliver-method = smtp:[127.0.0.1]\n", "[a]\npurge-after = 1d\n",
          "bogus = 1\n[a]\n"}) {
        auto r = load(bad, "a");
        EXPECT_FALSE(r) << bad;
        if (!r) {
            EXPECT_EQ(r.error().code, ErrorCode::config) << bad;
        }
    }
    EXPECT_TRUE(load("[a]\npurge-after =\n", "a")); // empty: no purge
    auto none = load_pullimap_section(dir_.path() / "nonexistent", "a");
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().code, ErrorCode::not_found);
}

} // namespace
} // namespace interimap::config
