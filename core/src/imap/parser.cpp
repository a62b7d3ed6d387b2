// The response parser is a byte-at-a-time state machine: `phase` says where in
// the response we are (tag, keyword, response code, text, data values) and,
// while reading values, `token` says which token is half read. Nothing is ever
// re-scanned, so feeding a response one byte at a time costs the same as
// feeding it whole, and a chunk boundary can fall anywhere.
#include "imap/parser.hpp"

#include "imap/syntax.hpp"

#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace interimap::imap {

using namespace syntax;

struct ResponseParser::State {
    enum class Phase {
        start,             ///< first byte of a response
        tag,               ///< reading the tag of a tagged response
        star,              ///< after '*', expecting SP
        plus,              ///< after '+', expecting SP or the end of the line
        first_word,        ///< after "* ": a number or a keyword
        keyword,           ///< after "* N ": the keyword
        status_word,       ///< after "TAG ": OK, NO or BAD
        status_text_start, ///< after a status keyword and SP: '[' or text
        code_name,         ///< after '['
        code_args,         ///< values of a response code, up to ']'
        after_code,        ///< after ']'
        text,              ///< free text up to the end of the line
        data,              ///< values of a data response, up to the end of the line
        lf,                ///< after the CR that ends the response
    };
    enum class Token {
        none,          ///< between values
        atom,          ///< reading an atom or number (or NIL)
        quoted,        ///< inside "..."
        quoted_escape, ///< after a backslash inside "..."
        tilde,         ///< after '~': a literal8 or an atom
        literal_size,  ///< after '{': digits
        literal_plus,  ///< after "{N+": expecting '}'
        literal_close, ///< after '}': expecting CRLF
        literal_lf,    ///< after "}\r": expecting LF
        literal_body,  ///< the literal's bytes
    };

    explicit State(ParserLimits l) : limits(l) { reset(); }

    ParserLimits limits;
    SinkFactory factory;
    std::optional<Error> error;
    const ResponseHandler* handler = nullptr; ///< during feed()

    Phase phase = Phase::start;
    Token token = Token::none;
    Response response;
    /// Where the next value goes: the root (data or code arguments), then
    /// the items of each open list. The pointers stay valid because only the
    /// innermost container grows.
    std::vector<std::vector<Value>*> containers;
    std::string word;                ///< tag, keyword or code name being read
    std::string pending;             ///< atom or quoted string being read
    std::size_t section_depth = 0;   ///< '[' ... ']' inside an atom
    std::uint64_t literal_size = 0;  ///< of the literal being read
    bool literal_has_digits = false; ///< the literal size is not empty
    std::uint64_t literal_remaining = 0;
    Value* literal_value = nullptr; ///< the Value receiving a buffered literal
    std::unique_ptr<LiteralSink> sink;
    std::size_t line_bytes = 0;               ///< of the response, literals excluded
    std::uint64_t buffered_literal_bytes = 0; ///< of the response
    bool log_truncated = false;

    void reset() {
        phase = Phase::start;
        token = Token::none;
        response = Response{};
        containers.assign(1, &response.data);
        word.clear();
        pending.clear();
        section_depth = 0;
        line_bytes = 0;
        buffered_literal_bytes = 0;
        log_truncated = false;
    }

    // Errors -----------------------------------------------------------------

    bool fail(std::string what) {
        error = make_error(ErrorCode::protocol, "Invalid IMAP response: " + what + " in line " +
                                                    show_line(response.log_line, log_truncated));
        return false;
    }
    bool fail_byte(std::string_view expected, unsigned char c) {
        return fail(std::string(expected) + ", got " + show_byte(c));
    }

    // Bytes outside literals -------------------------------------------------

