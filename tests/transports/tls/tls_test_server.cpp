#include "tls_test_server.hpp"

#include <arpa/inet.h>
#include <csignal>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace interimap::testing {

namespace {

std::string last_reason() {
    unsigned long code = ERR_peek_last_error();
    const char* reason = code ? ERR_reason_error_string(code) : nullptr;
    ERR_clear_error();
    return reason ? reason : "unknown";
}

int remember_server_name(SSL* ssl, int*, void* arg) {
    auto* report = static_cast<TlsServerReport*>(arg);
    if (const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name)) {
        report->sni_sent = true;
        report->server_name = name;
    }
    return SSL_TLSEXT_ERR_OK;
}

} // namespace

TlsTestServer::TlsTestServer(TlsServerSettings settings) : settings_(std::move(settings)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ok_ = listener_ >= 0 &&
          ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
          ::listen(listener_, 4) == 0 &&
          ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) == 0 &&
          ::pipe2(stop_, O_CLOEXEC) == 0;
    if (!ok_)
        return;
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { run(); });
}

TlsTestServer::TlsTestServer(TlsServerSettings settings, int fd) : settings_(std::move(settings)) {
    ok_ = ::pipe2(stop_, O_CLOEXEC) == 0;
    thread_ = std::thread([this, fd] { serve(fd); });
}

TlsTestServer::~TlsTestServer() {
    (void)finish();
    for (int fd : {listener_, stop_[0], stop_[1]})
        if (fd >= 0)
            ::close(fd);
}

TlsServerReport TlsTestServer::finish() {
    if (thread_.joinable()) {
        char c = 0;
        (void)!::write(stop_[1], &c, 1);
        thread_.join();
    }
    std::lock_guard lock(mutex_);
    return report_;
}

void TlsTestServer::run() {
    pollfd p[2] = {{listener_, POLLIN, 0}, {stop_[0], POLLIN, 0}};
    while (::poll(p, 2, -1) < 0) {
    }
    if (p[1].revents & POLLIN)
        return;
    int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd >= 0)
        serve(fd);
}

void TlsTestServer::serve(int fd) {
    // OpenSSL writes with write(2): a client gone before the session
    // tickets are sent must not kill the test with SIGPIPE.
    static const bool sigpipe_ignored = std::signal(SIGPIPE, SIG_IGN) != SIG_ERR;
    (void)sigpipe_ignored;
    // Nothing in a test waits long: a stuck client fails the test, not hangs it.
    timeval limit{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);

    TlsServerReport report;
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate_chain_file(ctx, settings_.cert.c_str());
    SSL_CTX_use_PrivateKey_file(ctx, settings_.key.c_str(), SSL_FILETYPE_PEM);
    if (settings_.min_version)
        SSL_CTX_set_min_proto_version(ctx, settings_.min_version);
    if (settings_.max_version)
        SSL_CTX_set_max_proto_version(ctx, settings_.max_version);
    if (!settings_.cipherlist.empty())
        SSL_CTX_set_cipher_list(ctx, settings_.cipherlist.c_str());
    if (!settings_.ciphersuites.empty())
        SSL_CTX_set_ciphersuites(ctx, settings_.ciphersuites.c_str());
    SSL_CTX_set_tlsext_servername_callback(ctx, remember_server_name);
    SSL_CTX_set_tlsext_servername_arg(ctx, &report);
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) == 1) {
        report.handshake_done = true;
        report.version = SSL_get_version(ssl);
        report.cipher = SSL_get_cipher_name(ssl);
        bool sound = true;
        for (const std::string& record : settings_.greeting)
            sound = sound && SSL_write(ssl, record.data(), static_cast<int>(record.size())) > 0;
        if (settings_.close_after_greeting) {
            SSL_shutdown(ssl);
        } else {
            char buffer[16384];
            while (sound) {
                int n = SSL_read(ssl, buffer, sizeof buffer);
                if (n <= 0) {
                    report.close_notify_received = SSL_get_error(ssl, n) == SSL_ERROR_ZERO_RETURN;
                    break;
                }
                sound = SSL_write(ssl, buffer, n) == n;
                report.echoed += static_cast<std::size_t>(n);
            }
        }
    } else {
        report.error = last_reason();
    }
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    ::close(fd);
    std::lock_guard lock(mutex_);
    report_ = std::move(report);
}

} // namespace interimap::testing
