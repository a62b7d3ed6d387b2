// The tcp transport against real loopback servers (127.0.0.1 and ::1).
#include "loopback_server.hpp"
#include "tcp_connect.hpp"
#include "tcp_transport.hpp"
#include "transports/support/stream_helpers.hpp"

#include <chrono>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <interimap/config.hpp>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <optional>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace interimap::tcp {
namespace {

using interimap::testing::DebugLevelLogger;
using interimap::testing::LoopbackServer;
using interimap::testing::read_until;
using interimap::testing::write_all;
using namespace std::chrono_literals;

ConfigSection tcp_section(const std::string& host, const std::string& port,
                          const std::string& type = "imap") {
    ConfigSection section("remote");
    section.set("type", type);
    section.set("host", host);
    if (!port.empty())
        section.set("port", port);
    return section;
}

Result<StreamPtr> open_tcp(const ConfigSection& section, bool keepalive = false,
                           std::chrono::milliseconds timeout = 5s) {
    DebugLevelLogger logger;
    TcpTransport transport;
    ConnectRequest request{section, logger, {"remote", ""}, keepalive, timeout};
    return transport.connect(request, nullptr);
}

int int_option(int fd, int level, int name) {
    int value = -1;
    socklen_t length = sizeof value;
    EXPECT_EQ(getsockopt(fd, level, name, &value, &length), 0);
    return value;
}

// A loopback port where nothing listens: bound (so nobody else takes it
// while the test runs) but not listening, hence connections are refused.
class ClosedPort {
public:
    explicit ClosedPort(int family = AF_INET) {
        fd_ = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_storage address{};
        socklen_t length = 0;
        if (family == AF_INET6) {
            auto* a = reinterpret_cast<sockaddr_in6*>(&address);
            a->sin6_family = AF_INET6;
            a->sin6_addr = in6addr_loopback;
            length = sizeof *a;
        } else {
            auto* a = reinterpret_cast<sockaddr_in*>(&address);
            a->sin_family = AF_INET;
            a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            length = sizeof *a;
        }
        EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&address), length), 0);
        getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
        int port = family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&address)->sin6_port
                                      : reinterpret_cast<sockaddr_in*>(&address)->sin_port;
        port_ = std::to_string(ntohs(static_cast<uint16_t>(port)));
    }
    ~ClosedPort() { close(fd_); }
    const std::string& port() const { return port_; }

private:
    int fd_;
    std::string port_;
};

void expect_echo(Stream& stream, const std::string& text) {
    ASSERT_TRUE(write_all(stream, text));
    auto got = read_until(stream, text);
    ASSERT_FALSE(got.error) << got.error->message;
    EXPECT_EQ(got.data, text);
}

TEST(TcpTransport, ConnectsByNameToIpv4Loopback) {
    LoopbackServer server(AF_INET);
    ASSERT_TRUE(server.ok());
    Result<StreamPtr> stream = open_tcp(tcp_section("localhost", server.port_text()));
    ASSERT_TRUE(stream) << stream.error().message;
    EXPECT_EQ((*stream)->describe(),
              "localhost:" + server.port_text() + " (127.0.0.1:" + server.port_text() + ")");
    expect_echo(**stream, "a1 NOOP\r\n");
    EXPECT_TRUE((*stream)->close());
}

TEST(TcpTransport, ConnectsToABracketedIpv4Literal) {
    LoopbackServer server(AF_INET);
    ASSERT_TRUE(server.ok());
    Result<StreamPtr> stream = open_tcp(tcp_section("[127.0.0.1]", server.port_text()));
    ASSERT_TRUE(stream) << stream.error().message;
    EXPECT_EQ((*stream)->describe(), "127.0.0.1:" + server.port_text());
    expect_echo(**stream, "a1 NOOP\r\n");
}

