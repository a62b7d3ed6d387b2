#include "imap/syntax.hpp"

#include <algorithm>

namespace interimap::imap::syntax {

namespace {

char ascii_upper(char c) {
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

constexpr char hex_digits[] = "0123456789abcdef";

void append_escaped(std::string& out, unsigned char c) {
    if (c == '\\' || c == '"')
        out.push_back('\\');
    if (c >= 0x20 && c < 0x7f) {
        out.push_back(static_cast<char>(c));
        return;
    }
    out += "\\x";
    out.push_back(hex_digits[c >> 4]);
    out.push_back(hex_digits[c & 0xf]);
}

/// Error messages show this much of the offending line.
constexpr std::size_t shown_line_max = 200;

} // namespace

bool is_number(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return is_digit(static_cast<unsigned char>(c));
    });
}

ParsedNumber parse_number(std::string_view s) {
    ParsedNumber n;
    constexpr std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
    for (char c : s) {
        std::uint64_t digit = static_cast<std::uint64_t>(c - '0');
        if (n.overflow || n.value > (max - digit) / 10) {
            n.value = max;
            n.overflow = true;
        } else {
            n.value = n.value * 10 + digit;
        }
    }
    return n;
}

std::string to_upper(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), ascii_upper);
    return out;
}

bool iequals(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](char x, char y) { return ascii_upper(x) == ascii_upper(y); });
}

std::string show_byte(unsigned char c) {
    if (c == ' ')
        return "SP";
    if (c == '\r')
        return "CR";
    if (c == '\n')
        return "LF";
    std::string out = "'";
    if (c >= 0x20 && c < 0x7f)
        out.push_back(static_cast<char>(c));
    else
        append_escaped(out, c);
    return out + "'";
}

std::string show_line(std::string_view line, bool truncated) {
    std::string out = "\"";
    for (std::size_t i = 0; i < line.size() && i < shown_line_max; ++i)
        append_escaped(out, static_cast<unsigned char>(line[i]));
    if (truncated || line.size() > shown_line_max)
        out += "...";
    return out + "\"";
}

} // namespace interimap::imap::syntax
