#include "config/interimap_config.hpp"
#include "temp_env.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

namespace interimap::config {
namespace {

using namespace std::string_literals;

const std::string data_dir = INTERIMAP_TEST_DATA_DIR "/config/";

class InterimapConfigTest : public ::testing::Test {
protected:
    Result<InterimapConfig> load_text(const std::string& text) {
        return load_interimap_config(dir_.write("config", text));
    }
    std::string file() const { return (dir_.path() / "config").string(); }

    InterimapConfig load_ok(const std::string& text) {
        auto config = load_text(text);
        EXPECT_TRUE(config) << (config ? "" : config.error().message);
        return config ? *config : InterimapConfig{};
    }

    std::string load_error(const std::string& text) {
        auto config = load_text(text);
        EXPECT_FALSE(config) << text;
        return config ? "" : config.error().message;
    }

    testing::TempDir dir_;
};

TEST_F(InterimapConfigTest, CompleteExampleLoads) {
    auto config = load_interimap_config(data_dir + "complete.conf");
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->file, data_dir + "complete.conf");

    EXPECT_EQ(config->defaults.name(), "");
    EXPECT_EQ(config->defaults.get("database"), "archive.db");
    EXPECT_EQ(config->defaults.get("logfile"), "/var/log/interimap.log");
    EXPECT_EQ(config->defaults.get("list-select-opts"), "subscribed recursivematch");
    EXPECT_EQ(config->defaults.get("ignore-mailbox"), "^virtual(?:\\x00|$)");
    EXPECT_EQ(config->defaults.origin("database").line, 3);

    ASSERT_TRUE(config->list_mailbox);
    EXPECT_EQ(*config->list_mailbox,
              (std::vector<std::string>{"INBOX", "Sent Items", "foo\0bar"s, "Archive/*"}));
    EXPECT_EQ(config->log_prefix.format(), "%?n?[%n]&-? %?m?%m: ?");
    EXPECT_EQ(config->log_prefix.expand("local", "INBOX"), "[local] INBOX: ");

    const ConfigSection& local = config->local;
    EXPECT_EQ(local.name(), "local");
    EXPECT_EQ(local.get("type"), "tunnel");
    EXPECT_EQ(local.get("command"), "doveadm exec imap");
    EXPECT_EQ(local.get("null-stderr"), "YES");
    EXPECT_EQ(local.get("list-reference"), "");   // overrides the default section
    EXPECT_EQ(local.get("username"), "alice");    // inherited
    EXPECT_EQ(local.origin("username").line, 10); // where it was written
    EXPECT_FALSE(local.has("port"));              // no default port for tunnels
    EXPECT_FALSE(local.has("compress"));          // its default is the login's (NO for [local])
    EXPECT_FALSE(local.has("database"));          // global options stay global
    EXPECT_FALSE(local.has("logfile"));

