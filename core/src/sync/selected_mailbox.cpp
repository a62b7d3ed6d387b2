#include "sync/selected_mailbox.hpp"

#include "util/ascii.hpp"

#include <algorithm>
#include <set>
#include <sstream>
#include <utility>

namespace interimap::sync {

namespace {

std::optional<std::uint32_t> as_uid32(const imap::Value& v) {
    if (v.kind != imap::Value::Kind::number || v.overflow || v.number > 0xFFFFFFFFull)
        return std::nullopt;
    return static_cast<std::uint32_t>(v.number);
}

/// Any 64-bit value: RFC 7162 stops at 2^63-1, Dovecot does not.
std::optional<std::uint64_t> as_modseq(const imap::Value& v) {
    if (v.kind != imap::Value::Kind::number || v.overflow)
        return std::nullopt;
    return v.number;
}

} // namespace

FlagList normalise_flags(const imap::Value& list) {
    std::set<std::string> flags;
    for (const imap::Value& f : list.items)
        if (!ascii_iequals(f.text, "\\Recent"))
            flags.insert(f.text);
    std::string out;
    for (const std::string& f : flags) {
        if (!out.empty())
            out += ' ';
        out += f;
    }
    return out;
}

FlagList union_flags(const FlagList& a, const FlagList& b) {
    std::set<std::string> flags;
    for (const FlagList* l : {&a, &b}) {
        std::istringstream in(*l);
        for (std::string f; in >> f;)
            flags.insert(f);
    }
    std::string out;
    for (const std::string& f : flags) {
        if (!out.empty())
            out += ' ';
        out += f;
    }
    return out;
}

std::optional<FetchData> parse_fetch(const imap::Response& r) {
    if (r.keyword != "FETCH" || r.data.size() != 1 || r.data[0].kind != imap::Value::Kind::list)
        return std::nullopt;
    const auto& items = r.data[0].items;
    if (items.size() % 2 != 0)
        return std::nullopt;
    FetchData f;
    for (std::size_t i = 0; i < items.size(); i += 2) {
        std::string key = ascii_upper(items[i].text);
        const imap::Value& v = items[i + 1];
        if (key == "UID") {
            f.uid = as_uid32(v);
            if (!f.uid || *f.uid == 0)
                return std::nullopt;
        } else if (key == "FLAGS") {
            if (v.kind != imap::Value::Kind::list)
                return std::nullopt;
            f.flags = normalise_flags(v);
        } else if (key == "MODSEQ") {
            if (v.kind != imap::Value::Kind::list || v.items.size() != 1)
                return std::nullopt;
            f.modseq = as_modseq(v.items[0]);
            if (!f.modseq)
                return std::nullopt;
        } else if (key == "INTERNALDATE") {
            if (v.kind != imap::Value::Kind::string)
                return std::nullopt;
            f.internal_date = v.text;
        } else if (key == "RFC822.SIZE") {
            if (v.kind != imap::Value::Kind::number || v.overflow)
                return std::nullopt;
            f.size = v.number;
        } else if (key == "BODY[]" || key == "RFC822") {
            f.body = &v;
        } else if (key == "ENVELOPE") {
            f.envelope = &v;
        }
    }
    return f;
}

std::string envelope_sender(const imap::Value* env) {
    if (!env || env->kind != imap::Value::Kind::list || env->items.size() < 5)
        return "";
    // from, sender, reply-to: the first non-empty list with a full address.
    for (std::size_t i = 2; i <= 4; ++i) {
        const imap::Value& list = env->items[i];
        if (list.kind != imap::Value::Kind::list || list.items.empty())
            continue;
        const imap::Value& addr = list.items[0];
        if (addr.kind != imap::Value::Kind::list || addr.items.size() < 4)
            continue;
        if (addr.items[2].kind == imap::Value::Kind::nil ||
            addr.items[3].kind == imap::Value::Kind::nil)
            return "";
        return addr.items[2].text + "@" + addr.items[3].text;
    }
    return "";
}

void SelectedMailbox::handle_code(const imap::ResponseCode& code) {
    if (code.name == "UIDVALIDITY" && code.args.size() == 1)
        uidvalidity = as_uid32(code.args[0]);
    else if (code.name == "UIDNEXT" && code.args.size() == 1)
        uidnext = as_uid32(code.args[0]);
    else if (code.name == "HIGHESTMODSEQ" && code.args.size() == 1) {
        if (auto m = as_modseq(code.args[0]))
            highestmodseq = std::max(highestmodseq.value_or(0), *m);
    } else if (code.name == "NOMODSEQ")
        nomodseq = true;
    else if (code.name == "READ-ONLY")
        read_only = true;
}

void SelectedMailbox::record_flags(const FetchData& f) {
    if (!f.uid)
        return;
    FlagUpdate& u = modified_[*f.uid];
    if (f.modseq) {
        u.modseq = std::max(u.modseq, *f.modseq);
        highestmodseq = std::max(highestmodseq.value_or(0), *f.modseq);
    }
    if (f.flags)
        u.flags = f.flags;
}

void SelectedMailbox::handle(const imap::Response& r) {
    if (r.code)
        handle_code(*r.code);
    if (r.keyword == "EXISTS" && r.number) {
        exists = *r.number;
    } else if (r.keyword == "VANISHED") {
        // "* VANISHED (EARLIER) 1:3" or "* VANISHED 5"
        const imap::Value* set = nullptr;
        for (const imap::Value& v : r.data)
            if (v.kind != imap::Value::Kind::list)
                set = &v;
        auto uids = set ? parse_uid_set(set->text) : std::nullopt;
        if (!uids) {
            protocol_error = "Invalid VANISHED response: " + r.log_line;
            return;
        }
        for (Uid u : *uids)
            if (!ours_expunged_.count(u))
                vanished_.push_back(u);
    } else if (r.keyword == "FETCH") {
        auto f = parse_fetch(r);
        if (!f) {
            protocol_error = "Invalid FETCH response: " + r.log_line;
            return;
        }
        if (!f->uid) // without UID we cannot tell which message: ask again later
            return;
        if (f->flags || f->modseq)
            record_flags(*f);
    } else if (r.keyword == "EXPUNGE") {
        // With QRESYNC enabled the server must send VANISHED instead.
        protocol_error = "Unexpected EXPUNGE response with QRESYNC enabled: " + r.log_line;
    }
}

std::vector<Uid> SelectedMailbox::take_expunged(const std::vector<Uid>& uids) {
    std::vector<Uid> sorted = uids;
    std::sort(sorted.begin(), sorted.end());
    std::vector<Uid> gone;
    std::erase_if(vanished_, [&](Uid u) {
        if (!std::binary_search(sorted.begin(), sorted.end(), u))
            return false;
        gone.push_back(u);
        return true;
    });
    std::sort(gone.begin(), gone.end());
    gone.erase(std::unique(gone.begin(), gone.end()), gone.end());
    for (Uid u : uids)
        modified_.erase(u);
    return gone;
}

std::vector<Uid> SelectedMailbox::take_echoes(const std::vector<Uid>& uids, const FlagList& flags) {
    std::vector<Uid> echoed;
    for (Uid u : uids) {
        auto it = modified_.find(u);
        if (it != modified_.end() && (!it->second.flags || *it->second.flags == flags)) {
            modified_.erase(it);
            echoed.push_back(u);
        }
    }
    return echoed;
}

void SelectedMailbox::mark_unknown(const std::vector<Uid>& uids) {
    for (Uid u : uids)
        modified_[u] = FlagUpdate{};
}

std::vector<Uid> SelectedMailbox::take_vanished() {
    return std::exchange(vanished_, {});
}

std::map<Uid, FlagUpdate> SelectedMailbox::take_modified() {
    return std::exchange(modified_, {});
}

} // namespace interimap::sync
