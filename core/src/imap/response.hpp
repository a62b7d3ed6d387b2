// A parsed IMAP server response (RFC 3501 section 7), in a generic shape: the
// session and the sync engine interpret keywords and elements themselves.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace interimap::imap {

/// One element of a response: atom, number, string, NIL or parenthesised list.
struct Value {
    enum class Kind {
        atom,   ///< ATOM-CHARs, also flags (\Seen), sequence sets (1:3,5), BODY[...] sections
        number, ///< a run of digits (also available as `text`)
        string, ///< quoted string or literal; `text` holds the decoded bytes
        nil,    ///< NIL (`text` keeps the atom as sent, for astring contexts)
        list,   ///< ( ... )
    };
    Kind kind = Kind::atom;
    std::string text;         ///< atom, number digits, string bytes, or "NIL" as sent
    std::uint64_t number = 0; ///< for Kind::number (saturates at UINT64_MAX; see `overflow`)
    bool overflow = false;    ///< a number too large for 64 bits
    bool literal = false;     ///< the string came as a literal
    bool streamed = false;    ///< the literal went to a LiteralSink; `text` is empty
    std::uint64_t literal_size = 0;
    std::vector<Value> items; ///< for Kind::list

    bool is_atom(std::string_view upper_name) const; ///< atom equal to name, case-insensitive
    bool is_nstring() const { return kind == Kind::string || kind == Kind::nil; }
    /// atom, number or string: the astring value.
    bool is_astring() const {
        return kind == Kind::atom || kind == Kind::number || kind == Kind::string;
    }
};

/// `[CODE args]` of a status response, e.g. [UIDVALIDITY 3857529045] or
/// [PERMANENTFLAGS (\Seen \*)]. `name` is upper-cased.
struct ResponseCode {
    std::string name;
    std::vector<Value> args;
};

struct Response {
    enum class Type {
        untagged,     ///< "* ..."
        tagged,       ///< "TAG OK|NO|BAD ..."
        continuation, ///< "+ ..."
    };
    Type type = Type::untagged;
    std::string tag; ///< for tagged responses

    /// "* 23 EXISTS", "* 5 FETCH (...)": the leading number.
    std::optional<std::uint64_t> number;
    /// Upper-cased: OK NO BAD BYE PREAUTH (status responses, tagged or not),
    /// or CAPABILITY LIST STATUS FETCH EXISTS EXPUNGE VANISHED ENABLED SEARCH
    /// ESEARCH FLAGS ... (data). Empty for continuations.
    std::string keyword;
    /// Status responses only.
    std::optional<ResponseCode> code;
    /// Human-readable text of a status response, or the text/base64 of a
    /// continuation.
    std::string text;
    /// Data responses: the elements after the keyword (e.g. for LIST: the
    /// flag list, the delimiter, the mailbox name).
    std::vector<Value> data;

    /// The response as received, for --debug: literals shown as {N} and their
    /// bytes omitted, without the trailing CRLF. Long lines are cut at
    /// ParserLimits::max_log_line bytes and end with "...".
    std::string log_line;

    bool is_status() const; ///< keyword is OK/NO/BAD/BYE/PREAUTH
};

} // namespace interimap::imap
