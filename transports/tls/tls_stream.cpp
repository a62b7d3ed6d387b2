#include "tls_stream.hpp"

#include <algorithm>
#include <cerrno>
#include <openssl/err.h>
#include <poll.h>
#include <system_error>
#include <utility>

namespace interimap::tls {

namespace {

using Clock = std::chrono::steady_clock;

// How much of the lower stream one pull reads.
constexpr std::size_t kChunk = 32 * 1024;
// Plaintext encrypted by one write() (four full records).
constexpr std::size_t kMaxWrite = 64 * 1024;
// Encrypted bytes held back before write() refuses more plaintext.
constexpr std::size_t kHighWater = 64 * 1024;

// "30 s" or "1500 ms".
std::string duration_text(std::chrono::milliseconds duration) {
    if (duration.count() % 1000 == 0)
        return std::to_string(duration.count() / 1000) + " s";
    return std::to_string(duration.count()) + " ms";
}

} // namespace

Result<std::unique_ptr<TlsStream>> TlsStream::wrap(SslPtr ssl, StreamPtr lower,
                                                   std::unique_ptr<PeerCheck> check) {
    BIO* in = BIO_new(BIO_s_mem());
    BIO* out = BIO_new(BIO_s_mem());
    if (in == nullptr || out == nullptr) {
        BIO_free(in);
        BIO_free(out);
        return Fail(ErrorCode::internal, "BIO_new failed");
    }
    // An empty BIO means "not yet", never end of file.
    BIO_set_mem_eof_return(in, -1);
    BIO_set_mem_eof_return(out, -1);
    SSL_set_bio(ssl.get(), in, out);
    SSL_set_connect_state(ssl.get());
    return std::unique_ptr<TlsStream>(
        new TlsStream(std::move(ssl), std::move(lower), std::move(check), in, out));
}

TlsStream::TlsStream(SslPtr ssl, StreamPtr lower, std::unique_ptr<PeerCheck> check, BIO* in,
                     BIO* out)
    : check_(std::move(check)), ssl_(std::move(ssl)), lower_(std::move(lower)),
      lower_description_(lower_->describe()), in_(in), out_(out), chunk_(kChunk) {}

TlsStream::~TlsStream() {
    (void)close();
}

Result<void> TlsStream::push_output() {
    char buffer[16 * 1024];
    int n;
    while ((n = BIO_read(out_, buffer, sizeof buffer)) > 0)
        outgoing_.append(buffer, static_cast<std::size_t>(n));
    while (outgoing_sent_ < outgoing_.size()) {
        auto data = std::as_bytes(std::span(outgoing_)).subspan(outgoing_sent_);
        Result<IoResult> r = lower_->write(data);
        if (!r)
            return Fail(std::move(r).error());
        if (r->status != IoResult::Status::ok || r->bytes == 0)
            break;
        outgoing_sent_ += r->bytes;
    }
    if (outgoing_sent_ == outgoing_.size()) {
        outgoing_.clear();
        outgoing_sent_ = 0;
    } else if (outgoing_sent_ >= kHighWater) {
        outgoing_.erase(0, outgoing_sent_);
        outgoing_sent_ = 0;
    }
    return ok();
}

bool TlsStream::output_pending() const {
    return outgoing_sent_ < outgoing_.size() || BIO_ctrl_pending(out_) > 0;
}

Result<IoResult> TlsStream::pull_input() {
    Result<IoResult> r = lower_->read(chunk_);
    if (r && r->status == IoResult::Status::ok) {
        BIO_write(in_, chunk_.data(), static_cast<int>(r->bytes));
        starved_ = false;
        write_needs_input_ = false;
    }
    return r;
}

Error TlsStream::tls_failure(std::string_view operation) {
    failed_ = true;
    return make_error(ErrorCode::tls,
                      lower_description_ + ": TLS " + std::string(operation) +
                          " failed: " + join_reasons(take_openssl_errors(), "unknown error"));
}

Result<void> TlsStream::handshake(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        ERR_clear_error();
        const int rc = SSL_do_handshake(ssl_.get());
        const int error = rc == 1 ? SSL_ERROR_NONE : SSL_get_error(ssl_.get(), rc);
        if (auto pushed = push_output(); !pushed) {
            failed_ = true;
            Error e = std::move(pushed).error();
            e.message = "TLS handshake failed: " + e.message;
            return Fail(std::move(e));
        }
        if (rc == 1 && !output_pending()) {
            // Whatever came with the last handshake message is for read().
            starved_ = false;
            return ok();
        }
        if (rc != 1 && error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) {
            failed_ = true;
            handshake_errors_ = take_openssl_errors();
            return Fail(ErrorCode::tls, join_reasons(handshake_errors_, "unknown error"));
        }
        if (rc != 1 && error == SSL_ERROR_WANT_READ) {
            Result<IoResult> r = pull_input();
            if (!r) {
                failed_ = true;
                Error e = std::move(r).error();
                e.message = "TLS handshake failed: " + e.message;
                return Fail(std::move(e));
            }
            if (r->status == IoResult::Status::eof) {
                failed_ = true;
                return Fail(ErrorCode::closed, "TLS handshake with " + lower_description_ +
                                                   " failed: the server closed the connection");
            }
            if (r->status == IoResult::Status::ok || lower_->has_buffered_input())
                continue;
        }
        // Wait for the server's data, or for room to send ours.
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        PollRequest request = lower_->poll_events(output_pending());
        pollfd p{request.fd, request.events, 0};
        int ready = left.count() > 0 ? ::poll(&p, 1, static_cast<int>(left.count())) : 0;
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready < 0) {
            failed_ = true;
            return Fail(ErrorCode::io, "TLS handshake with " + lower_description_ +
                                           ": poll: " + std::generic_category().message(errno));
        }
        if (ready == 0) {
            failed_ = true;
            return Fail(ErrorCode::timeout, "TLS handshake with " + lower_description_ +
                                                " timed out after " + duration_text(timeout));
        }
    }
}

