// The socks5 transport against a scripted proxy: the exact bytes it sends,
// and one clear error for each way a proxy can fail or misbehave.
#include "scripted_proxy.hpp"
#include "socks5_messages.hpp"
#include "socks5_transport.hpp"
#include "transports/support/stream_helpers.hpp"

#include <chrono>
#include <gtest/gtest.h>
#include <interimap/config.hpp>
#include <mutex>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string>
#include <sys/socket.h>
#include <vector>

namespace interimap::socks5 {
namespace {

using interimap::testing::ProxyPeer;
using interimap::testing::read_until;
using interimap::testing::ScriptedProxy;
using interimap::testing::write_all;
using namespace std::chrono_literals;
using namespace std::string_literals;

const std::string kNoAuth = "\x05\x01\x00"s;
const std::string kBothMethods = "\x05\x02\x00\x02"s;
const std::string kChooseNoAuth = "\x05\x00"s;
const std::string kSuccess = "\x05\x00\x00\x01\x7f\x00\x00\x01\x9c\x40"s; // bound 127.0.0.1:40000
const std::string kGreeting = "* OK [CAPABILITY IMAP4rev1] ready\r\n";
// CONNECT 127.0.0.1:143
const std::string kConnectLoopback143 = "\x05\x01\x00\x01\x7f\x00\x00\x01\x00\x8f"s;

/// Every line written, at the debug level asked for.
class RecordingLogger final : public Logger {
public:
    explicit RecordingLogger(int level = 2) : level_(level) {}
    void write(LogLevel, const LogContext&, std::string_view message) override {
        std::lock_guard lock(mutex_);
        lines_.emplace_back(message);
    }
    int debug_level() const override { return level_; }
    std::string all() const {
        std::lock_guard lock(mutex_);
        std::string out;
        for (const auto& line : lines_)
            out += line + "\n";
        return out;
    }

private:
    int level_;
    mutable std::mutex mutex_;
    std::vector<std::string> lines_;
};

ConfigSection section(const std::string& proxy, const std::string& host = "127.0.0.1",
                      const std::string& port = "143", const std::string& type = "imap") {
    ConfigSection s("remote");
    s.set("type", type);
    s.set("host", host);
    if (!port.empty())
        s.set("port", port);
    s.set("proxy", proxy);
    return s;
}

Result<StreamPtr> open(const ConfigSection& s, RecordingLogger& logger, bool keepalive = false,
                       std::chrono::milliseconds timeout = 5s) {
    Socks5Transport transport;
    return transport.connect(ConnectRequest{s, logger, {"remote", ""}, keepalive, timeout},
                             nullptr);
}

Result<StreamPtr> open(const ConfigSection& s) {
    RecordingLogger logger;
    return open(s, logger);
}

// The script of a proxy that accepts without authentication, connects, then
// greets and echoes as an IMAP server would behind it.
void relay(ProxyPeer& peer) {
    peer.receive_method_request();
    peer.send(kChooseNoAuth);
    peer.receive_connect_request();
    // The greeting in the same segment as the reply: the transport must
    // leave it to the stream.
    peer.send(kSuccess + kGreeting);
    peer.echo();
}

// A proxy that accepts without authentication, then answers CONNECT with `reply`.
ScriptedProxy::Script answer_connect(std::string reply) {
    return [reply](ProxyPeer& peer) {
        peer.receive_method_request();
        peer.send(kChooseNoAuth);
        peer.receive_connect_request();
        peer.send(reply);
    };
}

void expect_greeting_and_echo(Stream& stream) {
    auto greeting = read_until(stream, "\r\n");
    ASSERT_FALSE(greeting.error) << greeting.error->message;
    EXPECT_EQ(greeting.data, kGreeting);
    ASSERT_TRUE(write_all(stream, "a1 NOOP\r\n"));
    auto echoed = read_until(stream, "\r\n");
    ASSERT_FALSE(echoed.error) << echoed.error->message;
    EXPECT_EQ(echoed.data, "a1 NOOP\r\n");
}

TEST(Socks5Transport, SendsTheAddressOfAnIpv4LiteralAndHandsOverTheStream) {
    ScriptedProxy proxy(relay);
    ASSERT_TRUE(proxy.ok());
    Result<StreamPtr> stream = open(section(proxy.uri()));
    ASSERT_TRUE(stream) << stream.error().message;
    EXPECT_EQ((*stream)->describe(), "127.0.0.1:143 via SOCKS5 proxy 127.0.0.1:" + proxy.port());
    expect_greeting_and_echo(**stream);
    // Traffic counts the IMAP bytes only, not the handshake.
    EXPECT_EQ((*stream)->traffic().received, kGreeting.size() + 9);
    EXPECT_EQ((*stream)->traffic().sent, 9u);
    EXPECT_TRUE((*stream)->close());
    EXPECT_EQ(proxy.finish(), kNoAuth + kConnectLoopback143 + "a1 NOOP\r\n");
}

TEST(Socks5Transport, Socks5ResolvesANameLocally) {
    ScriptedProxy proxy(relay);
    ASSERT_TRUE(proxy.ok());
    Result<StreamPtr> stream = open(section(proxy.uri(), "localhost", "993", "imaps"));
    ASSERT_TRUE(stream) << stream.error().message;
    EXPECT_TRUE((*stream)->close());
    const std::string sent = proxy.finish();
    // localhost is 127.0.0.1 or ::1 depending on /etc/hosts: an address either way.
    const std::string v4 = kNoAuth + "\x05\x01\x00\x01\x7f\x00\x00\x01\x03\xe1"s;
    const std::string v6 = kNoAuth + "\x05\x01\x00\x04"s + std::string(15, '\0') + "\x01\x03\xe1"s;
    EXPECT_TRUE(sent == v4 || sent == v6) << ::testing::PrintToString(sent);
    EXPECT_EQ((*stream)->describe().rfind("localhost:993 (", 0), 0u) << (*stream)->describe();
}

TEST(Socks5Transport, Socks5hSendsTheNameForTheProxyToResolve) {
    ScriptedProxy proxy(relay);
    ASSERT_TRUE(proxy.ok());
    // A name nobody resolves: only the proxy sees it.
    Result<StreamPtr> stream =
        open(section(proxy.uri("socks5h"), "mail.example.invalid", "", "imaps"));
    ASSERT_TRUE(stream) << stream.error().message;
    EXPECT_EQ((*stream)->describe(),
              "mail.example.invalid:993 via SOCKS5 proxy 127.0.0.1:" + proxy.port());
    expect_greeting_and_echo(**stream);
    EXPECT_TRUE((*stream)->close());
    EXPECT_EQ(proxy.finish(),
              kNoAuth + "\x05\x01\x00\x03\x14mail.example.invalid\x03\xe1"s + "a1 NOOP\r\n");
}

TEST(Socks5Transport, Socks5hSendsAnIpLiteralAsAnAddress) {
    ScriptedProxy proxy(relay);
    ASSERT_TRUE(proxy.ok());
    Result<StreamPtr> stream = open(section(proxy.uri("socks5h"), "[::1]", "", "imap"));
    ASSERT_TRUE(stream) << stream.error().message;
    EXPECT_EQ((*stream)->describe(), "[::1]:143 via SOCKS5 proxy 127.0.0.1:" + proxy.port());
    EXPECT_TRUE((*stream)->close());
    EXPECT_EQ(proxy.finish(),
              kNoAuth + "\x05\x01\x00\x04"s + std::string(15, '\0') + "\x01\x00\x8f"s);
}

TEST(Socks5Transport, PortMayBeAServiceName) {
    ScriptedProxy proxy(relay);
    ASSERT_TRUE(proxy.ok());
    Result<StreamPtr> stream = open(section(proxy.uri(), "192.0.2.7", "imaps"));
    ASSERT_TRUE(stream) << stream.error().message;
    EXPECT_TRUE((*stream)->close());
    EXPECT_EQ(proxy.finish(), kNoAuth + "\x05\x01\x00\x01\xc0\x00\x02\x07\x03\xe1"s);
}

TEST(Socks5Transport, AuthenticatesWithUsernameAndPassword) {
    ScriptedProxy proxy([](ProxyPeer& peer) {
        peer.receive(4);
        peer.send("\x05\x02"s);
        peer.receive(2 + 5 + 1 + 6);
        peer.send("\x01\x00"s);
        peer.receive_connect_request();
        peer.send(kSuccess + kGreeting);
        peer.echo();
    });
    ASSERT_TRUE(proxy.ok());
    RecordingLogger logger(2);
    Result<StreamPtr> stream = open(section(proxy.uri("socks5", "alice:s3cret@")), logger);
    ASSERT_TRUE(stream) << stream.error().message;
    expect_greeting_and_echo(**stream);
    EXPECT_TRUE((*stream)->close());
    EXPECT_EQ(proxy.finish(), kBothMethods +
                                  "\x01\x05"
                                  "alice"
                                  "\x06"
                                  "s3cret"s +
                                  kConnectLoopback143 + "a1 NOOP\r\n");
    // Even with --debug --debug, the log names the steps and never the credentials.
    const std::string log = logger.all();
    EXPECT_NE(log.find("authenticated with username/password"), std::string::npos) << log;
    EXPECT_NE(log.find("CONNECT 127.0.0.1:143"), std::string::npos) << log;
    EXPECT_EQ(log.find("s3cret"), std::string::npos) << log;
    EXPECT_EQ(log.find("alice"), std::string::npos) << log;
}

TEST(Socks5Transport, CredentialsAreNotSentWhenTheProxyNeedsNone) {
    ScriptedProxy proxy(relay);
    ASSERT_TRUE(proxy.ok());
    Result<StreamPtr> stream = open(section(proxy.uri("socks5", "alice:s3cret@")));
    ASSERT_TRUE(stream) << stream.error().message;
    EXPECT_TRUE((*stream)->close());
    EXPECT_EQ(proxy.finish(), kBothMethods + kConnectLoopback143);
}

TEST(Socks5Transport, RejectedPasswordIsAnAuthenticationError) {
    ScriptedProxy proxy([](ProxyPeer& peer) {
        peer.receive(4);
        peer.send("\x05\x02"s);
        peer.receive(2 + 5 + 1 + 6);
        peer.send("\x01\x01"s);
    });
    ASSERT_TRUE(proxy.ok());
    Result<StreamPtr> stream = open(section(proxy.uri("socks5", "alice:s3cret@")));
    ASSERT_FALSE(stream);
    EXPECT_EQ(stream.error().code, ErrorCode::auth);
    EXPECT_EQ(stream.error().message,
              "SOCKS5 proxy 127.0.0.1:" + proxy.port() +
                  ": authentication failed: the proxy rejected the user name or password "
                  "(status 1) for 127.0.0.1:143");
}

// What opening through a proxy playing `script` failed with.
struct Failure {
    Error error;
    std::string proxy; ///< "SOCKS5 proxy 127.0.0.1:PORT: ", how messages start
    std::string sent;  ///< what the transport sent
};

Failure fail_through(const ScriptedProxy::Script& script, const std::string& user = "",
                     const std::string& scheme = "socks5", const std::string& host = "127.0.0.1",
                     std::chrono::milliseconds timeout = 5s) {
    ScriptedProxy proxy(script);
    EXPECT_TRUE(proxy.ok());
    RecordingLogger logger(2);
    Result<StreamPtr> stream = open(section(proxy.uri(scheme, user), host), logger, false, timeout);
    EXPECT_FALSE(stream) << "connected through a failing proxy";
    if (stream)
        return {};
    Failure failure{stream.error(), "SOCKS5 proxy 127.0.0.1:" + proxy.port() + ": ",
                    proxy.finish()};
    for (const char* secret : {"s3cret", "alice"}) {
        EXPECT_EQ(failure.error.message.find(secret), std::string::npos) << failure.error.message;
        EXPECT_EQ(logger.all().find(secret), std::string::npos) << logger.all();
    }
    return failure;
}

TEST(Socks5Transport, NoAcceptableMethodSaysWhatWasOffered) {
    auto refuse_all = [](ProxyPeer& peer) {
        peer.receive_method_request();
        peer.send("\x05\xff"s);
    };
    Failure without = fail_through(refuse_all);
    EXPECT_EQ(without.error.code, ErrorCode::auth);
    EXPECT_EQ(without.error.message,
              without.proxy +
                  "no acceptable authentication method (offered: no authentication; the proxy "
                  "URI has no USER@) for 127.0.0.1:143");
    EXPECT_EQ(without.sent, kNoAuth);
    Failure with = fail_through(refuse_all, "alice:s3cret@");
    EXPECT_EQ(with.error.code, ErrorCode::auth);
    EXPECT_EQ(with.error.message, with.proxy +
                                      "no acceptable authentication method (offered: no "
                                      "authentication, username/password) for 127.0.0.1:143");
    EXPECT_EQ(with.sent, kBothMethods);
}

TEST(Socks5Transport, AMethodNotOfferedIsAProtocolError) {
    Failure password = fail_through([](ProxyPeer& peer) {
        peer.receive(3);
        peer.send("\x05\x02"s);
    });
    EXPECT_EQ(password.error.code, ErrorCode::protocol);
    EXPECT_EQ(password.error.message, password.proxy +
                                          "chose an authentication method that was not offered "
                                          "(username/password) for 127.0.0.1:143");
    Failure gssapi = fail_through(
        [](ProxyPeer& peer) {
            peer.receive(4);
            peer.send("\x05\x01"s);
        },
        "alice:s3cret@");
    EXPECT_EQ(gssapi.error.message,
              gssapi.proxy +
                  "chose an authentication method that was not offered (GSSAPI) for 127.0.0.1:143");
}

TEST(Socks5Transport, AServerThatIsNotASocks5ProxyIsNamed) {
    Failure http = fail_through([](ProxyPeer& peer) {
        peer.receive(3);
        peer.send("HTTP/1.1 400 Bad Request\r\n\r\n");
    });
    EXPECT_EQ(http.error.code, ErrorCode::protocol);
    EXPECT_EQ(http.error.message, http.proxy +
                                      "not a SOCKS5 proxy (its reply to method negotiation "
                                      "starts with 0x48, not 0x05) for 127.0.0.1:143");
}

class Socks5ReplyCode : public ::testing::TestWithParam<int> {};

TEST_P(Socks5ReplyCode, IsOneLineNamingProxyCodeAndDestination) {
    const auto code = static_cast<std::uint8_t>(GetParam());
    std::string reply = kSuccess;
    reply[1] = static_cast<char>(code);
    Failure failure = fail_through(answer_connect(reply), "alice:s3cret@");
    EXPECT_EQ(failure.error.code, reply_error_code(code));
    EXPECT_EQ(failure.error.message, failure.proxy + reply_text(code) + " for 127.0.0.1:143");
}

INSTANTIATE_TEST_SUITE_P(AllCodes, Socks5ReplyCode,
                         ::testing::Values(1, 2, 3, 4, 5, 6, 7, 8, 9, 0x80, 255));

TEST(Socks5Transport, ReplyCodesReadAsTheReferenceWords) {
    ScriptedProxy proxy(answer_connect("\x05\x05\x00\x01\x00\x00\x00\x00\x00\x00"s));
    ASSERT_TRUE(proxy.ok());
    Result<StreamPtr> stream = open(section(proxy.uri(), "127.0.0.1", "993"));
    ASSERT_FALSE(stream);
    EXPECT_EQ(stream.error().message, "SOCKS5 proxy 127.0.0.1:" + proxy.port() +
                                          ": connection refused by destination host (reply 5) "
                                          "for 127.0.0.1:993");
}

TEST(Socks5Transport, ARefusalAloneBeforeClosingIsStillRead) {
    Failure failure = fail_through(answer_connect("\x05\x04"s));
    EXPECT_EQ(failure.error.code, ErrorCode::io);
    EXPECT_EQ(failure.error.message,
              failure.proxy + "host unreachable (reply 4) for 127.0.0.1:143");
}

TEST(Socks5Transport, AddressTypeNotSupportedSuggestsLocalResolution) {
    Failure failure = fail_through(answer_connect("\x05\x08\x00\x01\x00\x00\x00\x00\x00\x00"s), "",
                                   "socks5h", "mail.example.invalid");
    EXPECT_EQ(failure.error.message,
              failure.proxy +
                  "address type not supported (reply 8); with socks5:// instead of socks5h:// "
                  "the name is resolved locally for mail.example.invalid:143");
}

TEST(Socks5Transport, MalformedConnectRepliesAreProtocolErrors) {
    const std::pair<std::string, std::string> cases[] = {
        {"\x04\x00\x00\x01\x7f\x00\x00\x01\x00\x8f"s, "version 0x04, expected 0x05"},
        {"\x05\x00\x01\x01\x7f\x00\x00\x01\x00\x8f"s, "reserved byte 0x01, expected 0x00"},
        {"\x05\x00\x00\x02\x7f\x00\x00\x01\x00\x8f"s, "unknown address type 0x02"},
    };
    for (const auto& [reply, why] : cases) {
        Failure failure = fail_through(answer_connect(reply));
        EXPECT_EQ(failure.error.code, ErrorCode::protocol);
        EXPECT_EQ(failure.error.message,
                  failure.proxy + "malformed reply to CONNECT (" + why + ") for 127.0.0.1:143");
    }
}

TEST(Socks5Transport, MalformedAuthenticationReplyIsAProtocolError) {
    Failure failure = fail_through(
        [](ProxyPeer& peer) {
            peer.receive(4);
            peer.send("\x05\x02"s);
            peer.receive(14);
            peer.send("\x05\x00"s);
        },
        "alice:s3cret@");
    EXPECT_EQ(failure.error.code, ErrorCode::protocol);
    EXPECT_EQ(failure.error.message, failure.proxy +
                                         "malformed reply during username/password authentication "
                                         "(version 0x05, expected 0x01) for 127.0.0.1:143");
}

TEST(Socks5Transport, AProxyClosingEarlyIsAClosedError) {
    Failure silent = fail_through([](ProxyPeer& peer) { peer.receive(3); });
    EXPECT_EQ(silent.error.code, ErrorCode::closed);
    EXPECT_EQ(silent.error.message,
              silent.proxy + "connection closed by the proxy during method negotiation for "
                             "127.0.0.1:143");

    Failure half_method = fail_through([](ProxyPeer& peer) {
        peer.receive(3);
        peer.send("\x05"s);
    });
    EXPECT_EQ(half_method.error.message,
              half_method.proxy + "truncated reply during method negotiation (the proxy closed "
                                  "the connection after 1 byte) for 127.0.0.1:143");

    Failure truncated = fail_through(answer_connect(kSuccess.substr(0, 6)));
    EXPECT_EQ(truncated.error.code, ErrorCode::closed);
    EXPECT_EQ(truncated.error.message,
              truncated.proxy + "truncated reply during CONNECT (the proxy closed the connection "
                                "after 6 bytes) for 127.0.0.1:143");

    Failure during_auth = fail_through(
        [](ProxyPeer& peer) {
            peer.receive(4);
            peer.send("\x05\x02"s);
            peer.receive(14);
        },
        "alice:s3cret@");
    EXPECT_EQ(during_auth.error.message,
              during_auth.proxy + "connection closed by the proxy during username/password "
                                  "authentication for 127.0.0.1:143");
}

TEST(Socks5Transport, ASilentProxyTimesOut) {
    auto start = std::chrono::steady_clock::now();
    Failure failure =
        fail_through([](ProxyPeer& peer) { peer.hold(); }, "", "socks5", "127.0.0.1", 300ms);
    auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(failure.error.code, ErrorCode::timeout);
    EXPECT_EQ(failure.error.message, failure.proxy + "timed out after 300 ms during method "
                                                     "negotiation for 127.0.0.1:143");
    EXPECT_GE(elapsed, 250ms);
    EXPECT_LT(elapsed, 3s);
}

TEST(Socks5Transport, BoundAddressMayBeANameOrIpv6) {
    const std::string replies[] = {
        "\x05\x00\x00\x03\x09proxy.lan\x9c\x40"s,
        "\x05\x00\x00\x04"s + std::string(15, '\0') + "\x01\x9c\x40"s,
        "\x05\x00\x00\x03\x00\x9c\x40"s,
    };
    for (const std::string& reply : replies) {
        ScriptedProxy proxy(answer_connect(reply + kGreeting));
        ASSERT_TRUE(proxy.ok());
        Result<StreamPtr> stream = open(section(proxy.uri()));
        ASSERT_TRUE(stream) << stream.error().message;
        auto greeting = read_until(**stream, "\r\n");
        EXPECT_EQ(greeting.data, kGreeting);
    }
}

TEST(Socks5Transport, DebugLogNamesTheStepsButNoCredential) {
    ScriptedProxy proxy(relay);
    ASSERT_TRUE(proxy.ok());
    RecordingLogger logger(2);
    Result<StreamPtr> stream =
        open(section(proxy.uri("socks5h", "alice:s3cret@"), "mail.example.invalid"), logger);
    ASSERT_TRUE(stream) << stream.error().message;
    const std::string p = "SOCKS5 proxy 127.0.0.1:" + proxy.port() + ": ";
    EXPECT_EQ(logger.all(), p + "connected\n" + p +
                                "offering no authentication or username/password\n" + p +
                                "CONNECT mail.example.invalid:143 (the proxy resolves the name)\n" +
                                p + "connected to mail.example.invalid:143 from 127.0.0.1:40000\n");
}

TEST(Socks5Transport, MissingOrInvalidProxyIsAConfigError) {
    ConfigSection no_proxy("remote");
    no_proxy.set("host", "127.0.0.1");
    Result<StreamPtr> missing = open(no_proxy);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::config);
    EXPECT_EQ(missing.error().message,
              "Missing option proxy (socks5://[USER[:PASSWORD]@]HOST[:PORT])");

