// The `log-prefix` option: a printf(3)-like format expanded before every log
// message. %n is the component name (local, remote, database), %m the
// mailbox, %% a percent sign; %?X?then? and %?X?then&else? choose a branch on
// whether %X is non-empty, and nest; \&, \? and \\ are literal characters.
#pragma once

#include <interimap/result.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace interimap::log {

/// A compiled log-prefix format.
class LogPrefix {
public:
    /// The manual's default: "%?n?%?m?%n(%m)&%n?: ?" ("local(INBOX): ").
    static constexpr std::string_view default_format = "%?n?%?m?%n(%m)&%n?: ?";

    /// The default format.
    LogPrefix();

    /// Compiles `format`. Errors (code config) say what is wrong and where:
    /// an unknown %X specifier, a lone '%', a conditional without its closing
    /// '?', or a second '&' in one conditional. Outside conditionals, '&' and
    /// '?' are literal; a backslash before any other character is literal.
    static Result<LogPrefix> compile(std::string_view format);

    /// The prefix for a message about `name` and `mailbox` (either may be empty).
    std::string expand(std::string_view name, std::string_view mailbox) const;

    /// The format it was compiled from.
    const std::string& format() const { return format_; }

    struct Node {
        enum class Kind { text, name, mailbox, conditional } kind = Kind::text;
        std::string text;             ///< for text
        char variable = 0;            ///< for conditional: 'n' or 'm'
        std::vector<Node> then_nodes; ///< for conditional
        std::vector<Node> else_nodes; ///< for conditional
    };

private:
    struct NoInit {};
    explicit LogPrefix(NoInit) {}

    std::string format_;
    std::vector<Node> nodes_;
};

} // namespace interimap::log