    const ConfigSection& remote = config->remote;
    EXPECT_EQ(remote.get("type"), "imap");
    EXPECT_EQ(remote.get("host"), "imap.example.org");
    EXPECT_EQ(remote.get("port"), "143");
    EXPECT_EQ(remote.get("password"), "s3cret = really"); // " ; ..." is a comment
    EXPECT_EQ(remote.get("compress"), "no");
    EXPECT_EQ(*remote.get_bool("compress", true), false);
    EXPECT_EQ(remote.get("list-reference"), "shared/"); // inherited
    EXPECT_EQ(remote.get("null-stderr"), "NO");
    EXPECT_EQ(remote.get("SSL_ciphersuites"), "");
    EXPECT_EQ(remote.get("SSL_fingerprint"), "sha256$0123456789abcdefABCDEF 2b2e7c4c");
    EXPECT_EQ(remote.get("SSL_CAfile"), "/etc/ssl/certs/ca-certificates.crt");
    EXPECT_EQ(remote.origin("SSL_CAfile").line, 36);
    EXPECT_EQ(remote.origin("SSL_CAfile").file, data_dir + "complete.conf");
}

TEST_F(InterimapConfigTest, DefaultsOfTheManual) {
    auto config = load_interimap_config(data_dir + "minimal.conf");
    ASSERT_TRUE(config) << config.error().message;
    for (const ConfigSection* s : {&config->local, &config->remote}) {
        EXPECT_EQ(s->get("type"), "imaps");
        EXPECT_EQ(s->get("host"), "localhost");
        EXPECT_EQ(s->get("port"), "993");
        EXPECT_EQ(s->get("STARTTLS"), "YES");
        EXPECT_EQ(s->get("auth"), "PLAIN LOGIN");
        EXPECT_EQ(s->get("null-stderr"), "NO");
        EXPECT_EQ(s->get("list-reference"), "");
        EXPECT_FALSE(s->has("username"));
        EXPECT_FALSE(s->has("SSL_verify"));
        EXPECT_TRUE(s->origin("type").file.empty());
    }
    // Unset: an explicit YES needs the compression plugin, the default not.
    EXPECT_FALSE(config->local.has("compress"));
    EXPECT_FALSE(config->remote.has("compress"));
    EXPECT_FALSE(config->list_mailbox);
    EXPECT_EQ(config->log_prefix.format(), log::LogPrefix::default_format);
    EXPECT_TRUE(config->defaults.values().empty());
}

TEST_F(InterimapConfigTest, DefaultPortFollowsTheType) {
    InterimapConfig c = load_ok("[local]\ntype = imap\n[remote]\ntype = imap\nport = 1143\n");
    EXPECT_EQ(c.local.get("port"), "143");
    EXPECT_EQ(c.remote.get("port"), "1143");
}

TEST_F(InterimapConfigTest, DefaultSectionConnectionOptionsAreInheritedAndOverridden) {
    InterimapConfig c = load_ok("type = imap\nhost = shared.example\ncompress = YES\n"
                                "[local]\nhost = own.example\n[remote]\n");
    EXPECT_EQ(c.local.get("type"), "imap");
    EXPECT_EQ(c.local.get("host"), "own.example");
    EXPECT_EQ(c.local.origin("host").line, 5);
    EXPECT_EQ(c.local.get("compress"), "YES"); // the default section beats the built-in NO
    EXPECT_EQ(c.remote.get("host"), "shared.example");
    EXPECT_EQ(c.remote.origin("host").line, 2);
    EXPECT_EQ(c.remote.get("port"), "143");
}

TEST_F(InterimapConfigTest, UnknownOptionNamesFileLineAndSection) {
    auto config = load_interimap_config(data_dir + "unknown-option.conf");
    ASSERT_FALSE(config);
    EXPECT_EQ(config.error().code, ErrorCode::config);
    EXPECT_EQ(config.error().message,
              data_dir + "unknown-option.conf:7: unknown option hots in section [remote]");
}

TEST_F(InterimapConfigTest, UnknownOptionInDefaultSection) {
    EXPECT_EQ(load_error("\n\nfoo = bar\n[local]\n[remote]\n"),
              file() + ":3: unknown option foo in the default section");
}

TEST_F(InterimapConfigTest, OptionNamesAreCaseSensitive) {
    EXPECT_EQ(load_error("[local]\nstarttls = NO\n[remote]\n"),
              file() + ":2: unknown option starttls in section [local]");
    EXPECT_EQ(load_error("[local]\n[remote]\nssl_verify = NO\n"),
              file() + ":3: unknown option ssl_verify in section [remote]");
}

TEST_F(InterimapConfigTest, UnknownSectionNamesFileAndLine) {
    auto config = load_interimap_config(data_dir + "unknown-section.conf");
    ASSERT_FALSE(config);
    EXPECT_EQ(config.error().message,
              data_dir + "unknown-section.conf:3: unknown section [remote2]");
    EXPECT_EQ(load_error("[Local]\n[local]\n[remote]\n"), file() + ":1: unknown section [Local]");
}

TEST_F(InterimapConfigTest, GlobalOptionsAreOnlyValidInTheDefaultSection) {
    auto config = load_interimap_config(data_dir + "misplaced-option.conf");
    ASSERT_FALSE(config);
    EXPECT_EQ(config.error().message,
              data_dir + "misplaced-option.conf:2: option logfile is only valid in the default "
                         "section, not in section [local]");
    for (const char* key : {"database", "logfile", "log-prefix", "list-mailbox", "list-select-opts",
                            "ignore-mailbox"}) {
        std::string error = load_error("[local]\n[remote]\n"s + key + " = /x\n");
        EXPECT_EQ(error, file() + ":3: option " + key +
                             " is only valid in the default section, not in section [remote]");
    }
}

TEST_F(InterimapConfigTest, ListReferenceIsValidEverywhere) {
    InterimapConfig c = load_ok("list-reference = a/\n[local]\nlist-reference = b/\n[remote]\n");
    EXPECT_EQ(c.local.get("list-reference"), "b/");
    EXPECT_EQ(c.remote.get("list-reference"), "a/");
}

TEST_F(InterimapConfigTest, SyntaxErrorNamesFileAndLine) {
    auto config = load_interimap_config(data_dir + "syntax-error.conf");
    ASSERT_FALSE(config);
    EXPECT_EQ(config.error().message,
              data_dir + "syntax-error.conf:3: syntax error: 'type tunnel'");
}

TEST_F(InterimapConfigTest, MissingSectionsAreErrors) {
    EXPECT_EQ(load_error("[remote]\n"), file() + ": No such section local");
    EXPECT_EQ(load_error("[local]\n"), file() + ": No such section remote");
    EXPECT_EQ(load_error(""), file() + ": No such section local");
}

TEST_F(InterimapConfigTest, MissingOrUnreadableFile) {
    auto missing = load_interimap_config(dir_.path() / "absent");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::not_found);
    EXPECT_EQ(missing.error().message, "No such config file " + (dir_.path() / "absent").string());

