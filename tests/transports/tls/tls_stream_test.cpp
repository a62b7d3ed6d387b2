// The TLS stream's I/O: over a lower stream that is not a socket, the
// non-blocking contract (has_buffered_input, poll_events, traffic), the
// end of the session both ways, and handshakes that cannot finish.
#include "tls_fixtures.hpp"
#include "tls_transport.hpp"
#include "transports/support/stream_helpers.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <interimap/socket_io.hpp>
#include <memory>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace interimap::testing {
namespace {

using namespace std::chrono_literals;

// What a TrickleStream did, kept after the TLS layer has taken the stream.
struct TrickleRecord {
    std::size_t reads = 0;
    std::size_t writes = 0;
    TrafficCounters traffic;
    bool closed = false;
};

// A lower stream that is not a socket as far as the TLS layer can tell: it
// moves at most 7 bytes per read and 5 per write over one end of a
// socketpair, and keeps its own counters.
class TrickleStream final : public Stream {
public:
    TrickleStream(int fd, std::shared_ptr<TrickleRecord> record)
        : fd_(fd), record_(std::move(record)) {}
    ~TrickleStream() override { (void)close(); }

    Result<IoResult> read(std::span<std::byte> buffer) override {
        ++record_->reads;
        SocketIo io = socket_receive(fd_, buffer.first(std::min<std::size_t>(buffer.size(), 7)),
                                     record_->traffic);
        if (io.error)
            return Fail(ErrorCode::io, "trickle read failed");
        return io.result;
    }
    Result<IoResult> write(std::span<const std::byte> data) override {
        ++record_->writes;
        SocketIo io =
            socket_send(fd_, data.first(std::min<std::size_t>(data.size(), 5)), record_->traffic);
        if (io.error)
            return Fail(ErrorCode::io, "trickle write failed");
        return io.result;
    }
    PollRequest poll_events(bool want_write) const override {
        return {fd_, static_cast<short>(POLLIN | (want_write ? POLLOUT : 0))};
    }
    TrafficCounters traffic() const override { return record_->traffic; }
    Result<void> close() override {
        if (fd_ >= 0)
            ::close(std::exchange(fd_, -1));
        record_->closed = true;
        return ok();
    }
    std::string describe() const override { return "trickle stream"; }

private:
    int fd_;
    std::shared_ptr<TrickleRecord> record_;
};

struct SocketPair {
    int client = -1;
    int server = -1;
    SocketPair() {
        int fds[2];
        EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
        client = fds[0];
        server = fds[1];
        ::fcntl(client, F_SETFL, O_NONBLOCK);
    }
};

Result<StreamPtr> tls_over(StreamPtr lower, const ConfigSection& section,
                           std::chrono::milliseconds timeout = 5s) {
    NullLogger logger;
    ConnectRequest request{section, logger, {"remote", ""}, false, timeout};
    tls::TlsTransport tls;
    return tls.connect(request, std::move(lower));
}

// Waits until the stream's descriptor is readable, then long enough for
// everything the server sent to have arrived.
void await_input(const Stream& stream) {
    ASSERT_EQ(poll_stream(stream, false, 5s), 1);
    std::this_thread::sleep_for(200ms);
}

std::string text(const std::byte* data, std::size_t size) {
    return std::string(reinterpret_cast<const char*>(data), size);
}

// "0 1 2 3 ..." up to `size` bytes at least.
std::string numbers(std::size_t size) {
    std::string out;
    for (int i = 0; out.size() < size; ++i)
        out += std::to_string(i) + ' ';
    return out;
}

// Writes `payload` to an echoing server while reading what comes back, as
// the session does: non-blocking calls, poll only when nothing is buffered.
std::string echo(Stream& stream, const std::string& payload) {
    std::string echoed;
    std::size_t written = 0;
    std::byte buffer[8192];
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (echoed.size() < payload.size() && std::chrono::steady_clock::now() < deadline) {
        if (written < payload.size()) {
            Result<IoResult> w = stream.write(
                std::as_bytes(std::span(payload.data() + written, payload.size() - written)));
            EXPECT_TRUE(w) << w.error().message;
            if (!w)
                break;
            if (w->status == IoResult::Status::ok)
                written += w->bytes;
        }
        EXPECT_TRUE(stream.flush());
        Result<IoResult> r = stream.read(buffer);
        EXPECT_TRUE(r) << r.error().message;
        if (!r || r->status == IoResult::Status::eof)
            break;
        if (r->status == IoResult::Status::ok)
            echoed.append(text(buffer, r->bytes));
        else if (!stream.has_buffered_input())
            poll_stream(stream, written < payload.size(), 100ms);
    }
    return echoed;
}

TEST(TlsStream, RunsOverAStreamThatIsNotASocket) {
    SocketPair pair;
    TlsTestServer server(presenting("server"), pair.server);
    auto record = std::make_shared<TrickleRecord>();
    Result<StreamPtr> opened =
        tls_over(std::make_unique<TrickleStream>(pair.client, record), imaps_section("993"));
    ASSERT_TRUE(opened) << opened.error().message;
    Stream& stream = **opened;
    EXPECT_EQ(stream.describe(), "TLS over trickle stream");

    const std::string payload = numbers(100000);
    EXPECT_EQ(echo(stream, payload), payload);

    // The wire bytes are the lower stream's, TLS records included.
    EXPECT_EQ(stream.traffic().sent, record->traffic.sent);
    EXPECT_EQ(stream.traffic().received, record->traffic.received);
    EXPECT_GT(record->traffic.sent, payload.size());
    EXPECT_GT(record->reads, payload.size() / 7);
    EXPECT_TRUE(stream.close());
    EXPECT_TRUE(record->closed);
    TlsServerReport report = server.finish();
    EXPECT_EQ(report.echoed, payload.size());
    EXPECT_TRUE(report.close_notify_received);
}

TEST(TlsStream, CarriesAMegabyteBothWaysOverTcp) {
    TlsTestServer server(presenting("server"));
    Result<StreamPtr> opened = open_imaps(imaps_section(server.port()));
    ASSERT_TRUE(opened) << opened.error().message;
    Stream& stream = **opened;
    const std::string payload = numbers(1 << 20);
    EXPECT_EQ(echo(stream, payload), payload);
    EXPECT_GT(stream.traffic().sent, payload.size());
    EXPECT_GT(stream.traffic().received, payload.size());
}

TEST(TlsStream, AsksForWritingOnlyWhenThereIsSomethingToSend) {
    TlsTestServer server(presenting("server"));
    Result<StreamPtr> opened = open_imaps(imaps_section(server.port()));
    ASSERT_TRUE(opened) << opened.error().message;
    EXPECT_EQ((*opened)->poll_events(false).events, POLLIN);
    EXPECT_EQ((*opened)->poll_events(true).events, POLLIN | POLLOUT);
    std::byte buffer[16];
    Result<IoResult> r = (*opened)->read(buffer);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, IoResult::Status::would_block);
    EXPECT_FALSE((*opened)->has_buffered_input());
}

