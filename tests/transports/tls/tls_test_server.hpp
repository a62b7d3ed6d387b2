// A TLS server for the tls transport tests, in a thread of the test process
// (OpenSSL, blocking I/O): it listens on 127.0.0.1 (ephemeral port) or serves
// one end of a socketpair, handshakes with the chosen certificate and
// protocol/cipher limits, records what the client asked for (SNI) and got
// (version, cipher), then echoes until the client closes.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace interimap::testing {

struct TlsServerSettings {
    std::string cert;    ///< PEM certificate file
    std::string key;     ///< PEM key file
    int min_version = 0; ///< 0: OpenSSL's default
    int max_version = 0;
    std::string cipherlist;   ///< TLS 1.2 and below; empty: default
    std::string ciphersuites; ///< TLS 1.3; empty: default
    /// Sent right after the handshake, each string as its own TLS record.
    std::vector<std::string> greeting;
    /// After the greeting: a close_notify and the end of the connection.
    bool close_after_greeting = false;
};

/// What the server saw of the one connection it served.
struct TlsServerReport {
    bool handshake_done = false;
    std::string server_name; ///< SNI, empty when none was sent
    bool sni_sent = false;
    std::string version; ///< "TLSv1.3"
    std::string cipher;
    std::string error; ///< OpenSSL's reason when the handshake failed
    bool close_notify_received = false;
    std::size_t echoed = 0;
};

class TlsTestServer {
public:
    /// Listens on 127.0.0.1.
    explicit TlsTestServer(TlsServerSettings settings);
    /// Serves `fd` (one end of a socketpair; taken).
    TlsTestServer(TlsServerSettings settings, int fd);
    ~TlsTestServer();
    TlsTestServer(const TlsTestServer&) = delete;
    TlsTestServer& operator=(const TlsTestServer&) = delete;

    bool ok() const { return ok_; }
    std::string port() const { return std::to_string(port_); }
    /// Waits for the connection to end (the client must have closed or
    /// failed) and says what happened.
    TlsServerReport finish();

private:
    void serve(int fd);
    void run();

    TlsServerSettings settings_;
    int listener_ = -1;
    int stop_[2] = {-1, -1};
    int port_ = 0;
    bool ok_ = false;
    std::atomic<int> connection_{-1};
    std::mutex mutex_;
    TlsServerReport report_;
    std::thread thread_;
};

} // namespace interimap::testing