    /// Fast path: consumes the run of bytes at the start of `bytes` that
    /// step() would only append to the text, atom or quoted string being
    /// read, and returns its length (0 when the next byte needs step()).
    /// Stops short of the line limit so that step() reports it.
    std::size_t plain_run(std::span<const std::byte> bytes) {
        std::string* dest;
        bool (*plain)(unsigned char);
        if (phase == Phase::text) {
            dest = &response.text;
            plain = [](unsigned char c) { return c != 0 && !is_line_break(c); };
        } else if (phase != Phase::data && phase != Phase::code_args) {
            return 0;
        } else if (token == Token::atom && section_depth == 0) {
            dest = &pending;
            plain = [](unsigned char c) {
                return !is_ctl(c) && c != ' ' && c != '(' && c != ')' && c != '[' && c != ']';
            };
        } else if (token == Token::quoted) {
            dest = &pending;
            plain = [](unsigned char c) {
                return c != '"' && c != '\\' && c != 0 && !is_line_break(c);
            };
        } else {
            return 0;
        }
        const auto* p = reinterpret_cast<const char*>(bytes.data());
        std::size_t limit = std::min(bytes.size(), limits.max_line - line_bytes);
        std::size_t n = 0;
        while (n < limit && plain(static_cast<unsigned char>(p[n])))
            ++n;
        line_bytes += n;
        std::size_t room = limits.max_log_line - response.log_line.size();
        response.log_line.append(p, std::min(n, room));
        if (n > room)
            log_truncated = true;
        dest->append(p, n);
        return n;
    }

    bool step(unsigned char c) {
        if (++line_bytes > limits.max_line)
            return fail("response longer than " + std::to_string(limits.max_line) + " bytes");
        if (c != '\r' && c != '\n') {
            if (response.log_line.size() < limits.max_log_line)
                response.log_line.push_back(static_cast<char>(c));
            else
                log_truncated = true;
        }
        switch (phase) {
        case Phase::start:
            return on_start(c);
        case Phase::tag:
            return on_tag(c);
        case Phase::star:
            if (c == ' ') {
                phase = Phase::first_word;
                return true;
            }
            return is_line_break(c) ? line_break(c) : fail_byte("expected SP after '*'", c);
        case Phase::plus:
            if (c == ' ') {
                phase = Phase::text;
                return true;
            }
            phase = Phase::text;
            return on_text(c);
        case Phase::first_word:
        case Phase::keyword:
            return on_keyword(c);
        case Phase::status_word:
            return on_status_word(c);
        case Phase::status_text_start:
            if (c == '[') {
                response.code.emplace();
                phase = Phase::code_name;
                return true;
            }
            phase = Phase::text;
            return on_text(c);
        case Phase::code_name:
            return on_code_name(c);
        case Phase::after_code:
            phase = Phase::text;
            return c == ' ' || on_text(c);
        case Phase::text:
            return on_text(c);
        case Phase::code_args:
        case Phase::data:
            return on_value_byte(c);
        case Phase::lf:
            if (c != '\n')
                return fail_byte("expected LF after CR", c);
            return emit();
        }
        return fail("internal parser state");
    }

    bool on_start(unsigned char c) {
        if (c == '*') {
            response.type = Response::Type::untagged;
            phase = Phase::star;
        } else if (c == '+') {
            response.type = Response::Type::continuation;
            phase = Phase::plus;
        } else if (is_tag_char(c)) {
            response.type = Response::Type::tagged;
            word.assign(1, static_cast<char>(c));
            phase = Phase::tag;
        } else if (is_line_break(c)) {
            return fail("expected a response, got an empty line");
        } else {
            return fail_byte("expected '*', '+' or a tag", c);
        }
        return true;
    }

    bool on_tag(unsigned char c) {
        if (is_tag_char(c)) {
            word.push_back(static_cast<char>(c));
            return true;
        }
        if (c != ' ')
            return fail_byte("expected SP after the tag", c);
        response.tag = std::move(word);
        word.clear();
        phase = Phase::status_word;
        return true;
    }

