// The socks5 transport through a real SOCKS5 server (Debian's microsocks)
// on loopback, to a loopback echo server behind it.
#include "microsocks_server.hpp"
#include "socks5_transport.hpp"
#include "transports/support/stream_helpers.hpp"
#include "transports/tcp/loopback_server.hpp"

#include <gtest/gtest.h>
#include <interimap/config.hpp>
#include <netdb.h>
#include <string>
#include <unistd.h>

namespace interimap::socks5 {
namespace {

using interimap::testing::DebugLevelLogger;
using interimap::testing::LoopbackServer;
using interimap::testing::MicrosocksServer;
using interimap::testing::read_until;
using interimap::testing::write_all;
using namespace std::chrono_literals;

Result<StreamPtr> open_through(const std::string& proxy, const std::string& host,
                               const std::string& port) {
    ConfigSection section("remote");
    section.set("type", "imap");
    section.set("host", host);
    section.set("port", port);
    section.set("proxy", proxy);
    DebugLevelLogger logger(2);
    Socks5Transport transport;
    return transport.connect(ConnectRequest{section, logger, {"remote", ""}, false, 10s}, nullptr);
}

void expect_echo(Stream& stream) {
    ASSERT_TRUE(write_all(stream, "a1 NOOP\r\n"));
    auto got = read_until(stream, "\r\n");
    ASSERT_FALSE(got.error) << got.error->message;
    EXPECT_EQ(got.data, "a1 NOOP\r\n");
}

// The family of the first address of "localhost", the one microsocks
// connects to (127.0.0.1 or ::1 depending on /etc/hosts).
int localhost_family() {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (getaddrinfo("localhost", nullptr, &hints, &found) != 0)
        return AF_INET;
    int family = found->ai_family;
    freeaddrinfo(found);
    return family;
}

TEST(Socks5Microsocks, RelaysWithoutAuthentication) {
    MicrosocksServer proxy;
    ASSERT_EQ(proxy.error(), "");
    LoopbackServer server(AF_INET);
    ASSERT_TRUE(server.ok());
    Result<StreamPtr> stream =
        open_through("socks5://127.0.0.1:" + proxy.port(), "127.0.0.1", server.port_text());
    ASSERT_TRUE(stream) << stream.error().message;
    expect_echo(**stream);
    EXPECT_TRUE((*stream)->close());
}

TEST(Socks5Microsocks, Socks5hLetsTheProxyResolveLocalhost) {
    MicrosocksServer proxy;
    ASSERT_EQ(proxy.error(), "");
    LoopbackServer server(localhost_family());
    ASSERT_TRUE(server.ok());
    Result<StreamPtr> stream =
        open_through("socks5h://127.0.0.1:" + proxy.port(), "localhost", server.port_text());
    ASSERT_TRUE(stream) << stream.error().message;
    expect_echo(**stream);
}

TEST(Socks5Microsocks, AuthenticatesWithTheRightPassword) {
    MicrosocksServer proxy({"alice", "s3cret-pass", ""});
    ASSERT_EQ(proxy.error(), "");
    LoopbackServer server(AF_INET);
    ASSERT_TRUE(server.ok());
    Result<StreamPtr> stream = open_through("socks5://alice:s3cret-pass@127.0.0.1:" + proxy.port(),
                                            "127.0.0.1", server.port_text());
    ASSERT_TRUE(stream) << stream.error().message;
    expect_echo(**stream);
}

TEST(Socks5Microsocks, WrongPasswordIsAnAuthenticationError) {
    MicrosocksServer proxy({"alice", "s3cret-pass", ""});
    ASSERT_EQ(proxy.error(), "");
    Result<StreamPtr> stream =
        open_through("socks5://alice:not-the-pass@127.0.0.1:" + proxy.port(), "127.0.0.1", "143");
    ASSERT_FALSE(stream);
    EXPECT_EQ(stream.error().code, ErrorCode::auth);
    EXPECT_EQ(stream.error().message.rfind("SOCKS5 proxy 127.0.0.1:" + proxy.port() +
                                               ": authentication failed: the proxy rejected the "
                                               "user name or password (status ",
                                           0),
              0u)
        << stream.error().message;
    EXPECT_EQ(stream.error().message.find("not-the-pass"), std::string::npos);
    EXPECT_EQ(stream.error().message.find("alice"), std::string::npos);
}

TEST(Socks5Microsocks, MissingCredentialsFindNoAcceptableMethod) {
    MicrosocksServer proxy({"alice", "s3cret-pass", ""});
    ASSERT_EQ(proxy.error(), "");
    Result<StreamPtr> stream =
        open_through("socks5://127.0.0.1:" + proxy.port(), "127.0.0.1", "143");
    ASSERT_FALSE(stream);
    EXPECT_EQ(stream.error().code, ErrorCode::auth);
    EXPECT_EQ(stream.error().message,
              "SOCKS5 proxy 127.0.0.1:" + proxy.port() +
                  ": no acceptable authentication method (offered: no authentication; the proxy "
                  "URI has no USER@) for 127.0.0.1:143");
}

TEST(Socks5Microsocks, RefusedDestinationIsReply5) {
    MicrosocksServer proxy;
    ASSERT_EQ(proxy.error(), "");
    // A port nobody listens on: the echo server's, once it is gone.
    std::string port;
    {
        LoopbackServer gone(AF_INET);
        port = gone.port_text();
    }
    Result<StreamPtr> stream =
        open_through("socks5://127.0.0.1:" + proxy.port(), "127.0.0.1", port);
    ASSERT_FALSE(stream);
    EXPECT_EQ(stream.error().code, ErrorCode::io);
    EXPECT_EQ(stream.error().message, "SOCKS5 proxy 127.0.0.1:" + proxy.port() +
                                          ": connection refused by destination host (reply 5) "
                                          "for 127.0.0.1:" +
                                          port);
}

// A name in the proxy's /etc/hosts only: socks5h reaches it, socks5 cannot
// even resolve it. Needs a mount namespace (root); skipped without one.
TEST(Socks5Microsocks, Socks5hReachesANameOnlyTheProxyResolves) {
    char hosts[] = "/tmp/interimap-socks5-hosts-XXXXXX";
    int fd = mkstemp(hosts);
    ASSERT_GE(fd, 0);
    const std::string content = "127.0.0.1 localhost imap.only-the-proxy-knows.test\n";
    ASSERT_EQ(write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
    close(fd);
    MicrosocksServer proxy({"", "", hosts});
    const std::string error = proxy.error();
    if (!error.empty()) {
        unlink(hosts);
        GTEST_SKIP() << "no mount namespace for the proxy: " << error;
    }
    LoopbackServer server(AF_INET);
    ASSERT_TRUE(server.ok());
    const std::string name = "imap.only-the-proxy-knows.test";
    Result<StreamPtr> local = open_through("socks5://127.0.0.1:" + proxy.port(), name, "143");
    ASSERT_FALSE(local);
    EXPECT_EQ(local.error().message.rfind("Can't resolve " + name + ":143", 0), 0u)
        << local.error().message;
    Result<StreamPtr> remote =
        open_through("socks5h://127.0.0.1:" + proxy.port(), name, server.port_text());
    unlink(hosts);
    ASSERT_TRUE(remote) << remote.error().message;
    expect_echo(**remote);
}

// microsocks 1.0.3 answers "general SOCKS server failure"; others say
// "host unreachable": any reply code will do.
TEST(Socks5Microsocks, NameTheProxyCannotResolveIsReported) {
    MicrosocksServer proxy;
    ASSERT_EQ(proxy.error(), "");
    Result<StreamPtr> stream =
        open_through("socks5h://127.0.0.1:" + proxy.port(), "no-such-host.invalid", "143");
    ASSERT_FALSE(stream);
    EXPECT_EQ(stream.error().message.rfind("SOCKS5 proxy 127.0.0.1:" + proxy.port() + ": ", 0), 0u)
        << stream.error().message;
    EXPECT_NE(stream.error().message.find("(reply "), std::string::npos) << stream.error().message;
    EXPECT_NE(stream.error().message.find(" for no-such-host.invalid:143"), std::string::npos)
        << stream.error().message;
}

} // namespace
} // namespace interimap::socks5
