#include "config/value_syntax.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>

namespace interimap::config {

namespace {

bool is_ascii_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// RFC 3501 ATOM-CHAR: any CHAR except atom-specials.
bool is_atom_char(char c) {
    auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7F && c != '(' && c != ')' && c != '{' && c != '%' && c != '*' &&
           c != '"' && c != '\\' && c != ']';
}

// The length of the UTF-8 sequence at `s` encoding its code point, or nullopt
// when the bytes are not well-formed UTF-8.
std::optional<std::pair<std::size_t, std::uint32_t>> decode_utf8(std::string_view s) {
    auto b0 = static_cast<unsigned char>(s[0]);
    std::size_t len = b0 >= 0xF0 && b0 <= 0xF4 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC2 ? 2 : 0;
    if (len == 0 || (b0 >= 0xF5) || s.size() < len)
        return std::nullopt;
    std::uint32_t cp = b0 & (0x7F >> len);
    for (std::size_t i = 1; i < len; ++i) {
        auto b = static_cast<unsigned char>(s[i]);
        if ((b & 0xC0) != 0x80)
            return std::nullopt;
        cp = (cp << 6) | (b & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return std::nullopt;
    return std::make_pair(len, cp);
}

// Splits on single spaces and checks each word; an empty word (leading,
// trailing or doubled space) fails.
template <typename WordCheck>
bool all_words(std::string_view v, WordCheck check) {
    if (v.empty())
        return false;
    std::size_t start = 0;
    while (true) {
        std::size_t sp = v.find(' ', start);
        std::string_view word = v.substr(start, sp == std::string_view::npos ? sp : sp - start);
        if (word.empty() || !check(word))
            return false;
        if (sp == std::string_view::npos)
            return true;
        start = sp + 1;
    }
}

} // namespace

bool is_printable(std::string_view v) {
    std::size_t i = 0;
    while (i < v.size()) {
        auto c = static_cast<unsigned char>(v[i]);
        if (c < 0x20 || c == 0x7F)
            return false;
        if (c < 0x80) {
            ++i;
            continue;
        }
        // Non-ASCII: a UTF-8 character unless it is a C1 control; bytes that
        // are not UTF-8 are taken as Latin-1 characters, where 0x80-0x9F are
        // the C1 controls.
        if (auto decoded = decode_utf8(v.substr(i))) {
            if (decoded->second >= 0x80 && decoded->second <= 0x9F)
                return false;
            i += decoded->first;
        } else {
            if (c <= 0x9F)
                return false;
            ++i;
        }
    }
    return true;
}

bool is_nonempty_printable(std::string_view v) {
    return !v.empty() && is_printable(v);
}

bool is_ascii_text(std::string_view v) {
    return !v.empty() && std::all_of(v.begin(), v.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u >= 0x01 && u <= 0x7F;
    });
}

bool is_imap_text(std::string_view v) {
    return std::all_of(v.begin(), v.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u >= 0x01 && u <= 0x7F && c != '\r' && c != '\n';
    });
}

bool is_yes_no(std::string_view v) {
    std::string upper(v);
    for (char& c : upper)
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
    return upper == "YES" || upper == "NO";
}

bool is_atom_list(std::string_view v) {
    return all_words(
        v, [](std::string_view w) { return std::all_of(w.begin(), w.end(), is_atom_char); });
}

bool is_port(std::string_view v) {
    if (v.empty())
        return false;
    if (std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        unsigned long n = 0;
        auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        return ec == std::errc() && end == v.data() + v.size() && n >= 1 && n <= 65535;
    }
    // A service name (services(5)): letters, digits and dashes, starting with a letter.
    bool letter = (v[0] >= 'a' && v[0] <= 'z') || (v[0] >= 'A' && v[0] <= 'Z');
    return letter && std::all_of(v.begin(), v.end(), [](char c) {
               return is_ascii_alnum(c) || c == '-' || c == '_' || c == '.' || c == '+';
           });
}

bool is_ssl_protocol_list(std::string_view v) {
    return all_words(v, [](std::string_view w) {
        if (w.front() == '!')
            w.remove_prefix(1);
        return w == "SSLv2" || w == "SSLv3" || w == "TLSv1" || w == "TLSv1.0" || w == "TLSv1.1" ||
               w == "TLSv1.2" || w == "TLSv1.3";
    });
}

bool is_fingerprint_list(std::string_view v) {
    return all_words(v, [](std::string_view w) {
        std::size_t dollar = w.find('$');
        if (dollar != std::string_view::npos) {
            std::string_view algo = w.substr(0, dollar);
            if (algo.empty() || !std::all_of(algo.begin(), algo.end(), is_ascii_alnum))
                return false;
            w.remove_prefix(dollar + 1);
        }
        return !w.empty() && std::all_of(w.begin(), w.end(), is_hex);
    });
}

bool is_list_select_opts(std::string_view v) {
    return std::all_of(v.begin(), v.end(), [](char c) { return c == ' ' || is_atom_char(c); });
}

} // namespace interimap::config