    /// The words after "* ": an optional number, then the keyword.
    bool on_keyword(unsigned char c) {
        if (is_atom_char(c)) {
            word.push_back(static_cast<char>(c));
            return true;
        }
        if (c == ' ' || is_line_break(c)) {
            if (word.empty())
                return fail_byte("expected a keyword", c);
            if (phase == Phase::first_word && is_number(word)) {
                auto n = parse_number(word);
                if (n.overflow)
                    return fail("number " + word + " too large");
                response.number = n.value;
                word.clear();
                phase = Phase::keyword;
                return c == ' ' || fail_byte("expected a keyword after the number", c);
            }
            response.keyword = to_upper(word);
            word.clear();
            if (response.is_status()) {
                phase = Phase::status_text_start;
            } else {
                phase = Phase::data;
                containers.assign(1, &response.data);
            }
            return c == ' ' || line_break(c);
        }
        return fail_byte("expected a keyword", c);
    }

    bool on_status_word(unsigned char c) {
        if (is_atom_char(c)) {
            word.push_back(static_cast<char>(c));
            return true;
        }
        if (c != ' ' && !is_line_break(c))
            return fail_byte("expected OK, NO or BAD after the tag", c);
        std::string keyword = to_upper(word);
        if (keyword != "OK" && keyword != "NO" && keyword != "BAD")
            return fail("expected OK, NO or BAD after the tag, got \"" + word + "\"");
        response.keyword = std::move(keyword);
        word.clear();
        phase = Phase::status_text_start;
        return c == ' ' || line_break(c);
    }

    bool on_code_name(unsigned char c) {
        if (is_atom_char(c)) {
            word.push_back(static_cast<char>(c));
            return true;
        }
        response.code->name = to_upper(word);
        word.clear();
        containers.assign(1, &response.code->args);
        phase = Phase::code_args;
        if (c == ' ')
            return true;
        return on_value_byte(c);
    }

    bool on_text(unsigned char c) {
        if (is_line_break(c))
            return line_break(c);
        if (c == 0)
            return fail("NUL byte in the response text");
        response.text.push_back(static_cast<char>(c));
        return true;
    }

    // Values (data and response code arguments) ------------------------------

    bool in_code() const { return phase == Phase::code_args; }

    bool on_value_byte(unsigned char c) {
        switch (token) {
        case Token::none:
            return on_value_start(c);
        case Token::atom:
            return on_atom(c);
        case Token::quoted:
            return on_quoted(c);
        case Token::quoted_escape:
            if (is_line_break(c) || c == 0)
                return fail_byte("expected '\"' to end the quoted string", c);
            // Only \" and \\ are legal; keep any other pair as sent.
            if (c != '"' && c != '\\')
                pending.push_back('\\');
            pending.push_back(static_cast<char>(c));
            token = Token::quoted;
            return true;
        case Token::tilde:
            if (c == '{') {
                start_literal_size();
                return true;
            }
            token = Token::atom;
            pending.assign(1, '~');
            section_depth = 0;
            return on_atom(c);
        case Token::literal_size:
            if (is_digit(c)) {
                std::uint64_t digit = c - '0';
                if (literal_size > (max_literal_size - digit) / 10)
                    return fail("literal size larger than " + std::to_string(max_literal_size));
                literal_size = literal_size * 10 + digit;
                literal_has_digits = true;
                return true;
            }
            if (literal_has_digits && c == '+') {
                token = Token::literal_plus;
                return true;
            }
            if (literal_has_digits && c == '}') {
                token = Token::literal_close;
                return true;
            }
            return fail_byte("expected the literal size", c);
        case Token::literal_plus:
            if (c != '}')
                return fail_byte("expected '}' after the literal size", c);
            token = Token::literal_close;
            return true;
        case Token::literal_close:
            if (c == '\r') {
                token = Token::literal_lf;
                return true;
            }
            return c == '\n' ? begin_literal() : fail_byte("expected CRLF after '}'", c);
        case Token::literal_lf:
            return c == '\n' ? begin_literal() : fail_byte("expected LF after CR", c);
        case Token::literal_body:
            break; // handled by feed()
        }
        return fail("internal parser state");
    }

