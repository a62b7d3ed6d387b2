#include "sync/status_report.hpp"

#include "util/ascii.hpp"

namespace interimap::sync {

void StatusReport::merge(const StatusReport& later) {
    if (later.uidvalidity)
        uidvalidity = later.uidvalidity;
    if (later.uidnext)
        uidnext = later.uidnext;
    if (later.highestmodseq)
        highestmodseq = later.highestmodseq;
}

std::optional<StatusReport> parse_status_report(const imap::Response& r) {
    if (r.keyword != "STATUS" || r.data.size() < 2 || !r.data[0].is_astring() ||
        r.data[1].kind != imap::Value::Kind::list)
        return std::nullopt;
    StatusReport report;
    report.mailbox = r.data[0].text;
    if (ascii_lower(report.mailbox) == "inbox")
        report.mailbox = "INBOX";
    const auto& items = r.data[1].items;
    if (items.size() % 2 != 0)
        return std::nullopt;
    for (std::size_t i = 0; i < items.size(); i += 2) {
        std::string key = ascii_lower(items[i].text);
        const imap::Value& v = items[i + 1];
        if (v.kind != imap::Value::Kind::number || v.overflow)
            return std::nullopt;
        if (key == "uidvalidity" && v.number <= 0xFFFFFFFFull)
            report.uidvalidity = static_cast<std::uint32_t>(v.number);
        else if (key == "uidnext" && v.number <= 0xFFFFFFFFull)
            report.uidnext = static_cast<std::uint32_t>(v.number);
        else if (key == "highestmodseq")
            report.highestmodseq = v.number;
    }
    return report;
}

bool reports_news(const std::optional<MailboxState>& recorded, const StatusReport& report) {
    if (!recorded)
        return true;
    return (report.uidvalidity && *report.uidvalidity != recorded->uidvalidity) ||
           (report.uidnext && *report.uidnext > recorded->uidnext) ||
           (report.highestmodseq && *report.highestmodseq > recorded->highestmodseq);
}

} // namespace interimap::sync
