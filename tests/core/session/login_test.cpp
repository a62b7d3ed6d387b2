// Authentication and capability checks against a scripted server, with the
// real PLAIN and LOGIN plugins loaded from the build tree.
#include "async/event_loop.hpp"
#include "imap/connection.hpp"
#include "plugin/loader.hpp"
#include "session/login.hpp"
#include "support/scripted_server.hpp"

#include <gtest/gtest.h>

namespace interimap {
namespace {

using namespace interimap::testing;

const char* kOkCaps = "IMAP4rev1 SASL-IR ENABLE QRESYNC LIST-EXTENDED LIST-STATUS UIDPLUS "
                      "LITERAL+ AUTH=PLAIN";

struct LoginRun {
    explicit LoginRun(std::vector<Step> script, int debug = 0)
        : server(std::move(script)), logger(debug),
          connection("remote", server.client_stream(), logger, loop),
          plugins({INTERIMAP_BUILD_PLUGIN_DIR}) {
        section.set("username", "alice");
        section.set("password", "s3cret");
    }
    Result<void> run() {
        auto task = session::login(connection, section, plugins, options);
        task.start();
        auto r = loop.run_until([&] { return task.done(); }, std::chrono::seconds(5));
        if (!r)
            return r;
        return task.take_result();
    }
    std::vector<std::string> mismatches() { return server.finish(); }

    ScriptedServer server;
    RecordingLogger logger;
    async::EventLoop loop;
    imap::Connection connection;
    plugin::PluginLoader plugins;
    ConfigSection section{"remote"};
    session::LoginOptions options = session::interimap_login_options(false);
};

std::string greeting(const std::string& caps) {
    return "* OK [CAPABILITY " + caps + "] ready\r\n";
}

TEST(Login, PlainWithSaslIrSendsCredentialsInline) {
    LoginRun run({
        send(greeting(kOkCaps)),
        // base64("\0alice\0s3cret")
        expect("000000 AUTHENTICATE PLAIN AGFsaWNlAHMzY3JldA=="),
        send("000000 OK [CAPABILITY " + std::string(kOkCaps) + " MOVE] Logged in\r\n"),
        expect("000001 ENABLE QRESYNC"),
        send("* ENABLED QRESYNC\r\n000001 OK enabled\r\n"),
    });
    auto r = run.run();
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_TRUE(run.connection.capabilities().has("MOVE")); // re-read from the tagged OK
    auto m = run.mismatches();
    EXPECT_TRUE(m.empty()) << m[0];
}

TEST(Login, PlainWithoutSaslIrAnswersTheEmptyChallenge) {
    std::string caps = "IMAP4rev1 ENABLE QRESYNC LIST-EXTENDED LIST-STATUS UIDPLUS AUTH=PLAIN";
    LoginRun run({
        send(greeting(caps)),
        expect("000000 AUTHENTICATE PLAIN"),
        send("+ \r\n"),
        expect("AGFsaWNlAHMzY3JldA=="),
        // No CAPABILITY code: the client must ask again.
        send("000000 OK Logged in\r\n"),
        expect("000001 CAPABILITY"),
        send("* CAPABILITY " + caps + "\r\n000001 OK\r\n"),
        expect("000002 ENABLE QRESYNC"),
        send("* ENABLED QRESYNC\r\n000002 OK enabled\r\n"),
    });
    auto r = run.run();
    ASSERT_TRUE(r) << r.error().message;
    auto m = run.mismatches();
    EXPECT_TRUE(m.empty()) << m[0];
}

TEST(Login, FallsBackToTheLoginCommandWhenPlainIsNotAdvertised) {
    std::string caps = "IMAP4rev1 ENABLE QRESYNC LIST-EXTENDED LIST-STATUS UIDPLUS";
    LoginRun run({
        send(greeting(caps)),
        expect("000000 LOGIN alice s3cret"),
        send("000000 OK [CAPABILITY " + caps + "] Logged in\r\n"),
        expect("000001 ENABLE QRESYNC"),
        send("* ENABLED QRESYNC\r\n000001 OK enabled\r\n"),
    });
    auto r = run.run();
    ASSERT_TRUE(r) << r.error().message;
    auto m = run.mismatches();
    EXPECT_TRUE(m.empty()) << m[0];
}

TEST(Login, LoginDisabledSendsNoCredentials) {
    LoginRun run({
        send(greeting("IMAP4rev1 LOGINDISABLED AUTH=PLAIN ENABLE QRESYNC")),
        silence(),
    });
    auto r = run.run();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "Logins are disabled.");
    EXPECT_TRUE(run.mismatches().empty());
    EXPECT_TRUE(run.server.received().empty());
}

TEST(Login, RejectedCredentialsAreAnAuthenticationError) {
    LoginRun run({
        send(greeting(kOkCaps)),
        expect("000000 AUTHENTICATE PLAIN AGFsaWNlAHMzY3JldA=="),
        send("000000 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n"),
    });
    auto r = run.run();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::auth);
    EXPECT_NE(r.error().message.find("Authentication failed"), std::string::npos);
    run.mismatches();
}