std::optional<Result<IoResult>> TlsStream::before_io(std::string_view operation, std::size_t size) {
    if (deferred_)
        return Result<IoResult>(Fail(*std::exchange(deferred_, std::nullopt)));
    if (closed_)
        return Result<IoResult>(
            Fail(ErrorCode::internal, describe() + ": " + std::string(operation) + " after close"));
    if (size == 0)
        return Result<IoResult>(IoResult::transferred(0));
    return std::nullopt;
}

Result<IoResult> TlsStream::read(std::span<std::byte> buffer) {
    if (auto early = before_io("read", buffer.size()))
        return std::move(*early);
    for (;;) {
        ERR_clear_error();
        std::size_t got = 0;
        const int rc = SSL_read_ex(ssl_.get(), buffer.data(), buffer.size(), &got);
        const int error = rc == 1 ? SSL_ERROR_NONE : SSL_get_error(ssl_.get(), rc);
        // Reading may have produced records to send (a KeyUpdate answer).
        if (auto pushed = push_output(); !pushed) {
            if (rc != 1)
                return Fail(std::move(pushed).error());
            deferred_ = std::move(pushed).error();
        }
        if (rc == 1)
            return IoResult::transferred(got);
        switch (error) {
        case SSL_ERROR_WANT_READ: {
            Result<IoResult> r = pull_input();
            if (!r)
                return Fail(std::move(r).error());
            if (r->status == IoResult::Status::ok)
                continue;
            if (r->status == IoResult::Status::would_block) {
                starved_ = true;
                return IoResult::blocked();
            }
            // The end of the connection without a close_notify: IMAP
            // responses delimit themselves, so only a cut record is an error.
            if (BIO_ctrl_pending(in_) > 0)
                return Fail(ErrorCode::closed, lower_description_ +
                                                   ": connection closed in the middle of a TLS "
                                                   "record");
            return IoResult::end();
        }
        case SSL_ERROR_WANT_WRITE:
            return IoResult::blocked();
        case SSL_ERROR_ZERO_RETURN: // the server's close_notify
            return IoResult::end();
        default:
            return Fail(tls_failure("read"));
        }
    }
}

Result<IoResult> TlsStream::write(std::span<const std::byte> data) {
    if (auto early = before_io("write", data.size()))
        return std::move(*early);
    INTERIMAP_TRY(push_output());
    if (outgoing_.size() - outgoing_sent_ >= kHighWater)
        return IoResult::blocked();
    ERR_clear_error();
    std::size_t written = 0;
    const int rc =
        SSL_write_ex(ssl_.get(), data.data(), std::min(data.size(), kMaxWrite), &written);
    const int error = rc == 1 ? SSL_ERROR_NONE : SSL_get_error(ssl_.get(), rc);
    INTERIMAP_TRY(push_output());
    if (rc == 1)
        return IoResult::transferred(written);
    switch (error) {
    case SSL_ERROR_WANT_READ:
        write_needs_input_ = true;
        return IoResult::blocked();
    case SSL_ERROR_WANT_WRITE:
        return IoResult::blocked();
    case SSL_ERROR_ZERO_RETURN:
        return Fail(ErrorCode::closed, lower_description_ + ": the server ended the TLS session");
    default:
        return Fail(tls_failure("write"));
    }
}

Result<IoResult> TlsStream::flush() {
    if (deferred_)
        return Fail(*std::exchange(deferred_, std::nullopt));
    if (closed_)
        return IoResult::transferred(0);
    INTERIMAP_TRY(push_output());
    if (output_pending())
        return IoResult::blocked();
    return lower_->flush();
}

PollRequest TlsStream::poll_events(bool want_write) const {
    return lower_->poll_events(output_pending() || (want_write && !write_needs_input_));
}

bool TlsStream::has_buffered_input() const {
    if (closed_)
        return false;
    // An error kept for the next call is news too.
    return deferred_.has_value() || SSL_pending(ssl_.get()) > 0 ||
           (!starved_ && BIO_ctrl_pending(in_) > 0) || lower_->has_buffered_input();
}

Result<void> TlsStream::close() {
    if (closed_)
        return ok();
    closed_ = true;
    // Best effort: a close_notify if the session is sound, with no waiting.
    if (!failed_ && SSL_is_init_finished(ssl_.get())) {
        ERR_clear_error();
        (void)SSL_shutdown(ssl_.get());
        (void)push_output();
        ERR_clear_error();
    }
    return lower_->close();
}

} // namespace interimap::tls