    auto directory = load_interimap_config(dir_.path());
    ASSERT_FALSE(directory);
    EXPECT_EQ(directory.error().message, "No such config file " + dir_.path().string());
}

TEST_F(InterimapConfigTest, FirstBadLineIsReported) {
    EXPECT_EQ(load_error("[local]\ntype = tunnel\nzzz = 1\naaa = 2\n[remote]\n"),
              file() + ":3: unknown option zzz in section [local]");
}

// Every option, with values the reference accepts and values it refuses.
struct OptionCase {
    const char* key;
    std::vector<std::string> good;
    std::vector<std::string> bad;
};

const std::vector<OptionCase> connection_cases = {
    {"type", {"imap", "imaps", "tunnel"}, {"", "IMAP", "pop3", "imap s"}},
    {"host", {"imap.example.org", "[::1]", "127.0.0.1"}, {"", "a\tb", "a\x7f"}},
    {"port", {"1", "993", "65535", "imaps"}, {"", "0", "65536", "-1", "99x"}},
    {"proxy", {"socks5h://user:pw@localhost:9050"}, {"", "a\x01"}},
    {"command", {"doveadm exec imap", "ssh host 'cat | x'"}, {"", "a\tb"}},
    {"STARTTLS", {"YES", "no", "Yes"}, {"", "1", "true", "maybe"}},
    {"auth", {"PLAIN", "PLAIN LOGIN", "XOAUTH2"}, {"", "PLAIN  LOGIN", "PL*AIN", "PLAIN\tLOGIN"}},
    {"username", {"alice", "a b\tc"}, {"", "\xc3\xa9"}},
    {"password", {"s3cret", "x=y ;z"}, {"", "p\xc3\xa4ss"}},
    {"compress", {"YES", "NO", "nO"}, {"", "0", "deflate"}},
    {"null-stderr", {"YES", "NO"}, {"", "on"}},
    {"SSL_protocols", {"TLSv1.2", "!SSLv3 !TLSv1"}, {"", "TLSv2", "TLSv1.2,TLSv1.3"}},
    {"SSL_protocol_min", {"TLSv1.2"}, {"", "TLS\x01"}},
    {"SSL_protocol_max", {"TLSv1.3"}, {"", "\x1b"}},
    {"SSL_cipherlist", {"DEFAULT:!MEDIUM"}, {"", "a\x7f"}},
    {"SSL_ciphersuites", {"", "TLS_AES_256_GCM_SHA384"}, {"a\x02"}},
    {"SSL_fingerprint", {"abcdef0123", "sha256$ab sha1$cd"}, {"", "xyz", "sha256$", "$ab"}},
    {"SSL_hostname", {"", "imap.example.org"}, {"\x7f"}},
    {"SSL_verify", {"YES", "no"}, {"", "0"}},
    {"SSL_CApath", {"/etc/ssl/certs"}, {"", "/a\tb"}},
    {"SSL_CAfile", {"/etc/ssl/certs/ca.pem"}, {""}},
    {"list-reference", {"", "perso/", "a b"}, {"\xc3\xa9"}},
};

const std::vector<OptionCase> global_cases = {
    {"database", {"x.db", "/var/lib/interimap/x.db", "caf\xc3\xa9.db"}, {"", "a\tb.db"}},
    {"logfile", {"/var/log/interimap.log"}, {"", "/", "relative.log", "/a\x01"}},
    {"log-prefix", {"", "%n:", "%?n?%n&-?", "[%%]"}, {"a\tb%n", "%x", "%?n?unterminated"}},
    {"list-mailbox", {"INBOX", "\"a b\" c", "\"\\x00\""}, {"", "\"unterminated", "a\"b\"", "(x)"}},
    {"list-select-opts", {"", "SUBSCRIBED", "subscribed remote"}, {"(SUBSCRIBED)", "A*"}},
    {"ignore-mailbox", {"^virtual(?:\\x00|$)", "."}, {"", "(", "a[", "\xc3\xa9"}},
};

