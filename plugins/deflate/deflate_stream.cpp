#include "deflate_stream.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <utility>

namespace interimap::deflate {

namespace {

/// Raw deflate: a negative windowBits leaves out the zlib header and trailer.
constexpr int kWindowBits = -15;
/// What RFC 4978 (section 6) suggests for a memory-aware client.
constexpr int kMemLevel = 8;
/// New input is taken only with this much room for its output, so that a
/// slow peer does not turn the stream into a train of tiny flushed blocks.
constexpr std::size_t kRoomForInput = DeflateStream::kBufferSize / 4;

uInt clamp_to_uint(std::size_t n) {
    return static_cast<uInt>(std::min<std::size_t>(n, std::numeric_limits<uInt>::max()));
}

std::string zlib_message(const z_stream& z, int rc) {
    return z.msg != nullptr ? z.msg : zError(rc);
}

} // namespace

DeflateStream::DeflateStream(StreamPtr lower) : lower_(std::move(lower)) {}

DeflateStream::~DeflateStream() {
    end();
}

Result<StreamPtr> DeflateStream::wrap(StreamPtr lower) {
    if (!lower)
        return Fail(ErrorCode::internal, "COMPRESS=DEFLATE: no stream to compress");
    std::unique_ptr<DeflateStream> stream(new DeflateStream(std::move(lower)));
    INTERIMAP_TRY(stream->start());
    return StreamPtr(std::move(stream));
}

Result<void> DeflateStream::start() {
    int rc = deflateInit2(&deflater_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kWindowBits, kMemLevel,
                          Z_DEFAULT_STRATEGY);
    if (rc != Z_OK)
        return Fail(ErrorCode::internal, "COMPRESS=DEFLATE: cannot start the compressor: " +
                                             zlib_message(deflater_, rc));
    deflater_started_ = true;
    rc = inflateInit2(&inflater_, kWindowBits);
    if (rc != Z_OK)
        return Fail(ErrorCode::internal, "COMPRESS=DEFLATE: cannot start the decompressor: " +
                                             zlib_message(inflater_, rc));
    inflater_started_ = true;
    out_.resize(kBufferSize);
    in_.resize(kBufferSize);
    return ok();
}

void DeflateStream::end() {
    if (deflater_started_)
        deflateEnd(&deflater_);
    if (inflater_started_)
        inflateEnd(&inflater_);
    deflater_started_ = inflater_started_ = false;
    out_ = {};
    in_ = {};
}

Result<std::size_t> DeflateStream::compress(std::span<const std::byte> input) {
    if (out_begin_ > 0) {
        std::memmove(out_.data(), out_.data() + out_begin_, out_end_ - out_begin_);
        out_end_ -= out_begin_;
        out_begin_ = 0;
    }
    if (out_end_ == kBufferSize)
        return 0;
    const uInt offered = clamp_to_uint(input.size());
    deflater_.next_in = reinterpret_cast<const Bytef*>(input.data());
    deflater_.avail_in = offered;
    deflater_.next_out = reinterpret_cast<Bytef*>(out_.data() + out_end_);
    deflater_.avail_out = clamp_to_uint(kBufferSize - out_end_);
    // Every call ends on a byte boundary with all its input decodable: the
    // server sees each command as soon as it arrives.
    int rc = ::deflate(&deflater_, Z_SYNC_FLUSH);
    const std::size_t taken = offered - deflater_.avail_in;
    deflater_.next_in = nullptr; // the caller's buffer is not ours to keep
    deflater_.avail_in = 0;
    // Z_BUF_ERROR: nothing to do (a flush already complete).
    if (rc != Z_OK && rc != Z_BUF_ERROR)
        return Fail(ErrorCode::internal,
                    "COMPRESS=DEFLATE: compression failed: " + zlib_message(deflater_, rc));
    out_end_ = kBufferSize - deflater_.avail_out;
    // A full buffer may have cut the flush short; the next call goes on.
    flush_unfinished_ = deflater_.avail_out == 0;
    return taken;
}

Result<void> DeflateStream::send_pending() {
    while (out_begin_ < out_end_) {
        auto r = lower_->write(
            std::span<const std::byte>(out_).subspan(out_begin_, out_end_ - out_begin_));
        if (!r)
            return Fail(std::move(r).error());
        if (r->status != IoResult::Status::ok || r->bytes == 0)
            break;
        out_begin_ += r->bytes;
    }
    if (out_begin_ == out_end_)
        out_begin_ = out_end_ = 0;
    return ok();
}

Result<IoResult> DeflateStream::write(std::span<const std::byte> data) {
    if (closed_)
        return Fail(ErrorCode::internal, describe() + ": write after close");
    if (data.empty())
        return IoResult::transferred(0);
    INTERIMAP_TRY(send_pending());
    // New input waits until the last sync flush is complete.
    if (flush_unfinished_) {
        auto finished = compress({});
        if (!finished)
            return Fail(std::move(finished).error());
        INTERIMAP_TRY(send_pending());
    }
    if (flush_unfinished_ || kBufferSize - (out_end_ - out_begin_) < kRoomForInput)
        return IoResult::blocked();
    auto taken = compress(data);
    if (!taken)
        return Fail(std::move(taken).error());
    INTERIMAP_TRY(send_pending());
    if (*taken == 0)
        return IoResult::blocked();
    return IoResult::transferred(*taken);
}

Result<IoResult> DeflateStream::flush() {
    if (closed_)
        return Fail(ErrorCode::internal, describe() + ": flush after close");
    for (;;) {
        INTERIMAP_TRY(send_pending());
        if (out_begin_ < out_end_)
            return IoResult::blocked();
        if (!flush_unfinished_)
            break;
        auto finished = compress({});
        if (!finished)
            return Fail(std::move(finished).error());
    }
    // A layer below (TLS) may hold bytes of its own.
    return lower_->flush();
}

PollRequest DeflateStream::poll_events(bool want_write) const {
    return lower_->poll_events(want_write || output_pending());
}

Error DeflateStream::corrupt(std::string reason) const {
    return make_error(ErrorCode::protocol, "COMPRESS=DEFLATE: corrupt compressed data from " +
                                               lower_->describe() + ": " + std::move(reason));
}

Result<std::size_t> DeflateStream::decompress(std::span<std::byte> buffer) {
    if (peer_finished_) {
        more_output_ = false;
        if (inflater_.avail_in == 0)
            return 0;
        failure_ = corrupt("data after the end of the compressed stream");
        return Fail(*failure_);
    }
    const uInt room = clamp_to_uint(buffer.size());
    inflater_.next_out = reinterpret_cast<Bytef*>(buffer.data());
    inflater_.avail_out = room;
    int rc = ::inflate(&inflater_, Z_SYNC_FLUSH);
    const std::size_t produced = room - inflater_.avail_out;
    // A full buffer may have left output inside zlib.
    more_output_ = inflater_.avail_out == 0;
    switch (rc) {
    case Z_OK:
    case Z_BUF_ERROR: // no progress possible: needs more input
        return produced;
    case Z_STREAM_END:
        peer_finished_ = true;
        more_output_ = false;
        if (inflater_.avail_in == 0)
            return produced;
        failure_ = corrupt("data after the end of the compressed stream");
        break;
    case Z_NEED_DICT:
        failure_ = corrupt("it asks for a preset dictionary");
        break;
    default:
        failure_ = corrupt(zlib_message(inflater_, rc));
        break;
    }
    // What came before the damage (a BYE, say) is still delivered; the
    // error comes with the next read.
    if (produced > 0)
        return produced;
    return Fail(*failure_);
}

Result<IoResult> DeflateStream::read(std::span<std::byte> buffer) {
    if (closed_)
        return Fail(ErrorCode::internal, describe() + ": read after close");
    if (failure_) {
        failure_reported_ = true;
        return Fail(*failure_);
    }
    if (buffer.empty())
        return IoResult::transferred(0);
    for (;;) {
        if (inflater_.avail_in > 0 || more_output_) {
            auto produced = decompress(buffer);
            if (!produced) {
                failure_reported_ = true;
                return Fail(std::move(produced).error());
            }
            if (*produced > 0)
                return IoResult::transferred(*produced);
        }
        // Inflate took all the input it had (a flush marker, half a block).
        auto r = lower_->read(in_);
        if (!r || r->status != IoResult::Status::ok)
            return r;
        inflater_.next_in = reinterpret_cast<const Bytef*>(in_.data());
        inflater_.avail_in = clamp_to_uint(r->bytes);
    }
}

bool DeflateStream::has_buffered_input() const {
    if (closed_)
        return false;
    // An error not reported yet: the next read returns it at once.
    if (failure_)
        return !failure_reported_;
    return inflater_.avail_in > 0 || more_output_ || lower_->has_buffered_input();
}

Result<void> DeflateStream::close() {
    if (closed_)
        return ok();
    closed_ = true;
    end();
    return lower_->close();
}

} // namespace interimap::deflate
