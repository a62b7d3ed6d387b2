// The ignore-mailbox option: a PCRE2 pattern matched against stored names
// (reference trimmed, hierarchy delimiter replaced by NUL).
#pragma once

#include <interimap/result.hpp>
#include <memory>
#include <string>
#include <string_view>

namespace interimap::sync {

class MailboxFilter {
public:
    /// Compiles `pattern`; a syntax error names its offset.
    static Result<std::unique_ptr<MailboxFilter>> compile(std::string_view pattern);
    ~MailboxFilter();
    MailboxFilter(const MailboxFilter&) = delete;
    MailboxFilter& operator=(const MailboxFilter&) = delete;

    /// True if `stored_name` matches, i.e. the mailbox is ignored.
    bool ignores(std::string_view stored_name) const;

private:
    MailboxFilter() = default;
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace interimap::sync