TEST_F(InterimapConfigTest, ConnectionOptionValues) {
    for (const OptionCase& c : connection_cases) {
        for (const std::string& v : c.good) {
            std::string text = "[local]\n[remote]\n"s + c.key + " = " + v + "\n";
            auto config = load_text(text);
            ASSERT_TRUE(config) << c.key << " = '" << v << "': " << config.error().message;
            EXPECT_EQ(config->remote.get(c.key), v);
            EXPECT_EQ(config->remote.origin(c.key).line, 3);
        }
        for (const std::string& v : c.bad) {
            std::string text = "[local]\n"s + c.key + " = " + v + "\n[remote]\n";
            std::string error = load_error(text);
            // A mistyped credential is not shown.
            const bool secret = c.key == "password"s || c.key == "proxy"s;
            EXPECT_EQ(error.rfind(file() + ":2: Invalid option " + c.key + " = " +
                                      (secret ? "[REDACTED]"s : v) + " (",
                                  0),
                      0u)
                << c.key << " = '" << v << "' gave: " << error;
            if (secret && !v.empty()) {
                EXPECT_EQ(error.find(v), std::string::npos) << error;
            }
        }
    }
}

TEST_F(InterimapConfigTest, ConnectionOptionsAreAcceptedInTheDefaultSection) {
    for (const OptionCase& c : connection_cases) {
        const std::string& v = c.good.back();
        auto config = load_text(""s + c.key + " = " + v + "\n[local]\n[remote]\n");
        ASSERT_TRUE(config) << c.key << ": " << config.error().message;
        EXPECT_EQ(config->defaults.get(c.key), v);
        EXPECT_EQ(config->local.get(c.key), v);
        EXPECT_EQ(config->remote.get(c.key), v);
    }
}

TEST_F(InterimapConfigTest, GlobalOptionValues) {
    for (const OptionCase& c : global_cases) {
        for (const std::string& v : c.good) {
            auto config = load_text("\n"s + c.key + " = " + v + "\n[local]\n[remote]\n");
            ASSERT_TRUE(config) << c.key << " = '" << v << "': " << config.error().message;
            EXPECT_EQ(config->defaults.get(c.key), v);
        }
        for (const std::string& v : c.bad) {
            std::string error = load_error("\n"s + c.key + " = " + v + "\n[local]\n[remote]\n");
            EXPECT_EQ(error.rfind(file() + ":2: ", 0), 0u)
                << c.key << " = '" << v << "': " << error;
            EXPECT_NE(error.find(c.key), std::string::npos) << error;
        }
    }
}

TEST_F(InterimapConfigTest, EveryOptionOfTheManualIsKnown) {
    std::vector<std::string> keys;
    for (const OptionRule& r : interimap_option_rules())
        keys.emplace_back(r.key);
    std::vector<std::string> tested;
    for (const auto* cases : {&connection_cases, &global_cases})
        for (const OptionCase& c : *cases)
            tested.emplace_back(c.key);
    std::sort(keys.begin(), keys.end());
    std::sort(tested.begin(), tested.end());
    EXPECT_EQ(keys, tested);
    EXPECT_EQ(keys.size(), 28u);
}

TEST_F(InterimapConfigTest, BadValueMessages) {
    EXPECT_EQ(load_error("[local]\ntype = pop3\n[remote]\n"),
              file() + ":2: Invalid option type = pop3 (expected imap, imaps or tunnel)");
    EXPECT_EQ(load_error("list-mailbox = a\"b\"\n[local]\n[remote]\n"),
              file() + ":1: Invalid value for list-mailbox: a\"b\"");
    EXPECT_EQ(load_error("log-prefix = %?n?x\n[local]\n[remote]\n"),
              file() +
                  ":1: Invalid option log-prefix = %?n?x (unterminated conditional at offset 0)");
    std::string regex_error = load_error("ignore-mailbox = (a\n[local]\n[remote]\n");
    EXPECT_EQ(regex_error.rfind(file() + ":1: Invalid option ignore-mailbox = (a (", 0), 0u)
        << regex_error;
}

class DatabasePathTest : public InterimapConfigTest {
protected:
    testing::ScopedEnv data_home_{"XDG_DATA_HOME", (dir_.path() / "data").string()};
    void SetUp() override { std::filesystem::create_directory(dir_.path() / "data"); }
    std::filesystem::path data() const { return dir_.path() / "data" / "interimap"; }
};