TEST(TcpTransport, ConnectsToABracketedIpv6Literal) {
    LoopbackServer server(AF_INET6);
    ASSERT_TRUE(server.ok()) << "::1 must be available for this test";
    Result<StreamPtr> stream = open_tcp(tcp_section("[::1]", server.port_text()));
    ASSERT_TRUE(stream) << stream.error().message;
    EXPECT_EQ((*stream)->describe(), "[::1]:" + server.port_text());
    expect_echo(**stream, "a1 NOOP\r\n");
}

TEST(TcpTransport, ConnectsToABareIpv6Address) {
    LoopbackServer server(AF_INET6);
    ASSERT_TRUE(server.ok());
    Result<StreamPtr> stream = open_tcp(tcp_section("::1", server.port_text()));
    ASSERT_TRUE(stream) << stream.error().message;
    expect_echo(**stream, "x");
}

TEST(TcpTransport, CountsTrafficAndCarriesLargeData) {
    LoopbackServer server(AF_INET);
    ASSERT_TRUE(server.ok());
    Result<StreamPtr> opened = open_tcp(tcp_section("[127.0.0.1]", server.port_text()));
    ASSERT_TRUE(opened);
    Stream& stream = **opened;
    std::string payload;
    for (int i = 0; payload.size() < 1 << 20; ++i)
        payload += std::to_string(i) + ' ';
    std::string echoed;
    std::size_t written = 0;
    std::byte buffer[8192];
    auto deadline = std::chrono::steady_clock::now() + 20s;
    while (echoed.size() < payload.size() && std::chrono::steady_clock::now() < deadline) {
        if (written < payload.size()) {
            Result<IoResult> w = stream.write(
                std::as_bytes(std::span(payload.data() + written, payload.size() - written)));
            ASSERT_TRUE(w) << w.error().message;
            if (w->status == IoResult::Status::ok)
                written += w->bytes;
        }
        Result<IoResult> r = stream.read(buffer);
        ASSERT_TRUE(r) << r.error().message;
        ASSERT_NE(r->status, IoResult::Status::eof);
        if (r->status == IoResult::Status::ok)
            echoed.append(reinterpret_cast<const char*>(buffer), r->bytes);
        else
            interimap::testing::poll_stream(stream, written < payload.size(), 100ms);
    }
    EXPECT_EQ(echoed, payload);
    EXPECT_EQ(stream.traffic().sent, payload.size());
    EXPECT_EQ(stream.traffic().received, payload.size());
    EXPECT_TRUE(stream.close());
    EXPECT_TRUE(stream.close()); // idempotent
}

TEST(TcpTransport, RefusedConnectionNamesHostAndPort) {
    ClosedPort closed;
    Result<StreamPtr> stream = open_tcp(tcp_section("localhost", closed.port()));
    ASSERT_FALSE(stream);
    EXPECT_EQ(stream.error().code, ErrorCode::io);
    EXPECT_EQ(stream.error().message,
              "Can't connect to localhost:" + closed.port() + ": Connection refused");
}

TEST(TcpTransport, RefusedIpv6LiteralIsBracketedInTheMessage) {
    ClosedPort closed(AF_INET6);
    Result<StreamPtr> stream = open_tcp(tcp_section("[::1]", closed.port()));
    ASSERT_FALSE(stream);
    EXPECT_EQ(stream.error().message,
              "Can't connect to [::1]:" + closed.port() + ": Connection refused");
}

TEST(TcpTransport, UnknownServiceNameIsReported) {
    Result<StreamPtr> stream = open_tcp(tcp_section("[127.0.0.1]", "no-such-imap-service"));
    ASSERT_FALSE(stream);
    EXPECT_EQ(stream.error().message.rfind("Can't resolve 127.0.0.1:no-such-imap-service: ", 0), 0u)
        << stream.error().message;
}

TEST(TcpTransport, InvalidIpLiteralIsAConfigErrorNamingTheOption) {
    Result<StreamPtr> stream = open_tcp(tcp_section("[not-an-ip]", "143"));
    ASSERT_FALSE(stream);
    EXPECT_EQ(stream.error().code, ErrorCode::config);
    EXPECT_NE(stream.error().message.find("host"), std::string::npos) << stream.error().message;
    EXPECT_NE(stream.error().message.find("Invalid IP literal: not-an-ip"), std::string::npos)
        << stream.error().message;
}