    bool on_value_start(unsigned char c) {
        switch (c) {
        case ' ':
            return true;
        case '\r':
        case '\n':
            return line_break(c);
        case '(':
            return open_list();
        case ')':
            return close_list();
        case '"':
            token = Token::quoted;
            pending.clear();
            return true;
        case '{':
            start_literal_size();
            return true;
        case '~':
            token = Token::tilde;
            return true;
        case ']':
            if (in_code())
                return end_code();
            break;
        default:
            break;
        }
        if (is_ctl(c))
            return fail_byte("expected a value", c);
        token = Token::atom;
        pending.assign(1, static_cast<char>(c));
        section_depth = c == '[' ? 1 : 0;
        return true;
    }

    bool on_atom(unsigned char c) {
        if (section_depth > 0) {
            // BODY[HEADER.FIELDS (A B)]: spaces and parentheses belong to the atom.
            if (is_line_break(c) || is_ctl(c))
                return fail_byte("expected ']' to end the section", c);
            if (c == '[')
                ++section_depth;
            else if (c == ']')
                --section_depth;
            pending.push_back(static_cast<char>(c));
            return true;
        }
        switch (c) {
        case ' ':
            finish_atom();
            return true;
        case '\r':
        case '\n':
        case '(':
        case ')':
            finish_atom();
            return on_value_start(c);
        case ']':
            if (in_code()) {
                finish_atom();
                return end_code();
            }
            break;
        case '[':
            section_depth = 1;
            break;
        default:
            if (is_ctl(c))
                return fail_byte("unexpected control character in an atom", c);
        }
        pending.push_back(static_cast<char>(c));
        return true;
    }

    void finish_atom() {
        Value v;
        if (is_number(pending)) {
            auto n = parse_number(pending);
            v.kind = Value::Kind::number;
            v.number = n.value;
            v.overflow = n.overflow;
        } else if (to_upper(pending) == "NIL") {
            v.kind = Value::Kind::nil;
        }
        v.text = std::move(pending);
        pending.clear();
        containers.back()->push_back(std::move(v));
        token = Token::none;
    }

    bool on_quoted(unsigned char c) {
        if (c == '"') {
            Value v;
            v.kind = Value::Kind::string;
            v.text = std::move(pending);
            pending.clear();
            containers.back()->push_back(std::move(v));
            token = Token::none;
            return true;
        }
        if (c == '\\') {
            token = Token::quoted_escape;
            return true;
        }
        if (is_line_break(c) || c == 0)
            return fail_byte("expected '\"' to end the quoted string", c);
        pending.push_back(static_cast<char>(c));
        return true;
    }

    bool open_list() {
        if (containers.size() > limits.max_depth)
            return fail("lists nested deeper than " + std::to_string(limits.max_depth) + " levels");
        Value list;
        list.kind = Value::Kind::list;
        containers.back()->push_back(std::move(list));
        containers.push_back(&containers.back()->back().items);
        return true;
    }

    bool close_list() {
        if (containers.size() > 1) {
            containers.pop_back();
            return true;
        }
        if (!in_code())
            return fail("unexpected ')'");
        // Free text inside a response code: keep the stray parenthesis.
        Value v;
        v.text = ")";
        containers.back()->push_back(std::move(v));
        return true;
    }

    /// ']' ends the response code; lists left open in it are closed.
    bool end_code() {
        containers.resize(1);
        phase = Phase::after_code;
        return true;
    }

    // Literals ---------------------------------------------------------------

    void start_literal_size() {
        token = Token::literal_size;
        literal_size = 0;
        literal_has_digits = false;
    }

