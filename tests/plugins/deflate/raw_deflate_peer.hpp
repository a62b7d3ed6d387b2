// The far end of a socketpair, speaking raw deflate through zlib directly
// (not through the code under test): what a COMPRESS=DEFLATE server does.
#pragma once

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <fcntl.h>
#include <poll.h>
#include <stdexcept>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

namespace interimap::deflate::test {

class RawDeflatePeer {
public:
    /// Takes ownership of `fd`, made non-blocking.
    explicit RawDeflatePeer(int fd) : fd_(fd) {
        ::fcntl(fd_, F_SETFL, O_NONBLOCK);
        if (deflateInit2(&deflater_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8,
                         Z_DEFAULT_STRATEGY) != Z_OK ||
            inflateInit2(&inflater_, -15) != Z_OK)
            throw std::runtime_error("zlib init failed");
    }
    ~RawDeflatePeer() {
        hang_up();
        deflateEnd(&deflater_);
        inflateEnd(&inflater_);
    }
    RawDeflatePeer(const RawDeflatePeer&) = delete;
    RawDeflatePeer& operator=(const RawDeflatePeer&) = delete;

    /// Everything inflated so far, and the wire bytes it came from.
    std::string received;
    std::string wire_received;
    /// Wire bytes not sent yet, and how many were sent.
    std::string outgoing;
    std::uint64_t wire_sent = 0;

    /// Reads what the socket holds without blocking and inflates it; returns
    /// false at EOF. Throws on a corrupt stream.
    bool receive() {
        char buffer[65536];
        for (;;) {
            ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
            if (n == 0)
                return false;
            if (n < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
                    return true;
                throw std::runtime_error("recv failed");
            }
            wire_received.append(buffer, static_cast<std::size_t>(n));
            inflate_bytes(std::string_view(buffer, static_cast<std::size_t>(n)));
        }
    }

    /// Waits up to `timeout` for the socket to be readable, then receives;
    /// throws when nothing came.
    bool receive_waiting(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0)
            throw std::runtime_error("nothing arrived in time");
        return receive();
    }

    /// Deflates `text` into `outgoing`, ending with `flush`.
    void compress(std::string_view text, int flush = Z_SYNC_FLUSH) {
        run(deflater_, text, outgoing, [&] { return ::deflate(&deflater_, flush); });
    }

    /// Sends what `outgoing` holds without blocking; true when all is sent.
    bool send() {
        while (!outgoing.empty()) {
            ssize_t n = ::send(fd_, outgoing.data(), outgoing.size(), MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
                    return false;
                throw std::runtime_error("send failed");
            }
            wire_sent += static_cast<std::uint64_t>(n);
            outgoing.erase(0, static_cast<std::size_t>(n));
        }
        return true;
    }

    void hang_up() {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = -1;
    }

private:
    void inflate_bytes(std::string_view wire) {
        run(inflater_, wire, received, [&] { return ::inflate(&inflater_, Z_SYNC_FLUSH); });
    }

    /// Feeds `input` to `z` through `step` (one deflate or inflate call)
    /// until all of it is taken and zlib has no more output for `output`.
    template <typename Step>
    static void run(z_stream& z, std::string_view input, std::string& output, Step step) {
        z.next_in = reinterpret_cast<const Bytef*>(input.data());
        z.avail_in = static_cast<uInt>(input.size());
        unsigned char buffer[65536];
        int rc = Z_OK;
        do {
            z.next_out = buffer;
            z.avail_out = sizeof buffer;
            rc = step();
            if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
                throw std::runtime_error(z.msg != nullptr ? z.msg : "zlib failed");
            output.append(reinterpret_cast<const char*>(buffer), sizeof buffer - z.avail_out);
        } while (z.avail_out == 0 || (z.avail_in > 0 && rc == Z_OK));
        if (z.avail_in > 0)
            throw std::runtime_error("data after the end of the compressed stream");
    }

    int fd_;
    z_stream deflater_{};
    z_stream inflater_{};
};

} // namespace interimap::deflate::test
