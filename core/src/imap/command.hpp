// Building IMAP commands (RFC 3501 section 9 grammar). A command is a list of
// arguments; writing it picks the cheapest legal form for each string (atom,
// quoted, or literal) and splits the bytes where a synchronising literal must
// wait for the server's "+" continuation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace interimap::imap {

struct WriterOptions {
    bool literal_plus = false;  ///< LITERAL+ (RFC 2088): send {N+} without waiting
    bool literal_minus = false; ///< LITERAL- (RFC 7888): {N+} only for N <= 4096
};

/// One piece of a serialised command. After sending `bytes`, the sender waits
/// for a continuation request when `await_continuation` is set.
struct CommandSegment {
    std::string bytes;
    bool await_continuation = false;
};

class Command {
public:
    /// `name` is the command with any fixed words, e.g. "UID FETCH", "LIST".
    explicit Command(std::string_view name);

    /// Appends verbatim text (an atom, a number, a sequence set, a
    /// parenthesised list already formatted). Not validated.
    Command& raw(std::string_view text);
    Command& number(std::uint64_t n);
    /// An astring: atom when possible, else quoted, else literal.
    Command& astring(std::string_view s);
    /// A string (never an atom): quoted when possible, else literal.
    Command& string(std::string_view s);
    /// A mailbox name (an astring; "INBOX" in any case is sent as INBOX).
    Command& mailbox(std::string_view name);
    /// A LIST pattern: like astring but '%' and '*' stay unquoted.
    Command& list_pattern(std::string_view pattern);
    /// Always a literal (message bodies).
    Command& literal(std::string_view bytes);
    /// The same, taking the bytes over (no copy of a message body).
    Command& literal_taken(std::string&& bytes);
    /// "(" and ")" around the arguments added in between, e.g. the mailbox
    /// patterns of `LIST "" (a b)`: no space after "(" nor before ")".
    Command& begin_list();
    Command& end_list();
    /// Marks the arguments added from now on as secret: the log form shows
    /// "[REDACTED]" once in their place (LOGIN, AUTHENTICATE).
    Command& redact_from_here();

    const std::string& name() const { return name_; }
    /// About the serialised size (arguments without quoting overhead), for
    /// flow control.
    std::size_t size_hint() const;

    /// Serialises with `tag`, ending with CRLF. A synchronising literal ends
    /// a segment right after its "{N}\r\n"; its bytes start the next one.
    std::vector<CommandSegment> serialize(std::string_view tag, const WriterOptions& options) const;
    /// The line for --debug logs, without CRLF: literals shown as {N} without
    /// their bytes, secret arguments replaced by one [REDACTED] unless
    /// `show_secrets`.
    std::string log_line(std::string_view tag, bool show_secrets) const;

private:
    struct Argument {
        enum class Form { raw, astring, string, list_pattern, literal, list_begin, list_end } form;
        std::string text;
        bool secret = false;
    };
    Command& add(Argument::Form form, std::string_view text);

    std::string name_;
    std::vector<Argument> args_;
    bool secret_ = false;
};

/// Longest string sent quoted; longer ones go as literals.
inline constexpr std::size_t max_quoted_size = 1024;

/// Which form astring() would pick; exposed for tests. An atom needs
/// `allow_atom`, a non-empty `s` of ASTRING-CHARs (plus '%' and '*' with
/// `allow_wildcards`); a quoted string, at most max_quoted_size 7-bit bytes
/// other than NUL, CR and LF; anything else is a literal.
enum class StringForm { atom, quoted, literal };
StringForm choose_form(std::string_view s, bool allow_atom, bool allow_wildcards);

} // namespace interimap::imap
