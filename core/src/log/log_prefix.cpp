#include "log/log_prefix.hpp"

namespace interimap::log {

namespace {

using Node = LogPrefix::Node;

// Recursive-descent parser over the format. Inside a conditional, '&' ends
// the "then" branch and '?' ends the conditional.
class FormatParser {
public:
    explicit FormatParser(std::string_view format) : s_(format) {}

    Result<std::vector<Node>> parse_top() {
        std::vector<Node> nodes;
        INTERIMAP_TRY(parse_sequence(nodes, false));
        return nodes;
    }

private:
    Fail error(std::string what) const {
        return Fail(ErrorCode::config, what + " at offset " + std::to_string(pos_));
    }

    static void append_text(std::vector<Node>& nodes, char c) {
        if (nodes.empty() || nodes.back().kind != Node::Kind::text)
            nodes.push_back(Node{});
        nodes.back().text += c;
    }

    static Node node_of(Node::Kind kind) {
        Node node;
        node.kind = kind;
        return node;
    }

    static bool is_variable(char c) { return c == 'n' || c == 'm'; }

    // Parses until the end of the format (top level) or an unescaped '&' or
    // '?' (inside a conditional), which is left for the caller.
    Result<void> parse_sequence(std::vector<Node>& nodes, bool in_conditional) {
        while (pos_ < s_.size()) {
            char c = s_[pos_];
            if (in_conditional && (c == '&' || c == '?'))
                return ok();
            if (c == '\\') {
                char next = pos_ + 1 < s_.size() ? s_[pos_ + 1] : '\0';
                if (next == '&' || next == '?' || next == '\\') {
                    append_text(nodes, next);
                    pos_ += 2;
                } else {
                    append_text(nodes, c);
                    ++pos_;
                }
                continue;
            }
            if (c != '%') {
                append_text(nodes, c);
                ++pos_;
                continue;
            }
            if (pos_ + 1 >= s_.size())
                return error("lone '%'");
            char spec = s_[pos_ + 1];
            if (spec == '%') {
                append_text(nodes, '%');
                pos_ += 2;
            } else if (spec == 'n' || spec == 'm') {
                nodes.push_back(node_of(spec == 'n' ? Node::Kind::name : Node::Kind::mailbox));
                pos_ += 2;
            } else if (spec == '?') {
                INTERIMAP_TRY(parse_conditional(nodes));
            } else {
                ++pos_;
                return error(std::string("unknown specifier '%") + spec + "'");
            }
        }
        return ok();
    }

    // At "%?X?then[&else]?".
    Result<void> parse_conditional(std::vector<Node>& nodes) {
        std::size_t start = pos_;
        pos_ += 2;
        if (pos_ >= s_.size() || !is_variable(s_[pos_]))
            return error("conditional on unknown specifier (expected %?n? or %?m?)");
        Node node = node_of(Node::Kind::conditional);
        node.variable = s_[pos_++];
        if (pos_ >= s_.size() || s_[pos_] != '?')
            return error("missing '?' after %?" + std::string(1, node.variable));
        ++pos_;
        INTERIMAP_TRY(parse_sequence(node.then_nodes, true));
        if (pos_ < s_.size() && s_[pos_] == '&') {
            ++pos_;
            INTERIMAP_TRY(parse_sequence(node.else_nodes, true));
            if (pos_ < s_.size() && s_[pos_] == '&')
                return error("second '&' in conditional");
        }
        if (pos_ >= s_.size()) {
            pos_ = start;
            return error("unterminated conditional");
        }
        ++pos_; // the closing '?'
        nodes.push_back(std::move(node));
        return ok();
    }

    std::string_view s_;
    std::size_t pos_ = 0;
};

void expand_into(std::string& out, const std::vector<Node>& nodes, std::string_view name,
                 std::string_view mailbox) {
    for (const Node& node : nodes) {
        switch (node.kind) {
        case Node::Kind::text:
            out += node.text;
            break;
        case Node::Kind::name:
            out += name;
            break;
        case Node::Kind::mailbox:
            out += mailbox;
            break;
        case Node::Kind::conditional: {
            bool set = !(node.variable == 'n' ? name : mailbox).empty();
            expand_into(out, set ? node.then_nodes : node.else_nodes, name, mailbox);
            break;
        }
        }
    }
}

} // namespace

LogPrefix::LogPrefix() : LogPrefix(*compile(default_format)) {}

Result<LogPrefix> LogPrefix::compile(std::string_view format) {
    auto nodes = FormatParser(format).parse_top();
    if (!nodes)
        return Fail(std::move(nodes).error());
    LogPrefix prefix = LogPrefix(NoInit{});
    prefix.format_ = std::string(format);
    prefix.nodes_ = std::move(*nodes);
    return prefix;
}

std::string LogPrefix::expand(std::string_view name, std::string_view mailbox) const {
    std::string out;
    expand_into(out, nodes_, name, mailbox);
    return out;
}

} // namespace interimap::log
