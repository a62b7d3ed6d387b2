// A stream layer that compresses what is written and decompresses what is
// read: raw deflate (RFC 1951, no zlib or gzip header), as COMPRESS=DEFLATE
// (RFC 4978) puts it on an IMAP connection.
//
// Memory stays bounded whatever the traffic: one 64 KiB buffer each way plus
// zlib's own state (level Z_DEFAULT_COMPRESSION, memLevel 8, a 32 KiB window,
// as RFC 4978's interoperability notes ask).
#pragma once

#include <cstddef>
#include <interimap/result.hpp>
#include <interimap/stream.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>
#include <zlib.h>

namespace interimap::deflate {

class DeflateStream final : public Stream {
public:
    /// Size of each of the two buffers: compressed bytes waiting for the
    /// lower stream, and compressed bytes read from it not yet inflated.
    static constexpr std::size_t kBufferSize = 64 * 1024;

    /// Starts compressing on top of `lower`: nothing is written or read yet.
    static Result<StreamPtr> wrap(StreamPtr lower);

    ~DeflateStream() override;
    DeflateStream(const DeflateStream&) = delete;
    DeflateStream& operator=(const DeflateStream&) = delete;

    /// Inflates into `buffer`, reading the lower stream when inflate has
    /// nothing left. A corrupt stream is an ErrorCode::protocol error.
    Result<IoResult> read(std::span<std::byte> buffer) override;

    /// Deflates as much of `data` as fits in the output buffer and ends it
    /// with a sync flush, so that the peer can decode everything accepted so
    /// far; sends what it can. would_block when the output buffer is full.
    Result<IoResult> write(std::span<const std::byte> data) override;

    /// Sends the compressed bytes still held; would_block while some remain.
    Result<IoResult> flush() override;

    /// The lower stream's events, with POLLOUT while compressed bytes wait.
    PollRequest poll_events(bool want_write) const override;

    /// True while inflate may produce more without reading the lower stream.
    bool has_buffered_input() const override;

    /// Wire bytes: the lower stream's counters, so compression shows.
    TrafficCounters traffic() const override { return lower_->traffic(); }

    /// Releases zlib's state and closes the lower stream; compressed bytes
    /// not sent yet are dropped.
    Result<void> close() override;

    std::string describe() const override { return "deflate over " + lower_->describe(); }

private:
    explicit DeflateStream(StreamPtr lower);
    Result<void> start();
    void end();

    /// Deflates `input` (possibly empty, to finish a sync flush) into the
    /// free end of the output buffer; returns how many input bytes it took.
    Result<std::size_t> compress(std::span<const std::byte> input);
    /// Writes held compressed bytes to the lower stream until it blocks.
    Result<void> send_pending();
    /// True while compressed bytes wait, in the buffer or inside zlib.
    bool output_pending() const { return out_begin_ < out_end_ || flush_unfinished_; }

    /// Inflates held input into `buffer`; returns the bytes produced.
    Result<std::size_t> decompress(std::span<std::byte> buffer);
    Error corrupt(std::string reason) const;

    StreamPtr lower_;
    z_stream deflater_{};
    z_stream inflater_{};
    bool deflater_started_ = false;
    bool inflater_started_ = false;
    bool closed_ = false;

    std::vector<std::byte> out_; ///< compressed, [out_begin_, out_end_) not sent yet
    std::size_t out_begin_ = 0;
    std::size_t out_end_ = 0;
    /// The last deflate filled the buffer: its sync flush may not be complete.
    bool flush_unfinished_ = false;

    std::vector<std::byte> in_; ///< compressed, inflater_.next_in points into it
    /// The last inflate filled the caller's buffer: zlib may hold more output.
    bool more_output_ = false;
    /// The peer ended its deflate stream: anything after it is an error.
    bool peer_finished_ = false;
    std::optional<Error> failure_;  ///< a corrupt stream stays corrupt
    bool failure_reported_ = false; ///< read() has returned failure_
};

} // namespace interimap::deflate