    bool begin_literal() {
        std::unique_ptr<LiteralSink> s;
        if (factory)
            s = factory(response, literal_size);
        Value v;
        v.kind = Value::Kind::string;
        v.literal = true;
        v.literal_size = literal_size;
        v.streamed = s != nullptr;
        if (!s) {
            if (literal_size > limits.max_buffered_literal - buffered_literal_bytes)
                return fail("literal of " + std::to_string(literal_size) +
                            " bytes exceeds the limit of " +
                            std::to_string(limits.max_buffered_literal) + " bytes held in memory");
            buffered_literal_bytes += literal_size;
            // The size is announced, not yet received: reserved up to 1 MiB
            // only (a usual message in one allocation, without the copies
            // of growing by doublings), so that a server announcing more
            // than it sends does not make us hold much.
            v.text.reserve(
                static_cast<std::size_t>(std::min<std::uint64_t>(literal_size, 1 << 20)));
        }
        containers.back()->push_back(std::move(v));
        literal_value = &containers.back()->back();
        sink = std::move(s);
        literal_remaining = literal_size;
        token = Token::literal_body;
        if (literal_remaining == 0)
            end_literal();
        return true;
    }

    /// Consumes as many literal bytes as `bytes` holds; returns how many.
    std::size_t literal_bytes(std::span<const std::byte> bytes) {
        auto take = static_cast<std::size_t>(
            std::min<std::uint64_t>(literal_remaining, static_cast<std::uint64_t>(bytes.size())));
        if (sink)
            sink->data(bytes.first(take));
        else
            literal_value->text.append(reinterpret_cast<const char*>(bytes.data()), take);
        literal_remaining -= take;
        if (literal_remaining == 0)
            end_literal();
        return take;
    }

    void end_literal() {
        if (sink) {
            sink->end();
            sink.reset();
        }
        literal_value = nullptr;
        token = Token::none;
    }

    // End of the response ----------------------------------------------------

    /// CR or LF outside a token: the response ends here (after LF, if CR).
    bool line_break(unsigned char c) {
        switch (phase) {
        case Phase::start:
        case Phase::tag:
        case Phase::star:
        case Phase::lf:
            return fail_byte("unexpected end of line", c);
        case Phase::first_word:
        case Phase::keyword:
        case Phase::status_word:
            return fail_byte("expected a keyword", c);
        case Phase::code_name:
            response.code->name = to_upper(word);
            word.clear();
            break;
        case Phase::code_args:
            containers.resize(1); // an unterminated code ends with the line
            break;
        case Phase::data:
            if (containers.size() > 1)
                return fail_byte("expected ')'", c);
            break;
        case Phase::plus:
        case Phase::status_text_start:
        case Phase::after_code:
        case Phase::text:
            break;
        }
        if (c == '\r') {
            phase = Phase::lf;
            return true;
        }
        return emit();
    }

    bool emit() {
        if (log_truncated)
            response.log_line += "...";
        (*handler)(std::move(response));
        reset();
        return true;
    }
};

ResponseParser::ResponseParser(ParserLimits limits) : state_(std::make_unique<State>(limits)) {}

ResponseParser::~ResponseParser() = default;

void ResponseParser::set_sink_factory(SinkFactory factory) {
    state_->factory = std::move(factory);
}

Result<void> ResponseParser::feed(std::span<const std::byte> bytes,
                                  const ResponseHandler& handler) {
    State& st = *state_;
    if (st.error)
        return Fail(*st.error);
    st.handler = &handler;
    std::size_t i = 0;
    while (i < bytes.size()) {
        if (st.token == State::Token::literal_body) {
            i += st.literal_bytes(bytes.subspan(i));
            continue;
        }
        if (std::size_t n = st.plain_run(bytes.subspan(i))) {
            i += n;
            continue;
        }
        if (!st.step(static_cast<unsigned char>(bytes[i])))
            return Fail(*st.error);
        ++i;
    }
    st.handler = nullptr;
    return ok();
}

Result<void> ResponseParser::feed(std::string_view bytes, const ResponseHandler& handler) {
    return feed(std::as_bytes(std::span<const char>(bytes.data(), bytes.size())), handler);
}

bool ResponseParser::at_boundary() const {
    return !state_->error && state_->phase == State::Phase::start;
}

} // namespace interimap::imap