TEST(TcpTransport, SetsNodelayAndNoKeepaliveByDefault) {
    LoopbackServer server(AF_INET);
    ASSERT_TRUE(server.ok());
    Result<StreamPtr> stream = open_tcp(tcp_section("[127.0.0.1]", server.port_text()));
    ASSERT_TRUE(stream);
    int fd = (*stream)->poll_events(false).fd;
    EXPECT_EQ(int_option(fd, IPPROTO_TCP, TCP_NODELAY), 1);
    EXPECT_EQ(int_option(fd, SOL_SOCKET, SO_KEEPALIVE), 0);
}

TEST(TcpTransport, KeepaliveEnablesProbesAfterAMinute) {
    LoopbackServer server(AF_INET);
    ASSERT_TRUE(server.ok());
    Result<StreamPtr> stream =
        open_tcp(tcp_section("[127.0.0.1]", server.port_text()), /*keepalive=*/true);
    ASSERT_TRUE(stream);
    int fd = (*stream)->poll_events(false).fd;
    EXPECT_EQ(int_option(fd, SOL_SOCKET, SO_KEEPALIVE), 1);
    EXPECT_EQ(int_option(fd, IPPROTO_TCP, TCP_KEEPIDLE), 60);
}

TEST(TcpTransport, SocketIsNonBlockingAndCloseOnExec) {
    LoopbackServer server(AF_INET);
    ASSERT_TRUE(server.ok());
    Result<StreamPtr> stream = open_tcp(tcp_section("[127.0.0.1]", server.port_text()));
    ASSERT_TRUE(stream);
    int fd = (*stream)->poll_events(false).fd;
    EXPECT_TRUE(fcntl(fd, F_GETFL) & O_NONBLOCK);
    EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    std::byte buffer[16];
    Result<IoResult> r = (*stream)->read(buffer);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, IoResult::Status::would_block);
    EXPECT_EQ((*stream)->poll_events(true).events, POLLIN | POLLOUT);
    EXPECT_EQ((*stream)->poll_events(false).events, POLLIN);
}

TEST(TcpTransport, PeerCloseIsEndOfStream) {
    LoopbackServer server(AF_INET, LoopbackServer::Behaviour::close);
    ASSERT_TRUE(server.ok());
    Result<StreamPtr> stream = open_tcp(tcp_section("[127.0.0.1]", server.port_text()));
    ASSERT_TRUE(stream);
    auto got = read_until(**stream);
    EXPECT_TRUE(got.eof);
    EXPECT_FALSE(got.error);
}

TEST(TcpTransport, PeerResetIsAClosedErrorNamingTheEndpoint) {
    LoopbackServer server(AF_INET, LoopbackServer::Behaviour::reset);
    ASSERT_TRUE(server.ok());
    Result<StreamPtr> stream = open_tcp(tcp_section("[127.0.0.1]", server.port_text()));
    ASSERT_TRUE(stream);
    ASSERT_TRUE((*stream)->write(std::as_bytes(std::span("a1 NOOP\r\n", 9))));
    auto got = read_until(**stream);
    ASSERT_TRUE(got.error);
    EXPECT_EQ(got.error->code, ErrorCode::closed);
    EXPECT_EQ(got.error->message, "127.0.0.1:" + server.port_text() + ": Connection reset by peer");
}

TEST(TcpTransport, WritingToAGonePeerIsAnErrorNotSigpipe) {
    LoopbackServer server(AF_INET, LoopbackServer::Behaviour::close);
    ASSERT_TRUE(server.ok());
    Result<StreamPtr> stream = open_tcp(tcp_section("[127.0.0.1]", server.port_text()));
    ASSERT_TRUE(stream);
    ASSERT_TRUE(read_until(**stream).eof);
    // The first write may be accepted locally; the peer's RST makes a later
    // one fail. The process must survive (no SIGPIPE) and get ErrorCode::closed.
    std::optional<Error> failure;
    for (int i = 0; i < 50 && !failure; ++i) {
        Result<IoResult> w = (*stream)->write(std::as_bytes(std::span("a1 NOOP\r\n", 9)));
        if (!w)
            failure = w.error();
        else
            std::this_thread::sleep_for(10ms);
    }
    ASSERT_TRUE(failure);
    EXPECT_EQ(failure->code, ErrorCode::closed);
    EXPECT_EQ(failure->message.rfind("127.0.0.1:" + server.port_text() + ": ", 0), 0u)
        << failure->message;
}

