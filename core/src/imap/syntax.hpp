// Character classes and small helpers of the IMAP grammar (RFC 3501 section 9),
// shared by the response parser and the command writer.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace interimap::imap::syntax {

/// Largest literal size accepted from a server (RFC 9051 number64).
inline constexpr std::uint64_t max_literal_size = std::numeric_limits<std::int64_t>::max();

constexpr bool is_ctl(unsigned char c) {
    return c < 0x20 || c == 0x7f;
}
constexpr bool is_digit(unsigned char c) {
    return c >= '0' && c <= '9';
}
constexpr bool is_line_break(unsigned char c) {
    return c == '\r' || c == '\n';
}

/// ATOM-CHAR: any 7-bit CHAR except atom-specials "(){ %*\"\\]" and CTLs.
constexpr bool is_atom_char(unsigned char c) {
    if (c >= 0x80 || is_ctl(c))
        return false;
    switch (c) {
    case '(':
    case ')':
    case '{':
    case ' ':
    case '%':
    case '*':
    case '"':
    case '\\':
    case ']':
        return false;
    default:
        return true;
    }
}

/// ASTRING-CHAR: ATOM-CHAR or ']'.
constexpr bool is_astring_char(unsigned char c) {
    return c == ']' || is_atom_char(c);
}

/// A tag: any ASTRING-CHAR except '+'.
constexpr bool is_tag_char(unsigned char c) {
    return c != '+' && is_astring_char(c);
}

/// TEXT-CHAR: any 7-bit CHAR except NUL, CR and LF (what a quoted string may hold).
constexpr bool is_text_char(unsigned char c) {
    return c != 0 && c < 0x80 && !is_line_break(c);
}

/// A non-empty run of digits.
bool is_number(std::string_view s);

struct ParsedNumber {
    std::uint64_t value = 0; ///< saturates at UINT64_MAX
    bool overflow = false;
};
/// Digits to a number; `s` must satisfy is_number().
ParsedNumber parse_number(std::string_view s);

/// ASCII upper case (IMAP keywords are case-insensitive ASCII).
std::string to_upper(std::string_view s);
bool iequals(std::string_view a, std::string_view b);

/// A byte for an error message: 'x', or \xHH when not printable.
std::string show_byte(unsigned char c);
/// A line for an error message: quoted, non-printable bytes escaped, long
/// lines cut; `truncated` adds "..." at the end.
std::string show_line(std::string_view line, bool truncated = false);

} // namespace interimap::imap::syntax
