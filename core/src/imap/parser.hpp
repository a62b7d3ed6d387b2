// A streaming IMAP response parser. Bytes are fed in chunks of any size, down
// to one byte at a time; the parser keeps its state between calls and emits
// each response as soon as it is complete. Literals of any size are supported,
// also {N+} and literal8 ~{N}; large ones can be streamed to a sink instead of
// being held in memory (a message body going from FETCH to APPEND).
#pragma once

#include "imap/response.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <interimap/result.hpp>
#include <memory>
#include <span>
#include <string_view>

namespace interimap::imap {

/// Receives a literal's bytes as they arrive, in chunks of any size, then
/// end() once. Not called for the bytes of a literal that is buffered.
class LiteralSink {
public:
    virtual ~LiteralSink() = default;
    virtual void data(std::span<const std::byte> bytes) = 0;
    /// All `size` bytes were delivered.
    virtual void end() = 0;
};

/// Bounds on what one response may make the parser hold, so that a hostile or
/// broken server cannot grow memory without limit. Exceeding one is an error.
struct ParserLimits {
    /// Longest response outside literals: the bytes of all its lines together
    /// (a response with literals spans several lines), CRLFs included. Large
    /// enough for "* SEARCH" with two million UIDs (servers without ESEARCH)
    /// or an uncompacted VANISHED list. Parsed values take up to ~44 times
    /// the text (88 bytes per Value, "1 " is 2 bytes), so keep it modest.
    std::size_t max_line = 16 << 20;
    /// Most literal bytes held in memory for one response (in practice: the
    /// largest literal); literals given to a sink do not count.
    std::uint64_t max_buffered_literal = 64ull << 20;
    /// Deepest nesting of parenthesised lists.
    std::size_t max_depth = 64;
    /// Longest Response::log_line; longer ones are cut and end with "...".
    std::size_t max_log_line = 16 << 10;
};

/// Syntax accepted (RFC 3501 section 9, leniently where servers differ):
/// - lines end with CRLF; a bare LF is accepted too, a CR not followed by LF
///   is an error;
/// - "TAG OK|NO|BAD", "* OK|NO|BAD|BYE|PREAUTH" with an optional [CODE args]
///   (args parsed as values up to ']'; anything there that is not a value is
///   kept as atoms; an unterminated code ends at the end of the line);
/// - "+", "+ text": continuation requests, text kept raw (base64 or not);
/// - "* [N] KEYWORD values...": atoms (flags, sequence sets, BODY[...]<0>
///   sections with their spaces and parentheses), numbers, "quoted" strings
///   with \" and \\ escapes, literals {N}, {N+} and ~{N}, NIL, lists.
class ResponseParser {
public:
    using ResponseHandler = std::function<void(Response&&)>;
    /// Asked when a literal of `size` bytes begins inside the response being
    /// parsed (`partial` holds what was parsed so far, data elements and all).
    /// Return a sink to stream it, or null to buffer it in the Value.
    using SinkFactory =
        std::function<std::unique_ptr<LiteralSink>(const Response& partial, std::uint64_t size)>;

    explicit ResponseParser(ParserLimits limits = {});
    ~ResponseParser();
    ResponseParser(const ResponseParser&) = delete;
    ResponseParser& operator=(const ResponseParser&) = delete;

    void set_sink_factory(SinkFactory factory);

    /// Parses `bytes`, calling `handler` for each complete response. After an
    /// error the parser is unusable (the connection must be dropped) and
    /// every later call returns the same error; the message says what was
    /// expected and shows the offending line. The same bytes give the same
    /// responses and the same error whatever the chunk sizes, in linear time.
    Result<void> feed(std::span<const std::byte> bytes, const ResponseHandler& handler);
    Result<void> feed(std::string_view bytes, const ResponseHandler& handler);

    /// True between responses (no partial response buffered).
    bool at_boundary() const;

private:
    struct State;
    std::unique_ptr<State> state_;
};

} // namespace interimap::imap