TEST(Login, MissingRequiredExtensionIsNamed) {
    LoginRun run({
        send("* PREAUTH [CAPABILITY IMAP4rev1 ENABLE QRESYNC LIST-EXTENDED LIST-STATUS] hi\r\n"),
    });
    auto r = run.run();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "Non UIDPLUS-capable IMAP server.");
    run.mismatches();
}

TEST(Login, PreauthSkipsAuthentication) {
    LoginRun run({
        send("* PREAUTH [CAPABILITY " + std::string(kOkCaps) + "] Logged in as nobody\r\n"),
        expect("000000 ENABLE QRESYNC"),
        send("* ENABLED QRESYNC\r\n000000 OK\r\n"),
    });
    auto r = run.run();
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_TRUE(run.mismatches().empty());
}

TEST(Login, EnableThatDoesNotEnableFails) {
    LoginRun run({
        send("* PREAUTH [CAPABILITY " + std::string(kOkCaps) + "] hi\r\n"),
        expect("000000 ENABLE QRESYNC"),
        send("000000 OK nothing enabled\r\n"),
    });
    auto r = run.run();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "Couldn't ENABLE QRESYNC");
    run.mismatches();
}

TEST(Login, CredentialsNeverLoggedAtDebugOne) {
    LoginRun run(
        {
            send(greeting("IMAP4rev1 ENABLE QRESYNC LIST-EXTENDED LIST-STATUS UIDPLUS AUTH=PLAIN")),
            expect("000000 AUTHENTICATE PLAIN"),
            send("+ \r\n"),
            expect("AGFsaWNlAHMzY3JldA=="),
            send("000000 OK [CAPABILITY IMAP4rev1 ENABLE QRESYNC LIST-EXTENDED LIST-STATUS "
                 "UIDPLUS] ok\r\n"),
            expect("000001 ENABLE QRESYNC"),
            send("* ENABLED QRESYNC\r\n000001 OK\r\n"),
        },
        1);
    ASSERT_TRUE(run.run());
    for (const auto& line : run.logger.lines) {
        EXPECT_EQ(line.find("AGFsaWNlAHMzY3JldA"), std::string::npos) << line;
        EXPECT_EQ(line.find("s3cret"), std::string::npos) << line;
    }
    run.mismatches();
}

// STARTTLS (type = imap): the upgrade is an identity here, counted; what
// matters is what is sent, and when, around it.
struct StarttlsRun : LoginRun {
    explicit StarttlsRun(std::vector<Step> script) : LoginRun(std::move(script)) {
        connection.require_starttls([this](StreamPtr plain) -> Result<StreamPtr> {
            ++upgrades;
            return plain;
        });
    }
    int upgrades = 0;
};

const char* kPlaintextCaps = "IMAP4rev1 STARTTLS LOGINDISABLED";

TEST(Starttls, UpgradesBeforeCredentialsAndReadsTheCapabilitiesAgain) {
    StarttlsRun run({
        send(greeting(kPlaintextCaps)),
        expect("000000 STARTTLS"),
        send("000000 OK Begin TLS negotiation now\r\n"),
        // The plaintext list said LOGINDISABLED: not trusted, asked again.
        expect("000001 CAPABILITY"),
        send("* CAPABILITY " + std::string(kOkCaps) + "\r\n000001 OK\r\n"),
        expect("000002 AUTHENTICATE PLAIN AGFsaWNlAHMzY3JldA=="),
        send("000002 OK [CAPABILITY " + std::string(kOkCaps) + "] Logged in\r\n"),
        expect("000003 ENABLE QRESYNC"),
        send("* ENABLED QRESYNC\r\n000003 OK enabled\r\n"),
    });
    auto r = run.run();
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(run.upgrades, 1);
    auto m = run.mismatches();
    EXPECT_TRUE(m.empty()) << m[0];
}

TEST(Starttls, NotAdvertisedStopsBeforeAnyCredential) {
    StarttlsRun run({send(greeting("IMAP4rev1 AUTH=PLAIN")), silence()});
    auto r = run.run();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "Server did not advertise STARTTLS capability.");
    EXPECT_EQ(run.upgrades, 0);
    auto m = run.mismatches();
    EXPECT_TRUE(m.empty()) << m[0];
}

TEST(Starttls, PreauthOnPlaintextIsRefused) {
    StarttlsRun run(
        {send("* PREAUTH [CAPABILITY " + std::string(kOkCaps) + "] hi\r\n"), silence()});
    auto r = run.run();
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("PREAUTH greeting on plaintext connection"),
              std::string::npos);
    auto m = run.mismatches();
    EXPECT_TRUE(m.empty()) << m[0];
}