TEST(TcpTransport, RefusesToWrapAnotherStream) {
    LoopbackServer server(AF_INET);
    ASSERT_TRUE(server.ok());
    ConfigSection section = tcp_section("[127.0.0.1]", server.port_text());
    Result<StreamPtr> lower = open_tcp(section);
    ASSERT_TRUE(lower);
    DebugLevelLogger logger;
    TcpTransport transport;
    Result<StreamPtr> stream =
        transport.connect(ConnectRequest{section, logger, {"remote", ""}}, std::move(*lower));
    ASSERT_FALSE(stream);
    EXPECT_EQ(stream.error().code, ErrorCode::internal);
}

// A listener whose accept queue is full drops new SYNs, so a connection to
// it stays pending: a timeout without leaving loopback.
class SaturatedListener {
public:
    SaturatedListener() {
        listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof a;
        bind(listener_, reinterpret_cast<sockaddr*>(&a), length);
        listen(listener_, 0);
        getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &length);
        port_ = ntohs(a.sin_port);
        for (int i = 0; i < 64 && !saturated_; ++i) {
            int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
            fillers_.push_back(fd);
            if (connect(fd, reinterpret_cast<sockaddr*>(&a), length) == 0)
                continue;
            pollfd p{fd, POLLOUT, 0};
            saturated_ = poll(&p, 1, 300) == 0; // still pending: the queue is full
        }
    }
    ~SaturatedListener() {
        for (int fd : fillers_)
            close(fd);
        close(listener_);
    }
    bool saturated() const { return saturated_; }
    std::string port() const { return std::to_string(port_); }

private:
    int listener_ = -1;
    int port_ = 0;
    bool saturated_ = false;
    std::vector<int> fillers_;
};

TEST(TcpTransport, ConnectGivesUpAfterTheTimeout) {
    SaturatedListener listener;
    ASSERT_TRUE(listener.saturated()) << "could not fill the accept queue";
    auto start = std::chrono::steady_clock::now();
    Result<StreamPtr> stream = open_tcp(tcp_section("[127.0.0.1]", listener.port()), false, 400ms);
    auto elapsed = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(stream);
    EXPECT_EQ(stream.error().code, ErrorCode::timeout);
    EXPECT_EQ(stream.error().message,
              "Can't connect to 127.0.0.1:" + listener.port() + ": timed out after 400 ms");
    EXPECT_GE(elapsed, 350ms);
    EXPECT_LT(elapsed, 3s);
}

TEST(TcpConnect, OneAddressTimesOutWithItsOwnBudget) {
    SaturatedListener listener;
    ASSERT_TRUE(listener.saturated()) << "could not fill the accept queue";
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(std::stoi(listener.port())));
    addrinfo address{};
    address.ai_family = AF_INET;
    address.ai_socktype = SOCK_STREAM;
    address.ai_protocol = IPPROTO_TCP;
    address.ai_addr = reinterpret_cast<sockaddr*>(&a);
    address.ai_addrlen = sizeof a;
    Result<int> fd = connect_address(address, 250ms);
    ASSERT_FALSE(fd);
    EXPECT_EQ(fd.error().code, ErrorCode::timeout);
    EXPECT_EQ(fd.error().message, "timed out after 250 ms");
}

TEST(TcpConnect, FormatsDurations) {
    EXPECT_EQ(format_duration(30s), "30 s");
    EXPECT_EQ(format_duration(1500ms), "1500 ms");
}

} // namespace
} // namespace interimap::tcp
