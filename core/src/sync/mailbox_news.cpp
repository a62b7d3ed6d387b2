#include "sync/mailbox_news.hpp"

namespace interimap::sync {

namespace {

/// The events interimap wants about a mailbox: new messages, expunges and
/// flag changes (not the bodies: those are fetched by the round that
/// synchronises the mailbox).
constexpr const char* kMessageEvents = "(MessageNew MessageExpunge FlagChange)";

imap::Command notify_command(const char* name, const std::vector<std::string>& mailboxes,
                             bool with_mailbox_list) {
    imap::Command cmd(name);
    if (!mailboxes.empty()) {
        cmd.begin_list().raw("MAILBOXES").begin_list();
        for (const std::string& m : mailboxes)
            cmd.string(m);
        cmd.end_list().raw(kMessageEvents).end_list();
    }
    cmd.begin_list().raw("SELECTED").raw(kMessageEvents).end_list();
    if (with_mailbox_list)
        cmd.raw("(personal (MailboxName SubscriptionChange))");
    return cmd;
}

} // namespace

std::vector<imap::Command> notify_commands(const std::vector<std::string>& mailboxes) {
    std::vector<imap::Command> out;
    out.push_back(notify_command("NOTIFY SET STATUS", mailboxes, false));
    out.push_back(notify_command("NOTIFY SET", mailboxes, true));
    return out;
}

MailboxNews::MailboxNews(const SideListing& local, const SideListing& remote,
                         const std::vector<StoredMailboxName>& mailboxes) {
    for (const StoredMailboxName& m : mailboxes)
        for (const SideListing* s : {&local, &remote})
            if (auto name = s->naming.to_server(m))
                watched_[s == &local ? 0 : 1].emplace(std::move(*name), m);
}

std::vector<std::string> MailboxNews::server_names(Side side) const {
    std::vector<std::string> out;
    for (const auto& [server_name, stored] : watched_[index(side)])
        out.push_back(server_name);
    return out;
}

void MailboxNews::listen(Side side, imap::Connection& connection, SelectionRouter* router) {
    connection.set_unsolicited_handler([this, side, router](const imap::Response& r) {
        if (take(side, r))
            return;
        if (router) {
            router->route(r);
        } else if (r.keyword == "EXISTS" || r.keyword == "FETCH" || r.keyword == "VANISHED" ||
                   r.keyword == "EXPUNGE") {
            selection_changed_[index(side)] = true;
            news_ = true;
        }
    });
}

bool MailboxNews::take(Side side, const imap::Response& r) {
    // LIST reports a change to the mailbox list (MailboxName,
    // SubscriptionChange); like the reference, we do not act on it: the
    // mailbox list is reconciled when a session starts.
    if (r.keyword == "LIST")
        return true;
    if (r.keyword != "STATUS")
        return false;
    auto report = parse_status_report(r);
    if (!report) {
        if (!error_)
            error_ = make_error(ErrorCode::protocol, "Invalid STATUS response: " + r.log_line,
                                side_name(side));
        news_ = true;
        return true;
    }
    auto& watched = watched_[index(side)];
    auto it = watched.find(report->mailbox);
    if (it == watched.end())
        return true;
    auto [known, inserted] = reports_[index(side)].try_emplace(it->second, *report);
    if (!inserted)
        known->second.merge(*report);
    news_ = true;
    return true;
}

const StatusReport* MailboxNews::report(Side side, const StoredMailboxName& mailbox) const {
    const auto& reports = reports_[index(side)];
    auto it = reports.find(mailbox);
    return it == reports.end() ? nullptr : &it->second;
}

void MailboxNews::forget(const StoredMailboxName& mailbox) {
    reports_[0].erase(mailbox);
    reports_[1].erase(mailbox);
}

void MailboxNews::clear_news() {
    news_ = false;
    selection_changed_[0] = selection_changed_[1] = false;
}

} // namespace interimap::sync