TEST(Starttls, RefusedIsFinalNeverPlaintext) {
    for (const char* answer : {"NO no TLS today", "BAD what"}) {
        StarttlsRun run({
            send(greeting(kPlaintextCaps)), expect("000000 STARTTLS"),
            send(std::string("000000 ") + answer + "\r\n"),
            silence(), // no credentials, no other command
        });
        auto r = run.run();
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().message.rfind("STARTTLS failed: ", 0), 0u) << r.error().message;
        EXPECT_EQ(run.upgrades, 0);
        auto m = run.mismatches();
        EXPECT_TRUE(m.empty()) << m[0];
    }
}

TEST(Starttls, ResponsesInjectedAfterTheOkAreRefused) {
    StarttlsRun run({
        send(greeting(kPlaintextCaps)),
        expect("000000 STARTTLS"),
        // In the same packet as the OK: would be read as if sent over TLS.
        send("000000 OK Begin TLS\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n"),
        silence(),
    });
    auto r = run.run();
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("response injection"), std::string::npos) << r.error().message;
    EXPECT_EQ(run.upgrades, 0);
    auto m = run.mismatches();
    EXPECT_TRUE(m.empty()) << m[0];
}

TEST(Starttls, UntaggedDataBeforeStarttlsDoesNotSurviveIt) {
    StarttlsRun run({
        // A capability list sent unasked before STARTTLS offers AUTH=PLAIN
        // without LOGINDISABLED: forgotten with the upgrade.
        send(greeting(kPlaintextCaps) + "* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN\r\n"),
        expect("000000 STARTTLS"),
        send("000000 OK Begin TLS\r\n"),
        expect("000001 CAPABILITY"),
        send("* CAPABILITY IMAP4rev1 LOGINDISABLED\r\n000001 OK\r\n"),
        silence(),
    });
    auto r = run.run();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "Logins are disabled.");
    EXPECT_EQ(run.upgrades, 1);
    auto m = run.mismatches();
    EXPECT_TRUE(m.empty()) << m[0];
}

// COMPRESS (the stream switch itself is tested against Dovecot, with the
// deflate plugin, in integration.compress).
TEST(Compress, NoSuitableAlgorithmIsAWarning) {
    LoginRun run({
        send(greeting(std::string(kOkCaps) + " COMPRESS=LZ4")),
        expect("000000 AUTHENTICATE PLAIN AGFsaWNlAHMzY3JldA=="),
        send("000000 OK [CAPABILITY " + std::string(kOkCaps) + " COMPRESS=LZ4] Logged in\r\n"),
        expect("000001 ENABLE QRESYNC"),
        send("* ENABLED QRESYNC\r\n000001 OK enabled\r\n"),
    });
    auto r = run.run();
    ASSERT_TRUE(r) << r.error().message;
    bool warned = false;
    for (const std::string& l : run.logger.lines)
        warned = warned || l.find("Couldn't find a suitable compression algorithm. Not "
                                  "enabling compression.") != std::string::npos;
    EXPECT_TRUE(warned);
    auto m = run.mismatches();
    EXPECT_TRUE(m.empty()) << m[0];
}

// On by default whatever the section is called: the default is the
// caller's (a pullimap account may well be named "local").
TEST(Compress, AlreadyActiveIsFine) {
    for (const char* name : {"remote", "local"}) {
        LoginRun run({
            send(greeting(kOkCaps)),
            expect("000000 AUTHENTICATE PLAIN AGFsaWNlAHMzY3JldA=="),
            send("000000 OK [CAPABILITY " + std::string(kOkCaps) +
                 " COMPRESS=DEFLATE] Logged in\r\n"),
            expect("000001 COMPRESS DEFLATE"),
            send("000001 NO [COMPRESSIONACTIVE] already\r\n"),
            expect("000002 ENABLE QRESYNC"),
            send("* ENABLED QRESYNC\r\n000002 OK enabled\r\n"),
        });
        run.section = ConfigSection{name};
        run.section.set("username", "alice");
        run.section.set("password", "s3cret");
        auto r = run.run();
        ASSERT_TRUE(r) << r.error().message;
        auto m = run.mismatches();
        EXPECT_TRUE(m.empty()) << name << ": " << m[0];
    }
}

TEST(Compress, NotForLocalByDefaultNorWhenTurnedOff) {
    for (int off = 0; off < 2; ++off) {
        LoginRun run({
            send(greeting(kOkCaps)),
            expect("000000 AUTHENTICATE PLAIN AGFsaWNlAHMzY3JldA=="),
            send("000000 OK [CAPABILITY " + std::string(kOkCaps) +
                 " COMPRESS=DEFLATE] Logged in\r\n"),
            expect("000001 ENABLE QRESYNC"),
            send("* ENABLED QRESYNC\r\n000001 OK enabled\r\n"),
        });
        if (off)
            run.section.set("compress", "NO");
        else
            run.options.compress_by_default = false; // as for interimap's [local]

        auto r = run.run();
        ASSERT_TRUE(r) << r.error().message;
        auto m = run.mismatches();
        EXPECT_TRUE(m.empty()) << m[0];
    }
}

} // namespace
} // namespace interimap