TEST(TlsStream, DecryptedBytesLeftOverAreBufferedInput) {
    TlsServerSettings settings = presenting("server");
    settings.greeting = {std::string(10000, 'x')}; // one record
    TlsTestServer server(settings);
    Result<StreamPtr> opened = open_imaps(imaps_section(server.port()));
    ASSERT_TRUE(opened) << opened.error().message;
    Stream& stream = **opened;
    await_input(stream);
    std::size_t total = 0;
    std::byte buffer[100];
    for (;;) {
        Result<IoResult> r = stream.read(buffer);
        ASSERT_TRUE(r) << r.error().message;
        if (r->status != IoResult::Status::ok)
            break;
        total += r->bytes;
        // The rest of the record is decrypted already: poll would not say so.
        EXPECT_EQ(stream.has_buffered_input(), total < 10000) << total;
    }
    EXPECT_EQ(total, 10000u);
    EXPECT_FALSE(stream.has_buffered_input());
}

TEST(TlsStream, RecordsReceivedTogetherAreBufferedInput) {
    TlsServerSettings settings = presenting("server");
    settings.greeting = {"* OK one\r\n", "* two\r\n", "* three\r\n"}; // three records
    TlsTestServer server(settings);
    Result<StreamPtr> opened = open_imaps(imaps_section(server.port()));
    ASSERT_TRUE(opened) << opened.error().message;
    Stream& stream = **opened;
    await_input(stream);
    std::string got;
    std::byte buffer[4096];
    while (got.size() < 26) {
        // Each read returns one record; the others wait inside the layer
        // while the socket has nothing more to say.
        Result<IoResult> r = stream.read(buffer);
        ASSERT_TRUE(r) << r.error().message;
        ASSERT_EQ(r->status, IoResult::Status::ok) << "got so far: " << got;
        got += text(buffer, r->bytes);
        if (got.size() < 26) {
            EXPECT_TRUE(stream.has_buffered_input()) << got;
            pollfd p{stream.poll_events(false).fd, POLLIN, 0};
            EXPECT_EQ(::poll(&p, 1, 0), 0) << "the socket still had data: the test proves nothing";
        }
    }
    EXPECT_EQ(got, "* OK one\r\n* two\r\n* three\r\n");
    EXPECT_FALSE(stream.has_buffered_input());
    Result<IoResult> r = stream.read(buffer);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, IoResult::Status::would_block);
}

