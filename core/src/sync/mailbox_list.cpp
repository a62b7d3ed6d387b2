#include "sync/mailbox_list.hpp"

#include "sync/status_report.hpp"
#include "util/ascii.hpp"

#include <algorithm>

namespace interimap::sync {

namespace {

bool is_inbox(std::string_view name) {
    return ascii_lower(name) == "inbox";
}

/// Parses "* LIST (attrs) delim name [extended items]".
std::optional<ListedMailbox> parse_list(const imap::Response& r) {
    if (r.data.size() < 3 || r.data[0].kind != imap::Value::Kind::list || !r.data[2].is_astring())
        return std::nullopt;
    ListedMailbox m;
    for (const imap::Value& a : r.data[0].items) {
        std::string attr = ascii_lower(a.text);
        m.attributes.push_back(a.text);
        if (attr == "\\subscribed")
            m.subscribed = true;
        if (attr == "\\noselect" || attr == "\\nonexistent")
            m.selectable = false;
    }
    const imap::Value& d = r.data[1];
    if (d.kind == imap::Value::Kind::string && d.text.size() == 1)
        m.delimiter = d.text[0];
    else if (d.kind != imap::Value::Kind::nil)
        return std::nullopt;
    m.name = r.data[2].text;
    if (is_inbox(m.name))
        m.name = "INBOX";
    return m;
}

async::Task<Result<std::optional<char>>> query_delimiter(imap::Connection& conn,
                                                         const std::string& reference) {
    std::optional<char> delimiter;
    int replies = 0;
    imap::Command cmd("LIST");
    cmd.string(reference).string("");
    imap::CommandOptions opts;
    opts.collects = {"LIST"};
    opts.on_untagged = [&](const imap::Response& r) {
        ++replies;
        if (auto m = parse_list(r))
            delimiter = m->delimiter;
    };
    auto done = co_await conn.send(std::move(cmd), std::move(opts));
    if (!done)
        co_return Fail(std::move(done).error());
    if (!done->ok())
        co_return Fail(ErrorCode::refused, "LIST failed: " + done->text);
    if (replies != 1)
        co_return Fail(ErrorCode::protocol, "Missing or unexpected (unsolicited) LIST response.");
    co_return delimiter;
}

} // namespace

std::string print_delimiter(std::optional<char> d) {
    if (!d)
        return "NIL";
    if (*d == '\\' || *d == '"')
        return std::string("\"\\") + *d + "\"";
    return std::string("\"") + *d + "\"";
}

std::string display_name(const StoredMailboxName& stored, std::optional<char> delimiter) {
    std::string out = stored;
    std::replace(out.begin(), out.end(), '\0', delimiter.value_or('/'));
    return out;
}

std::optional<StoredMailboxName> MailboxNaming::to_stored(const std::string& server_name) const {
    if (server_name.compare(0, reference_.size(), reference_) != 0)
        return std::nullopt;
    std::string out = server_name.substr(reference_.size());
    if (delimiter_)
        std::replace(out.begin(), out.end(), *delimiter_, '\0');
    return out;
}

Result<std::string> MailboxNaming::to_server(const StoredMailboxName& stored) const {
    std::string out = stored;
    if (delimiter_)
        std::replace(out.begin(), out.end(), '\0', *delimiter_);
    else if (out.find('\0') != std::string::npos)
        return Fail(ErrorCode::protocol, "Mailbox name contains null characters but the "
                                         "namespace is flat!");
    return reference_ + out;
}

async::Task<Result<MailboxListing>> list_mailboxes(imap::Connection& conn,
                                                   const ListRequest& request) {
    MailboxListing listing;
    std::vector<std::string> patterns = request.patterns;
    bool needs_delimiter = std::any_of(patterns.begin(), patterns.end(), [](const std::string& p) {
        return p.find('\0') != std::string::npos;
    });
    if (needs_delimiter) {
        Result<std::optional<char>> d = request.known_delimiter.value_or(std::nullopt);
        if (!request.known_delimiter)
            d = co_await query_delimiter(conn, request.reference);
        if (!d)
            co_return Fail(std::move(d).error());
        if (!*d)
            co_return Fail(ErrorCode::protocol,
                           "Mailbox name contains null characters but the namespace is flat!");
        listing.delimiter = *d;
        for (std::string& p : patterns)
            std::replace(p.begin(), p.end(), '\0', **d);
    }

    imap::Command cmd("LIST");
    if (!request.select_options.empty())
        cmd.raw("(" + request.select_options + ")");
    cmd.string(request.reference);
    if (patterns.empty()) {
        cmd.raw("*");
    } else if (patterns.size() == 1) {
        cmd.list_pattern(patterns[0]);
    } else {
        // A parenthesised pattern list (RFC 5258 3): written piecewise so each
        // pattern gets its own quoting.
        cmd.raw("(");
        for (std::size_t i = 0; i < patterns.size(); ++i)
            cmd.list_pattern(patterns[i]);
        cmd.raw(")");
    }
    bool with_status = request.with_status && conn.capabilities().has("LIST-STATUS");
    cmd.raw(with_status ? "RETURN (SUBSCRIBED STATUS (UIDVALIDITY UIDNEXT HIGHESTMODSEQ))"
                        : "RETURN (SUBSCRIBED)");

    std::map<std::string, MailboxState> statuses;
    Result<void> parsed = ok();
    imap::CommandOptions opts;
    opts.collects = {"LIST", "STATUS"};
    opts.on_untagged = [&](const imap::Response& r) {
        if (!parsed)
            return;
        if (r.keyword == "LIST") {
            auto m = parse_list(r);
            if (!m) {
                parsed = Fail(ErrorCode::protocol, "Invalid LIST response: " + r.log_line);
                return;
            }
            listing.mailboxes[m->name] = std::move(*m);
        } else {
            auto s = parse_status_report(r);
            if (!s) {
                parsed = Fail(ErrorCode::protocol, "Invalid STATUS response: " + r.log_line);
                return;
            }
            statuses[s->mailbox] = MailboxState{s->uidvalidity.value_or(0), s->uidnext.value_or(0),
                                                s->highestmodseq.value_or(0)};
        }
    };
    auto done = co_await conn.send(std::move(cmd), std::move(opts));
    if (!done)
        co_return Fail(std::move(done).error());
    if (!done->ok())
        co_return Fail(ErrorCode::refused, "LIST failed: " + done->text);
    if (!parsed)
        co_return Fail(std::move(parsed).error());
    for (auto& [name, st] : statuses)
        if (auto it = listing.mailboxes.find(name); it != listing.mailboxes.end())
            it->second.status = st;

    // INBOX may live in a namespace of its own; the other names share one
    // delimiter (RFC 3501 7.2.2). The first of them, in sorted order, decides.
    if (!listing.delimiter) {
        bool found = false;
        for (const auto& [name, m] : listing.mailboxes)
            if (name != "INBOX") {
                listing.delimiter = m.delimiter;
                found = true;
                break;
            }
        if (!found && request.known_delimiter) {
            listing.delimiter = *request.known_delimiter;
        } else if (!found) {
            auto d = co_await query_delimiter(conn, request.reference);
            if (!d)
                co_return Fail(std::move(d).error());
            listing.delimiter = *d;
        }
    }
    co_return listing;
}

} // namespace interimap::sync
