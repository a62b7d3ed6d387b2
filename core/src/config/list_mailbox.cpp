#include "config/list_mailbox.hpp"

namespace interimap::config {

namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// A character allowed in an unquoted pattern: list-char (with the '%' and
// '*' wildcards) minus the ones that would need quoting.
bool is_bare_char(char c) {
    auto u = static_cast<unsigned char>(c);
    return u >= 0x21 && u <= 0x7E && c != '"' && c != '(' && c != ')' && c != '\\' && c != '{';
}

// A character allowed verbatim between double quotes.
bool is_quoted_char(char c) {
    auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u <= 0x7E && c != '"' && c != '\\';
}

int hex_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Decodes the escape after a backslash at s[i]; advances i past it.
bool decode_escape(std::string_view s, std::size_t& i, std::string& out) {
    if (i >= s.size())
        return false;
    char c = s[i++];
    switch (c) {
    case '"':
    case '\\':
        out += c;
        return true;
    case '0':
        out += '\0';
        return true;
    case 'a':
        out += '\a';
        return true;
    case 'b':
        out += '\b';
        return true;
    case 't':
        out += '\t';
        return true;
    case 'n':
        out += '\n';
        return true;
    case 'v':
        out += '\v';
        return true;
    case 'f':
        out += '\f';
        return true;
    case 'r':
        out += '\r';
        return true;
    case 'x': {
        if (i + 2 > s.size())
            return false;
        int hi = hex_value(s[i]);
        int lo = hex_value(s[i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        return true;
    }
    default:
        return false;
    }
}

// Parses a quoted word starting at the opening quote s[i].
bool parse_quoted(std::string_view s, std::size_t& i, std::string& out) {
    ++i;
    while (i < s.size() && s[i] != '"') {
        if (s[i] == '\\') {
            ++i;
            if (!decode_escape(s, i, out))
                return false;
        } else if (is_quoted_char(s[i])) {
            out += s[i++];
        } else {
            return false;
        }
    }
    if (i >= s.size() || out.empty())
        return false;
    ++i; // closing quote
    return true;
}

} // namespace

Result<std::vector<std::string>> parse_list_mailbox(std::string_view value) {
    auto invalid = [&] {
        return Fail(ErrorCode::config, "Invalid value for list-mailbox: " + std::string(value));
    };
    std::vector<std::string> patterns;
    std::size_t i = 0;
    while (i < value.size() && is_space(value[i]))
        ++i;
    if (i == value.size())
        return invalid();
    while (i < value.size()) {
        std::string word;
        if (value[i] == '"') {
            if (!parse_quoted(value, i, word))
                return invalid();
        } else {
            while (i < value.size() && is_bare_char(value[i]))
                word += value[i++];
            if (word.empty())
                return invalid();
        }
        patterns.push_back(std::move(word));
        // Words are separated by whitespace; anything else after a word is an error.
        std::size_t gap = i;
        while (i < value.size() && is_space(value[i]))
            ++i;
        if (i < value.size() && i == gap)
            return invalid();
    }
    return patterns;
}

} // namespace interimap::config
