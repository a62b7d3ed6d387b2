#include "log/error_context.hpp"

namespace interimap::log {

std::string error_context(std::string_view name, std::string_view mailbox) {
    std::string out(name);
    if (!mailbox.empty()) {
        out += '(';
        out += mailbox;
        out += ')';
    }
    return out;
}

LogContext log_context_of(std::string_view context) {
    // Component names never contain "(" (local, remote, database, a
    // configuration section); a mailbox name may, so the first one splits.
    const auto open = context.find('(');
    if (open == std::string_view::npos || open == 0 || context.back() != ')')
        return LogContext{context, {}};
    const std::string_view mailbox = context.substr(open + 1, context.size() - open - 2);
    if (mailbox.empty())
        return LogContext{context, {}};
    return LogContext{context.substr(0, open), mailbox};
}

} // namespace interimap::log