TEST_F(DatabasePathTest, RemoteHostNamesTheDefaultDatabase) {
    InterimapConfig c = load_ok("[local]\nhost = local.example\n[remote]\nhost = remote.example\n");
    auto path = database_path(c);
    ASSERT_TRUE(path) << path.error().message;
    EXPECT_EQ(*path, data() / "remote.example.db");
}

TEST_F(DatabasePathTest, TunnelRemoteGivesLocalhostDb) {
    InterimapConfig c = load_ok("[local]\nhost = local.example\n[remote]\ntype = tunnel\n"
                                "command = cat\n");
    EXPECT_EQ(*database_path(c), data() / "localhost.db");
}

TEST_F(DatabasePathTest, HostOfTheDefaultSectionCounts) {
    InterimapConfig c = load_ok("host = shared.example\n[local]\n[remote]\n");
    EXPECT_EQ(*database_path(c), data() / "shared.example.db");
}

TEST_F(DatabasePathTest, RelativeDatabaseStartsFromDataHome) {
    InterimapConfig c = load_ok("database = sub/x.db\n[local]\n[remote]\nhost = r\n");
    EXPECT_EQ(*database_path(c), data() / "sub/x.db");
}

TEST_F(DatabasePathTest, AbsoluteDatabaseIsKept) {
    InterimapConfig c = load_ok("database = /srv/x.db\n[local]\n[remote]\n");
    EXPECT_EQ(*database_path(c), std::filesystem::path("/srv/x.db"));
    EXPECT_FALSE(std::filesystem::exists(data()));
}

TEST_F(DatabasePathTest, CreatesThePrivateDirectory) {
    InterimapConfig c = load_ok("[local]\n[remote]\n");
    ASSERT_TRUE(database_path(c));
    struct stat st {};
    ASSERT_EQ(::stat(data().c_str(), &st), 0);
    EXPECT_TRUE(S_ISDIR(st.st_mode));
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    ASSERT_TRUE(database_path(c)); // existing directory: fine
}

TEST_F(DatabasePathTest, WithoutXdgDataHomeUsesHome) {
    testing::ScopedEnv unset("XDG_DATA_HOME", std::nullopt);
    testing::ScopedEnv home("HOME", dir_.path().string());
    std::filesystem::create_directories(dir_.path() / ".local/share");
    InterimapConfig c = load_ok("[local]\n[remote]\nhost = r.example\n");
    auto path = database_path(c);
    ASSERT_TRUE(path) << path.error().message;
    EXPECT_EQ(*path, dir_.path() / ".local/share/interimap/r.example.db");
}

// The reference stops with "No such directory" here; a fresh account has no
// ~/.local/share, so we create it as the XDG specification asks (0700).
TEST_F(DatabasePathTest, MissingBaseDirectoryIsCreatedPrivate) {
    auto base = dir_.path() / "nowhere" / "share";
    testing::ScopedEnv missing("XDG_DATA_HOME", base.string());
    InterimapConfig c = load_ok("[local]\n[remote]\n");
    auto path = database_path(c);
    ASSERT_TRUE(path) << path.error().message;
    EXPECT_EQ(*path, base / "interimap" / "localhost.db");
    for (auto d : {dir_.path() / "nowhere", base, base / "interimap"})
        EXPECT_EQ(std::filesystem::status(d).permissions(), std::filesystem::perms::owner_all) << d;
}

TEST_F(InterimapConfigTest, ConfigPathResolution) {
    testing::ScopedEnv config_home("XDG_CONFIG_HOME", dir_.path().string());
    EXPECT_EQ(*resolve_config_path(std::nullopt), dir_.path() / "interimap/config");
    EXPECT_EQ(*resolve_config_path("work.conf"), dir_.path() / "interimap/work.conf");
    EXPECT_EQ(*resolve_config_path("/etc/interimap.conf"),
              std::filesystem::path("/etc/interimap.conf"));
    EXPECT_FALSE(std::filesystem::exists(dir_.path() / "interimap")); // nothing created

    testing::ScopedEnv unset("XDG_CONFIG_HOME", std::nullopt);
    testing::ScopedEnv home("HOME", dir_.path().string());
    std::filesystem::create_directory(dir_.path() / ".config");
    EXPECT_EQ(*resolve_config_path(std::nullopt), dir_.path() / ".config/interimap/config");
}

} // namespace
} // namespace interimap::config