    ConfigSection bad = section("socks5://alice:s3cret@[host]");
    bad.set("proxy", "socks5://alice:s3cret@[host]", ConfigOrigin{"config", 7});
    Result<StreamPtr> invalid = open(bad);
    ASSERT_FALSE(invalid);
    EXPECT_EQ(invalid.error().code, ErrorCode::config);
    EXPECT_EQ(invalid.error().message, "config:7: option proxy: Invalid proxy URI "
                                       "socks5://[REDACTED]@[host] (Invalid IP literal: host)");

    Result<StreamPtr> unsupported = open(section("socks4://proxy"));
    ASSERT_FALSE(unsupported);
    EXPECT_EQ(unsupported.error().message,
              "option proxy: Unsupported proxy protocol socks4 (expected socks5 or socks5h)");
}

TEST(Socks5Transport, InvalidDestinationIsAConfigError) {
    Result<StreamPtr> literal = open(section("socks5://127.0.0.1:1", "[not-an-ip]"));
    ASSERT_FALSE(literal);
    EXPECT_EQ(literal.error().code, ErrorCode::config);
    EXPECT_EQ(literal.error().message, "option host: Invalid IP literal: not-an-ip");

    Result<StreamPtr> port = open(section("socks5://127.0.0.1:1", "127.0.0.1", "no-such-service"));
    ASSERT_FALSE(port);
    EXPECT_EQ(port.error().message, "option port: Unknown TCP service no-such-service");

    Result<StreamPtr> long_name =
        open(section("socks5h://127.0.0.1:1", std::string(250, 'a') + ".example"));
    ASSERT_FALSE(long_name);
    EXPECT_EQ(long_name.error().message,
              "option host: a SOCKS5 proxy takes names of at most 255 bytes");
}

TEST(Socks5Transport, LocalResolutionFailureNamesTheDestination) {
    Result<StreamPtr> stream = open(section("socks5://127.0.0.1:1", "no-such-host.invalid"));
    ASSERT_FALSE(stream);
    EXPECT_EQ(stream.error().code, ErrorCode::io);
    EXPECT_EQ(stream.error().message.rfind("Can't resolve no-such-host.invalid:143 (socks5:// "
                                           "resolves locally, socks5h:// lets the proxy resolve): ",
                                           0),
              0u)
        << stream.error().message;
}

// A loopback port where nothing listens (bound, so nobody takes it meanwhile).
class ClosedPort {
public:
    ClosedPort() {
        fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof a;
        bind(fd_, reinterpret_cast<sockaddr*>(&a), length);
        getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &length);
        port_ = std::to_string(ntohs(a.sin_port));
    }
    ~ClosedPort() { close(fd_); }
    const std::string& port() const { return port_; }

private:
    int fd_;
    std::string port_;
};

