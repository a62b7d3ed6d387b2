#include "imap/command.hpp"

#include "imap/syntax.hpp"

#include <algorithm>

namespace interimap::imap {

using namespace syntax;

namespace {

/// LITERAL- (RFC 7888) allows non-synchronising literals up to this size.
constexpr std::size_t literal_minus_max = 4096;

void append_quoted(std::string& out, std::string_view s) {
    out.push_back('"');
    for (char c : s) {
        if (c == '"' || c == '\\')
            out.push_back('\\');
        out.push_back(c);
    }
    out.push_back('"');
}

/// Where the bytes of one argument go: the wire form or the log form.
class Writer {
public:
    explicit Writer(const WriterOptions* options) : options_(options) {}

    std::vector<CommandSegment> segments{1};

    std::string& out() { return segments.back().bytes; }

    /// A string in the form choose_form() picks.
    void string(std::string_view s, bool allow_atom, bool allow_wildcards) {
        switch (choose_form(s, allow_atom, allow_wildcards)) {
        case StringForm::atom:
            out() += s;
            break;
        case StringForm::quoted:
            append_quoted(out(), s);
            break;
        case StringForm::literal:
            literal(s);
            break;
        }
    }

    void literal(std::string_view bytes) {
        out() += '{';
        out() += std::to_string(bytes.size());
        if (!options_) { // log form: the size only
            out() += '}';
            return;
        }
        bool synchronising = !options_->literal_plus &&
                             !(options_->literal_minus && bytes.size() <= literal_minus_max);
        out() += synchronising ? "}\r\n" : "+}\r\n";
        if (synchronising) {
            segments.back().await_continuation = true;
            segments.emplace_back();
        }
        out() += bytes;
    }

private:
    const WriterOptions* options_; ///< null for the log form
};

} // namespace

StringForm choose_form(std::string_view s, bool allow_atom, bool allow_wildcards) {
    auto atom_char = [allow_wildcards](char c) {
        auto u = static_cast<unsigned char>(c);
        return is_astring_char(u) || (allow_wildcards && (c == '%' || c == '*'));
    };
    if (allow_atom && !s.empty() && std::all_of(s.begin(), s.end(), atom_char))
        return StringForm::atom;
    if (s.size() <= max_quoted_size && std::all_of(s.begin(), s.end(), [](char c) {
            return is_text_char(static_cast<unsigned char>(c));
        }))
        return StringForm::quoted;
    return StringForm::literal;
}

Command::Command(std::string_view name) : name_(name) {}

Command& Command::add(Argument::Form form, std::string_view text) {
    args_.push_back(Argument{form, std::string(text), secret_});
    return *this;
}

Command& Command::raw(std::string_view text) {
    return add(Argument::Form::raw, text);
}

Command& Command::number(std::uint64_t n) {
    return add(Argument::Form::raw, std::to_string(n));
}

Command& Command::astring(std::string_view s) {
    return add(Argument::Form::astring, s);
}

Command& Command::string(std::string_view s) {
    return add(Argument::Form::string, s);
}

Command& Command::mailbox(std::string_view name) {
    // INBOX is case-insensitive (RFC 3501 section 5.1); servers expect it spelt so.
    return add(Argument::Form::astring, iequals(name, "INBOX") ? "INBOX" : name);
}

Command& Command::list_pattern(std::string_view pattern) {
    return add(Argument::Form::list_pattern, pattern);
}

Command& Command::literal(std::string_view bytes) {
    return add(Argument::Form::literal, bytes);
}

Command& Command::literal_taken(std::string&& bytes) {
    args_.push_back(Argument{Argument::Form::literal, std::move(bytes), secret_});
    return *this;
}

Command& Command::begin_list() {
    return add(Argument::Form::list_begin, {});
}

Command& Command::end_list() {
    return add(Argument::Form::list_end, {});
}

Command& Command::redact_from_here() {
    secret_ = true;
    return *this;
}

namespace {

/// Writes `tag name args...` in wire form (options set) or log form.
template <typename Args, typename Shown>
void write_command(Writer& w, std::string_view tag, std::string_view name, const Args& args,
                   Shown shown) {
    w.out() += tag;
    if (!name.empty()) {
        w.out() += ' ';
        w.out() += name;
    }
    bool redacted = false;
    bool after_open = false; // no space right after "("
    for (const auto& arg : args) {
        using Form = std::remove_cvref_t<decltype(arg.form)>;
        if (!shown(arg)) {
            if (!redacted)
                w.out() += " [REDACTED]";
            redacted = true;
            continue;
        }
        if (arg.form == Form::list_end) {
            w.out() += ')';
            after_open = false;
            continue;
        }
        if (!after_open)
            w.out() += ' ';
        after_open = false;
        switch (arg.form) {
        case Form::raw:
            w.out() += arg.text;
            break;
        case Form::astring:
            w.string(arg.text, true, false);
            break;
        case Form::string:
            w.string(arg.text, false, false);
            break;
        case Form::list_pattern:
            w.string(arg.text, true, true);
            break;
        case Form::literal:
            w.literal(arg.text);
            break;
        case Form::list_begin:
            w.out() += '(';
            after_open = true;
            break;
        case Form::list_end:
            break;
        }
    }
}

} // namespace

std::vector<CommandSegment> Command::serialize(std::string_view tag,
                                               const WriterOptions& options) const {
    Writer w(&options);
    // One allocation for the usual single segment (no literal waits for a
    // continuation), rather than doublings up to twice a batch's size.
    w.out().reserve(size_hint() + 32 * args_.size());
    write_command(w, tag, name_, args_, [](const Argument&) { return true; });
    w.out() += "\r\n";
    return std::move(w.segments);
}

std::string Command::log_line(std::string_view tag, bool show_secrets) const {
    Writer w(nullptr);
    write_command(w, tag, name_, args_,
                  [show_secrets](const Argument& a) { return show_secrets || !a.secret; });
    return std::move(w.out());
}

std::size_t Command::size_hint() const {
    std::size_t n = name_.size() + 16;
    for (const Argument& a : args_)
        n += a.text.size() + 1;
    return n;
}

} // namespace interimap::imap