TEST(TlsStream, TheServersCloseNotifyIsTheEndOfTheStream) {
    TlsServerSettings settings = presenting("server");
    settings.greeting = {"* BYE\r\n"};
    settings.close_after_greeting = true;
    TlsTestServer server(settings);
    Result<StreamPtr> opened = open_imaps(imaps_section(server.port()));
    ASSERT_TRUE(opened) << opened.error().message;
    Drained got = read_until(**opened);
    EXPECT_FALSE(got.error) << got.error->message;
    EXPECT_TRUE(got.eof);
    EXPECT_EQ(got.data, "* BYE\r\n");
}

TEST(TlsStream, CloseSendsACloseNotify) {
    TlsTestServer server(presenting("server"));
    Result<StreamPtr> opened = open_imaps(imaps_section(server.port()));
    ASSERT_TRUE(opened) << opened.error().message;
    EXPECT_TRUE((*opened)->close());
    EXPECT_TRUE((*opened)->close()); // idempotent
    EXPECT_TRUE(server.finish().close_notify_received);
}

TEST(TlsStream, ASilentServerTimesTheHandshakeOut) {
    // A listener that never accepts: the connection is made, nobody answers.
    int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), length), 0);
    ASSERT_EQ(::listen(listener, 1), 0);
    ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
    const std::string port = std::to_string(ntohs(address.sin_port));
    NullLogger logger;
    auto started = std::chrono::steady_clock::now();
    Result<StreamPtr> opened = open_imaps(imaps_section(port), logger, 300ms);
    ::close(listener);
    ASSERT_FALSE(opened);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
    EXPECT_EQ(opened.error().code, ErrorCode::timeout);
    EXPECT_EQ(opened.error().message, "TLS handshake with localhost:" + port +
                                          " (127.0.0.1:" + port + ") timed out after 300 ms");
}

// A peer on a socketpair that is no TLS server: it writes `greeting`, reads
// the client's first TLS record (the ClientHello), then closes, at once or
// once the client has closed its side.
std::thread non_tls_peer(int fd, std::string greeting, bool until_client_closes) {
    return std::thread([fd, greeting = std::move(greeting), until_client_closes] {
        if (!greeting.empty())
            (void)!::write(fd, greeting.data(), greeting.size());
        std::string got;
        char buffer[4096];
        auto record_complete = [&] {
            if (got.size() < 5)
                return false;
            const std::size_t length = static_cast<std::size_t>(
                static_cast<unsigned char>(got[3]) << 8 | static_cast<unsigned char>(got[4]));
            return got.size() >= 5 + length;
        };
        ssize_t n = 0;
        while ((until_client_closes || !record_complete()) &&
               (n = ::read(fd, buffer, sizeof buffer)) > 0)
            got.append(buffer, static_cast<std::size_t>(n));
        ::close(fd);
    });
}

TEST(TlsStream, APlaintextServerIsReportedWithAHint) {
    SocketPair pair;
    std::thread peer = non_tls_peer(pair.server, "* OK IMAP4rev1 Server ready\r\n", true);
    auto record = std::make_shared<TrickleRecord>();
    Result<StreamPtr> opened =
        tls_over(std::make_unique<TrickleStream>(pair.client, record), imaps_section("993"));
    peer.join();
    expect_failure(opened, ErrorCode::tls,
                   {"TLS handshake with trickle stream failed: ",
                    "(is this a TLS port? type = imap is for STARTTLS or plaintext)"});
    EXPECT_TRUE(record->closed);
}

TEST(TlsStream, AServerLeavingDuringTheHandshakeIsAClosedError) {
    SocketPair pair;
    std::thread peer = non_tls_peer(pair.server, "", false);
    Result<StreamPtr> opened =
        tls_over(std::make_unique<TrickleStream>(pair.client, std::make_shared<TrickleRecord>()),
                 imaps_section("993"));
    peer.join();
    expect_failure(opened, ErrorCode::closed,
                   {"TLS handshake with trickle stream failed: the server closed the connection"});
}

TEST(TlsStream, WrappingNothingIsAnInternalError) {
    Result<StreamPtr> opened = tls_over(nullptr, imaps_section("993"));
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error().code, ErrorCode::internal);
}

} // namespace
} // namespace interimap::testing
