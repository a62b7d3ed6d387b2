// A TLS session over any lower Stream (tcp, tunnel, socks5...). OpenSSL
// reads and writes two memory BIOs; this class moves their bytes to and from
// the lower stream, so the TLS engine never touches a descriptor and the
// stream stays non-blocking.
#pragma once

#include "openssl_util.hpp"
#include "peer_check.hpp"

#include <chrono>
#include <interimap/stream.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace interimap::tls {

class TlsStream final : public Stream {
public:
    /// Wraps `lower` with `ssl` (a client SSL object, its verify parameters
    /// and SNI set), which `check` judges; takes all three.
    static Result<std::unique_ptr<TlsStream>> wrap(SslPtr ssl, StreamPtr lower,
                                                   std::unique_ptr<PeerCheck> check);
    ~TlsStream() override;
    TlsStream(const TlsStream&) = delete;
    TlsStream& operator=(const TlsStream&) = delete;

    /// Runs the handshake, waiting on the lower stream for at most
    /// `timeout`. Fails with the lower stream's error, ErrorCode::closed or
    /// timeout, or ErrorCode::tls with OpenSSL's reasons alone (see
    /// handshake_errors()), for the caller to explain.
    Result<void> handshake(std::chrono::milliseconds timeout);
    /// OpenSSL's error queue when the handshake failed on a TLS error.
    const std::vector<OpenSslError>& handshake_errors() const { return handshake_errors_; }

    const SSL* ssl() const { return ssl_.get(); }
    PeerCheck& peer_check() { return *check_; }

    Result<IoResult> read(std::span<std::byte> buffer) override;
    Result<IoResult> write(std::span<const std::byte> data) override;
    Result<IoResult> flush() override;
    /// The lower stream's descriptor, with POLLOUT while encrypted bytes wait
    /// to be sent (whatever `want_write` says) and not while a write waits
    /// for the server's handshake data.
    PollRequest poll_events(bool want_write) const override;
    /// Decrypted bytes are waiting (SSL_pending), or received bytes that
    /// OpenSSL has not been offered yet, or the lower stream holds input,
    /// or an error waits to be reported: read() has something to say.
    bool has_buffered_input() const override;
    TrafficCounters traffic() const override { return lower_->traffic(); }
    /// Sends a close_notify if it can without waiting, then closes the lower
    /// stream and returns what that says.
    Result<void> close() override;
    std::string describe() const override { return "TLS over " + lower_description_; }

private:
    TlsStream(SslPtr ssl, StreamPtr lower, std::unique_ptr<PeerCheck> check, BIO* in, BIO* out);

    // What read() and write() answer before OpenSSL is asked: an error
    // kept for the next call, a closed stream, nothing to transfer.
    std::optional<Result<IoResult>> before_io(std::string_view operation, std::size_t size);
    // Moves OpenSSL's output to the lower stream until it would block.
    Result<void> push_output();
    bool output_pending() const;
    // Reads one chunk of the lower stream into OpenSSL's input.
    Result<IoResult> pull_input();
    Error tls_failure(std::string_view operation);

    // Declared first, destroyed last: the SSL object points to it.
    std::unique_ptr<PeerCheck> check_;
    SslPtr ssl_;
    StreamPtr lower_;
    std::string lower_description_;
    BIO* in_;  // owned by ssl_: what the server sent, for OpenSSL to read
    BIO* out_; // owned by ssl_: what OpenSSL wrote, for the server
    std::string outgoing_;
    std::size_t outgoing_sent_ = 0;
    std::vector<std::byte> chunk_;
    // OpenSSL asked for more input than `in_` holds: a read cannot progress
    // before the lower stream delivers more.
    bool starved_ = false;
    // A write waits for the server's handshake data (a renegotiation).
    bool write_needs_input_ = false;
    bool failed_ = false;
    bool closed_ = false;
    // An error met while a read had data to return, reported next.
    std::optional<Error> deferred_;
    std::vector<OpenSslError> handshake_errors_;
};

} // namespace interimap::tls
