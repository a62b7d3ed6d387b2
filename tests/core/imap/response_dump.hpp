// A canonical one-line text form of a parsed Response, for comparing parses
// of the same bytes (whole, byte by byte, in chunks, with sinks) and for the
// expected-output files of the transcript tests.
//
//   atom: as is          number: #123 (#!123456... when it overflowed)
//   NIL: NIL<text>       string: "..." (escaped), literal: L{N}"..."
//   list: (a b c)
// A streamed literal is shown like a buffered one, with the bytes its sink
// received, so that both parses compare equal.
#pragma once

#include "imap/response.hpp"

#include <cstdio>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace interimap::imap::test {

inline void dump_escaped(std::string& out, std::string_view s) {
    out += '"';
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\n':
            out += "\\n";
            break;
        default:
            if (c < 0x20 || c >= 0x7f) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\x%02x", c);
                out += buf;
            } else {
                out += ch;
            }
        }
    }
    out += '"';
}

/// `streamed` holds, in order, the bytes each streamed literal's sink got.
inline void dump_value(std::string& out, const Value& v, const std::deque<std::string>& streamed,
                       std::size_t& next_streamed) {
    switch (v.kind) {
    case Value::Kind::atom:
        out += v.text;
        break;
    case Value::Kind::number:
        out += v.overflow ? "#!" : "#";
        out += v.overflow ? v.text : std::to_string(v.number);
        break;
    case Value::Kind::nil:
        out += "NIL<" + v.text + ">";
        break;
    case Value::Kind::string:
        if (v.streamed) {
            out += "L{" + std::to_string(v.literal_size) + "}";
            dump_escaped(out, next_streamed < streamed.size() ? streamed[next_streamed]
                                                              : std::string("<missing>"));
            ++next_streamed;
            if (!v.text.empty())
                out += "<text not empty>";
        } else {
            if (v.literal)
                out += "L{" + std::to_string(v.literal_size) + "}";
            dump_escaped(out, v.text);
        }
        break;
    case Value::Kind::list:
        out += '(';
        for (std::size_t i = 0; i < v.items.size(); ++i) {
            if (i)
                out += ' ';
            dump_value(out, v.items[i], streamed, next_streamed);
        }
        out += ')';
        break;
    }
}

inline std::string dump_values(const std::vector<Value>& values,
                               const std::deque<std::string>& streamed,
                               std::size_t& next_streamed) {
    std::string out;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i)
            out += ' ';
        dump_value(out, values[i], streamed, next_streamed);
    }
    return out;
}

/// Streamed literals are shown with the bytes taken from `streamed`
/// starting at `next_streamed` (advanced past those this response used).
inline std::string dump(const Response& r, const std::deque<std::string>& streamed,
                        std::size_t& next_streamed) {
    std::string out;
    switch (r.type) {
    case Response::Type::untagged:
        out += "* ";
        break;
    case Response::Type::tagged:
        out += "tag=" + r.tag + " ";
        break;
    case Response::Type::continuation:
        out += "+ ";
        break;
    }
    if (r.number)
        out += "num=" + std::to_string(*r.number) + " ";
    out += r.keyword.empty() ? std::string("-") : r.keyword;
    if (r.code) {
        out += " code=[" + r.code->name;
        if (!r.code->args.empty())
            out += " " + dump_values(r.code->args, streamed, next_streamed);
        out += "]";
    }
    if (r.type == Response::Type::continuation || r.is_status()) {
        out += " text=";
        dump_escaped(out, r.text);
    } else if (!r.text.empty()) {
        out += " unexpected-text=";
        dump_escaped(out, r.text);
    }
    if (!r.data.empty())
        out += " data=[" + dump_values(r.data, streamed, next_streamed) + "]";
    out += " log=";
    dump_escaped(out, r.log_line);
    return out;
}

inline std::string dump(const Response& r) {
    std::size_t next = 0;
    return dump(r, {}, next);
}

} // namespace interimap::imap::test