TEST(Socks5Transport, UnreachableProxyIsNamed) {
    ClosedPort closed;
    Result<StreamPtr> stream =
        open(section("socks5h://alice:s3cret@127.0.0.1:" + closed.port(), "imap.example.org"));
    ASSERT_FALSE(stream);
    EXPECT_EQ(stream.error().code, ErrorCode::io);
    EXPECT_EQ(stream.error().message,
              "Can't connect to SOCKS5 proxy 127.0.0.1:" + closed.port() + ": Connection refused");
}

int int_option(int fd, int level, int name) {
    int value = -1;
    socklen_t length = sizeof value;
    EXPECT_EQ(getsockopt(fd, level, name, &value, &length), 0);
    return value;
}

TEST(Socks5Transport, KeepaliveIsSetOnTheSocketToTheProxy) {
    for (bool keepalive : {false, true}) {
        ScriptedProxy proxy(relay);
        ASSERT_TRUE(proxy.ok());
        RecordingLogger logger;
        Result<StreamPtr> stream = open(section(proxy.uri()), logger, keepalive);
        ASSERT_TRUE(stream) << stream.error().message;
        const int fd = (*stream)->poll_events(false).fd;
        EXPECT_EQ(int_option(fd, IPPROTO_TCP, TCP_NODELAY), 1);
        EXPECT_EQ(int_option(fd, SOL_SOCKET, SO_KEEPALIVE), keepalive ? 1 : 0);
        if (keepalive) {
            EXPECT_EQ(int_option(fd, IPPROTO_TCP, TCP_KEEPIDLE), 60);
        }
    }
}

TEST(Socks5Transport, RefusesToWrapAnotherStream) {
    ScriptedProxy proxy(relay);
    ASSERT_TRUE(proxy.ok());
    ConfigSection s = section(proxy.uri());
    Result<StreamPtr> lower = open(s);
    ASSERT_TRUE(lower);
    RecordingLogger logger;
    Socks5Transport transport;
    Result<StreamPtr> stream =
        transport.connect(ConnectRequest{s, logger, {"remote", ""}}, std::move(*lower));
    ASSERT_FALSE(stream);
    EXPECT_EQ(stream.error().code, ErrorCode::internal);
}

} // namespace
} // namespace interimap::socks5
